/* mm/pmm.c - the physical frame allocator (see mm/pmm.h for the states a
 * frame can be in).  Three bitmaps, one bit per frame: free, usable and
 * reserved.  Searches walk whole u64 words and skip the ones that cannot
 * hold what they look for, so a mostly full or mostly empty map costs one
 * load per 64 frames.  No locking: the kernel serialises the callers. */
#include "lib/types.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "mm/pmm.h"

#define BITS_PER_WORD 64
#define NO_FRAME      (~0ULL)

/* A portable popcount: __builtin_popcountll becomes a libgcc call when the
 * CPU baseline has no POPCNT, and the kernel links without libgcc. */
static u64 popcount64(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/* Frames touched by [0, max_phys), a partial last frame included. */
static u64 frames_below(u64 max_phys)
{
	return (max_phys >> PAGE_SHIFT) + ((max_phys & (PAGE_SIZE - 1)) != 0);
}

static u64 words_for(u64 npages)
{
	return (npages + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

static u64 frame_addr(u64 pfn)
{
	return pfn << PAGE_SHIFT;
}

/* The bits of word @w that fall inside frames [start, end). */
static u64 word_mask(u64 w, u64 start, u64 end)
{
	u64 first = w * BITS_PER_WORD;
	u64 lo = start > first ? start - first : 0;
	u64 hi = end - first < BITS_PER_WORD ? end - first : BITS_PER_WORD;
	u64 mask = ~0ULL << lo;

	if (hi < BITS_PER_WORD)
		mask &= BIT(hi) - 1;
	return mask;
}

/* First frame in [from, end) whose bit equals @set, or @end.  Words that
 * are all the wrong value are skipped whole. */
static u64 find_next(const u64 *map, u64 from, u64 end, bool set)
{
	u64 flip = set ? 0 : ~0ULL;
	u64 w, bits;

	if (from >= end)
		return end;
	w = from / BITS_PER_WORD;
	bits = (map[w] ^ flip) & (~0ULL << (from % BITS_PER_WORD));
	while (!bits) {
		w++;
		if (w * BITS_PER_WORD >= end)
			return end;
		bits = map[w] ^ flip;
	}
	from = w * BITS_PER_WORD + (u64)__builtin_ctzll(bits);
	return from < end ? from : end;
}

/* Clips a frame range to the map; false when nothing is left. */
static bool clip(const struct pmm *p, u64 *start, u64 *end)
{
	if (*end > p->npages)
		*end = p->npages;
	return *start < *end;
}

size_t pmm_map_bytes(u64 max_phys)
{
	return (size_t)(words_for(frames_below(max_phys)) * sizeof(u64) * 3);
}

void pmm_init(struct pmm *p, void *storage, u64 max_phys)
{
	u64 npages = frames_below(max_phys);
	u64 nwords = words_for(npages);

	memset(p, 0, sizeof(*p));
	if (!storage || !IS_ALIGNED((uintptr_t)storage, sizeof(u64))) {
		/* Leave an empty map: every allocation fails, nothing faults. */
		pr_err("pmm: bitmap storage at 0x%llx is not 8-byte aligned; no memory managed\n",
		       (unsigned long long)(uintptr_t)storage);
		return;
	}
	memset(storage, 0, (size_t)(nwords * sizeof(u64) * 3));
	p->free_map = storage;
	p->usable_map = p->free_map + nwords;
	p->reserved_map = p->usable_map + nwords;
	p->npages = npages;
	p->nwords = nwords;

	/* Physical address 0 means "no page" to the rest of the kernel. */
	if (npages) {
		p->reserved_map[0] = BIT(0);
		p->nreserved = 1;
	}
}

void pmm_add_usable(struct pmm *p, paddr_t base, u64 len)
{
	u64 end_addr = base + len;
	u64 start, end, w;

	if (len == 0)
		return;
	if (end_addr < base)
		end_addr = ~0ULL;
	/* Inward: a frame only partly RAM is not RAM. */
	start = frames_below(base);
	end = end_addr >> PAGE_SHIFT;
	if (!clip(p, &start, &end))
		return;

	for (w = start / BITS_PER_WORD; w * BITS_PER_WORD < end; w++) {
		u64 add = word_mask(w, start, end) &
			  ~p->reserved_map[w] & ~p->usable_map[w];

		p->usable_map[w] |= add;
		p->free_map[w] |= add;
		p->nusable += popcount64(add);
		p->nfree += popcount64(add);
	}
}

void pmm_reserve(struct pmm *p, paddr_t base, u64 len)
{
	u64 end_addr = base + len;
	u64 start, end, w, taken = 0;

	if (len == 0)
		return;
	if (end_addr < base)
		end_addr = ~0ULL;
	/* Outward: any byte of a frame being off limits makes all of it so. */
	start = base >> PAGE_SHIFT;
	end = frames_below(end_addr);
	if (!clip(p, &start, &end))
		return;

	for (w = start / BITS_PER_WORD; w * BITS_PER_WORD < end; w++) {
		u64 mask = word_mask(w, start, end);
		u64 usable = p->usable_map[w] & mask;
		u64 avail = p->free_map[w] & mask;

		taken += popcount64(usable & ~avail);
		p->nreserved += popcount64(mask & ~p->reserved_map[w]);
		p->nusable -= popcount64(usable);
		p->nfree -= popcount64(avail);
		p->reserved_map[w] |= mask;
		p->usable_map[w] &= ~mask;
		p->free_map[w] &= ~mask;
	}
	if (taken)
		pr_warn("pmm: reserving [0x%llx, 0x%llx) takes %llu allocated frame(s) from their owner for good\n",
			(unsigned long long)frame_addr(start),
			(unsigned long long)frame_addr(end),
			(unsigned long long)taken);
}

/* First run of @count free frames starting at a multiple of @align, with
 * the start in [from, limit), or NO_FRAME. */
static u64 find_run(const struct pmm *p, u64 from, u64 limit, u64 count, u64 align)
{
	u64 pos = from;

	while (pos < limit) {
		u64 hole;

		pos = ALIGN_UP(find_next(p->free_map, pos, p->npages, true), align);
		if (pos >= limit || count > p->npages - pos)
			return NO_FRAME;
		hole = find_next(p->free_map, pos, pos + count, false);
		if (hole == pos + count)
			return pos;
		pos = hole + 1;
	}
	return NO_FRAME;
}

int pmm_alloc(struct pmm *p, u64 count, u64 align_pages, paddr_t *out)
{
	u64 start, pfn, w;

	if (!out || count == 0 || align_pages == 0 || (align_pages & (align_pages - 1))) {
		pr_err("pmm: bad allocation request: %llu frame(s) aligned to %llu\n",
		       (unsigned long long)count, (unsigned long long)align_pages);
		return -EINVAL;
	}
	if (count > p->nfree)
		return -ENOMEM;

	/* Rotating first fit: from the hint to the end, then the part before
	 * the hint, so fresh frames are preferred over just-freed ones. */
	start = p->hint < p->npages ? p->hint : 0;
	pfn = find_run(p, start, p->npages, count, align_pages);
	if (pfn == NO_FRAME && start)
		pfn = find_run(p, 0, start, count, align_pages);
	if (pfn == NO_FRAME)
		return -ENOMEM;

	for (w = pfn / BITS_PER_WORD; w * BITS_PER_WORD < pfn + count; w++)
		p->free_map[w] &= ~word_mask(w, pfn, pfn + count);
	p->nfree -= count;
	p->hint = pfn + count < p->npages ? pfn + count : 0;
	*out = frame_addr(pfn);
	return 0;
}

int pmm_free(struct pmm *p, paddr_t pa, u64 count)
{
	u64 pfn = pa >> PAGE_SHIFT;
	u64 end, w;

	if (count == 0) {
		pr_err("pmm: free of 0x%llx with a count of 0 frames\n", (unsigned long long)pa);
		return -EINVAL;
	}
	if (!IS_ALIGNED(pa, PAGE_SIZE)) {
		pr_err("pmm: free of 0x%llx: not page aligned\n", (unsigned long long)pa);
		return -EINVAL;
	}
	if (pfn >= p->npages || count > p->npages - pfn) {
		pr_err("pmm: free of 0x%llx (%llu frame(s)): outside the map, which ends at 0x%llx\n",
		       (unsigned long long)pa, (unsigned long long)count,
		       (unsigned long long)frame_addr(p->npages));
		return -EINVAL;
	}

	/* Check the whole range before changing anything. */
	end = pfn + count;
	for (w = pfn / BITS_PER_WORD; w * BITS_PER_WORD < end; w++) {
		u64 mask = word_mask(w, pfn, end);
		u64 unusable = mask & ~p->usable_map[w];
		u64 already = mask & p->free_map[w];

		if (unusable) {
			u64 bad = w * BITS_PER_WORD + (u64)__builtin_ctzll(unusable);
			bool reserved = p->reserved_map[w] & BIT(bad % BITS_PER_WORD);

			pr_err("pmm: free of 0x%llx: frame 0x%llx is %s, it was never handed out\n",
			       (unsigned long long)pa, (unsigned long long)frame_addr(bad),
			       reserved ? "reserved" : "not usable RAM");
			return -EINVAL;
		}
		if (already) {
			u64 bad = w * BITS_PER_WORD + (u64)__builtin_ctzll(already);

			pr_err("pmm: double free of 0x%llx: frame 0x%llx is already free\n",
			       (unsigned long long)pa, (unsigned long long)frame_addr(bad));
			return -EINVAL;
		}
	}

	for (w = pfn / BITS_PER_WORD; w * BITS_PER_WORD < end; w++)
		p->free_map[w] |= word_mask(w, pfn, end);
	p->nfree += count;
	return 0;
}

bool pmm_is_free(const struct pmm *p, paddr_t pa)
{
	u64 pfn = pa >> PAGE_SHIFT;

	if (pfn >= p->npages)
		return false;
	return p->free_map[pfn / BITS_PER_WORD] & BIT(pfn % BITS_PER_WORD);
}

void pmm_stats(const struct pmm *p, struct pmm_stats *st)
{
	st->total_pages = p->nusable;
	st->free_pages = p->nfree;
	st->reserved_pages = p->nreserved;
}

/* Reports the first frame of @bits in word @w as breaking @rule. */
static void check_fail(u64 w, u64 bits, const char *rule)
{
	u64 pfn = w * BITS_PER_WORD + (u64)__builtin_ctzll(bits);

	pr_err("pmm: check: frame 0x%llx %s\n", (unsigned long long)frame_addr(pfn), rule);
}

int pmm_check(const struct pmm *p)
{
	u64 nfree = 0, nusable = 0, nreserved = 0, w;
	int ret = 0;

	for (w = 0; w < p->nwords; w++) {
		u64 fr = p->free_map[w], us = p->usable_map[w], rs = p->reserved_map[w];
		u64 inside = word_mask(w, 0, p->npages);

		if (fr & ~us) {
			check_fail(w, fr & ~us, "is free but not usable");
			ret = -EINVAL;
		}
		if (us & rs) {
			check_fail(w, us & rs, "is both usable and reserved");
			ret = -EINVAL;
		}
		if ((fr | us | rs) & ~inside) {
			check_fail(w, (fr | us | rs) & ~inside, "is past the end of the map but marked");
			ret = -EINVAL;
		}
		nfree += popcount64(fr);
		nusable += popcount64(us);
		nreserved += popcount64(rs);
	}
	if (p->npages && (p->usable_map[0] & BIT(0))) {
		pr_err("pmm: check: page 0 is usable, it must stay reserved\n");
		ret = -EINVAL;
	}
	if (nfree != p->nfree || nusable != p->nusable || nreserved != p->nreserved) {
		pr_err("pmm: check: counters free/usable/reserved = %llu/%llu/%llu, bitmaps say %llu/%llu/%llu\n",
		       (unsigned long long)p->nfree, (unsigned long long)p->nusable,
		       (unsigned long long)p->nreserved, (unsigned long long)nfree,
		       (unsigned long long)nusable, (unsigned long long)nreserved);
		ret = -EINVAL;
	}
	if (p->hint > p->npages) {
		pr_err("pmm: check: hint %llu is past the %llu frames of the map\n",
		       (unsigned long long)p->hint, (unsigned long long)p->npages);
		ret = -EINVAL;
	}
	return ret;
}
