/* tests/host/test_heap.c - host unit tests for the kernel heap (mm/heap.c).
 * The page source is an aligned arena with a page budget, so exhaustion
 * can be forced; it keeps given-back pages readable (as the kernel's direct
 * map does) unless a test asks it to scribble over them. */
#include "tests/host/host_support.h"
#include <stdio.h>
#include <string.h>
#include "lib/types.h"
#include "mm/pmm.h"
#include "mm/heap.h"

#define ARENA_PAGES 1024

struct src {
	u8 *base;
	u32 run[ARENA_PAGES];   /* length of the run starting at this page */
	bool used[ARENA_PAGES];
	size_t budget;          /* pages that may be out at once */
	size_t out;             /* pages out now */
	size_t alloc_calls;
	size_t free_calls;
	int misalign_next;      /* hand out one unaligned run */
	bool poison_on_free;    /* scribble over pages given back */
};

static struct src S;
static struct heap H;

static void *src_alloc(void *ctx, size_t npages)
{
	struct src *s = ctx;
	size_t start, i;

	s->alloc_calls++;
	if (npages == 0 || s->out + npages > s->budget)
		return NULL;
	for (start = 0; start + npages <= ARENA_PAGES; start++) {
		for (i = 0; i < npages && !s->used[start + i]; i++)
			;
		if (i < npages) {
			start += i;
			continue;
		}
		for (i = 0; i < npages; i++)
			s->used[start + i] = true;
		s->run[start] = (u32)npages;
		s->out += npages;
		if (s->misalign_next) {
			s->misalign_next = 0;
			return s->base + start * PAGE_SIZE + 64;
		}
		return s->base + start * PAGE_SIZE;
	}
	return NULL;
}

static void src_free(void *ctx, void *va, size_t npages)
{
	struct src *s = ctx;
	uintptr_t off = (uintptr_t)va - (uintptr_t)s->base;
	size_t start = ALIGN_DOWN(off, PAGE_SIZE) / PAGE_SIZE, i;

	s->free_calls++;
	/* The heap must give back exactly the runs it got. */
	assert_true(off < ARENA_PAGES * PAGE_SIZE);
	assert_int_equal(s->run[start], npages);
	for (i = 0; i < npages; i++) {
		assert_true(s->used[start + i]);
		s->used[start + i] = false;
	}
	s->run[start] = 0;
	s->out -= npages;
	if (s->poison_on_free)
		memset(s->base + start * PAGE_SIZE, 0xa5, npages * PAGE_SIZE);
}

static const struct heap_ops src_ops = {
	.alloc_pages = src_alloc,
	.free_pages = src_free,
	.ctx = &S,
};

static int setup(void **state)
{
	memset(&S, 0, sizeof(S));
	S.base = aligned_alloc(PAGE_SIZE, ARENA_PAGES * PAGE_SIZE);
	assert_non_null(S.base);
	memset(S.base, 0, ARENA_PAGES * PAGE_SIZE);
	S.budget = ARENA_PAGES;
	heap_init(&H, &src_ops);
	host_log_reset();
	return 0;
}

static int teardown(void **state)
{
	free(S.base);
	S.base = NULL;
	return 0;
}

static struct heap_stats hstats(void)
{
	struct heap_stats st;

	heap_stats(&H, &st);
	return st;
}

static bool log_has_ptr(const void *p)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)(uintptr_t)p);
	return host_log_contains(buf);
}

static u8 *page_of(const void *p)
{
	return (u8 *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
}

/* ---- the basics ---- */

static void test_init_empty(void **state)
{
	struct heap_stats st = hstats();

	assert_int_equal(st.bytes_in_use, 0);
	assert_int_equal(st.pages_held, 0);
	assert_int_equal(st.allocs + st.frees + st.errors, 0);
	assert_int_equal(heap_free(&H, NULL), 0);
	assert_int_equal(heap_usable_size(&H, NULL), 0);
	assert_int_equal(hstats().errors, 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_zero_and_absurd_sizes(void **state)
{
	assert_null(heap_alloc(&H, 0));
	assert_int_equal(hstats().errors, 0);
	assert_null(heap_alloc(&H, SIZE_MAX));
	assert_true(host_log_contains("refusing"));
	assert_null(heap_alloc(&H, HEAP_MAX_ALLOC + 1));
	assert_null(heap_alloc_aligned(&H, SIZE_MAX - 100, 4096));
	assert_int_equal(hstats().errors, 3);
	assert_int_equal(hstats().pages_held, 0);
	assert_int_equal(S.alloc_calls, 0);
}

static void test_every_size_class(void **state)
{
	static const size_t sizes[] = {
		1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128, 129, 200, 256,
		257, 500, 512, 513, 1000, 1024, 1025, 1500, 2047, 2048,
	};

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t cls = 16;
		u8 *p;

		while (cls < sizes[i])
			cls *= 2;
		p = heap_alloc(&H, sizes[i]);
		assert_non_null(p);
		assert_true(IS_ALIGNED((uintptr_t)p, HEAP_MIN_ALIGN));
		assert_true(IS_ALIGNED((uintptr_t)p, cls));  /* natural alignment */
		assert_int_equal(heap_usable_size(&H, p), cls);
		assert_int_equal(hstats().bytes_in_use, cls);
		memset(p, 0x11, cls);
		assert_int_equal(heap_free(&H, p), 0);
		assert_int_equal(hstats().bytes_in_use, 0);
	}
	/* One spare slab kept in each of the eight classes. */
	assert_int_equal(hstats().pages_held, HEAP_NR_CLASSES);
	assert_int_equal(hstats().allocs, ARRAY_SIZE(sizes));
	assert_int_equal(hstats().frees, ARRAY_SIZE(sizes));
	assert_int_equal(heap_check(&H), 0);
}

static void test_objects_do_not_overlap(void **state)
{
	enum { N = 300 };
	static u8 *objs[HEAP_NR_CLASSES][N];

	for (int c = 0; c < HEAP_NR_CLASSES; c++) {
		size_t sz = (size_t)HEAP_MIN_CLASS << c;

		for (int i = 0; i < N; i++) {
			objs[c][i] = heap_alloc(&H, sz);
			assert_non_null(objs[c][i]);
			memset(objs[c][i], (u8)(c * N + i), sz);
		}
	}
	assert_int_equal(heap_check(&H), 0);
	for (int c = 0; c < HEAP_NR_CLASSES; c++) {
		size_t sz = (size_t)HEAP_MIN_CLASS << c;

		for (int i = 0; i < N; i++) {
			for (size_t b = 0; b < sz; b++)
				assert_int_equal(objs[c][i][b], (u8)(c * N + i));
			assert_int_equal(heap_free(&H, objs[c][i]), 0);
		}
	}
	assert_int_equal(hstats().bytes_in_use, 0);
	assert_int_equal(hstats().pages_held, HEAP_NR_CLASSES);
	assert_int_equal(S.out, HEAP_NR_CLASSES);
	assert_int_equal(heap_check(&H), 0);
}

static void test_large_objects(void **state)
{
	static const size_t sizes[] = { 2049, 4000, 4032, 4033, 4096, 5000, 65536, 1 << 20 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t held = hstats().pages_held;
		u8 *p = heap_alloc(&H, sizes[i]);
		size_t npages, usable;

		assert_non_null(p);
		assert_true(IS_ALIGNED((uintptr_t)p, HEAP_MIN_ALIGN));
		npages = hstats().pages_held - held;
		usable = heap_usable_size(&H, p);
		assert_true(usable >= sizes[i]);
		/* A header of at most 64 bytes, and no page more than needed. */
		assert_true(usable + 64 >= npages * PAGE_SIZE);
		assert_int_equal(npages, (sizes[i] + 64 + PAGE_SIZE - 1) / PAGE_SIZE);
		assert_int_equal(hstats().bytes_in_use, usable);
		memset(p, 0x22, usable);
		assert_int_equal(heap_check(&H), 0);
		assert_int_equal(heap_free(&H, p), 0);
		/* Large runs go straight back to the source. */
		assert_int_equal(hstats().pages_held, held);
		assert_int_equal(S.out, 0);
	}
	assert_int_equal(hstats().bytes_in_use, 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_aligned_allocations(void **state)
{
	static const size_t sizes[] = { 1, 100, 2048, 3000, 10000 };
	u8 *ptrs[80];
	int n = 0;

	for (size_t align = 1; align <= PAGE_SIZE; align *= 2) {
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			u8 *p = heap_alloc_aligned(&H, sizes[i], align);

			assert_non_null(p);
			assert_true(IS_ALIGNED((uintptr_t)p, MAX(align, (size_t)HEAP_MIN_ALIGN)));
			assert_true(heap_usable_size(&H, p) >= sizes[i]);
			memset(p, 0x33, sizes[i]);
			ptrs[n++] = p;
		}
	}
	assert_int_equal(heap_check(&H), 0);
	while (n)
		assert_int_equal(heap_free(&H, ptrs[--n]), 0);
	assert_int_equal(hstats().bytes_in_use, 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_bad_alignment(void **state)
{
	assert_null(heap_alloc_aligned(&H, 64, 0));
	assert_null(heap_alloc_aligned(&H, 64, 24));
	assert_null(heap_alloc_aligned(&H, 64, 8192));
	assert_true(host_log_contains("not a power of two"));
	assert_int_equal(hstats().errors, 3);
	assert_int_equal(hstats().allocs, 0);
	assert_int_equal(S.alloc_calls, 0);
}

/* ---- refused frees ---- */

static void test_double_free_slab(void **state)
{
	u8 *a = heap_alloc(&H, 48), *b = heap_alloc(&H, 48);
	struct heap_stats before;

	memset(b, 0x44, 48);
	assert_int_equal(heap_free(&H, a), 0);
	before = hstats();
	assert_int_equal(heap_free(&H, a), -EINVAL);
	assert_true(host_log_contains("double free"));
	assert_true(log_has_ptr(a));
	assert_int_equal(hstats().frees, before.frees);
	assert_int_equal(hstats().errors, before.errors + 1);
	assert_int_equal(hstats().bytes_in_use, before.bytes_in_use);
	/* The neighbour is untouched and the heap still sound. */
	for (int i = 0; i < 48; i++)
		assert_int_equal(b[i], 0x44);
	assert_int_equal(heap_check(&H), 0);
	assert_int_equal(heap_free(&H, b), 0);
}

static void test_double_free_after_reuse(void **state)
{
	u8 *a = heap_alloc(&H, 64), *b = heap_alloc(&H, 64), *c;

	assert_int_equal(heap_free(&H, a), 0);
	/* The slab is used again, and the freed object's bytes are rewritten
	 * by a use after free: its state lives in the header, not in it. */
	c = heap_alloc(&H, 64);
	assert_non_null(c);
	assert_ptr_not_equal(c, a);
	memset(a, 0, 64);
	host_log_reset();
	assert_int_equal(heap_free(&H, a), -EINVAL);
	assert_true(host_log_contains("double free"));
	assert_int_equal(heap_free(&H, b), 0);
	assert_int_equal(heap_free(&H, c), 0);
	assert_int_equal(heap_free(&H, a), -EINVAL);
	assert_int_equal(hstats().bytes_in_use, 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_double_free_after_slab_returned(void **state)
{
	/* 2048-byte objects: one per slab, so each free empties a slab. */
	u8 *a = heap_alloc(&H, 2048), *b = heap_alloc(&H, 2048);

	assert_ptr_not_equal(page_of(a), page_of(b));
	assert_int_equal(hstats().pages_held, 2);
	assert_int_equal(heap_free(&H, a), 0);  /* kept as the spare */
	assert_int_equal(heap_free(&H, b), 0);  /* given back */
	assert_int_equal(hstats().pages_held, 1);
	assert_int_equal(S.out, 1);

	host_log_reset();
	assert_int_equal(heap_free(&H, b), -EINVAL);
	assert_true(host_log_contains("given back"));
	host_log_reset();
	assert_int_equal(heap_free(&H, a), -EINVAL);
	assert_true(host_log_contains("double free"));
	assert_int_equal(hstats().errors, 2);
	assert_int_equal(heap_check(&H), 0);
}

static void test_double_free_after_source_scribbled(void **state)
{
	u8 *a = heap_alloc(&H, 1024), *b = heap_alloc(&H, 1024 * 3);

	S.poison_on_free = true;
	assert_int_equal(heap_free(&H, a), 0);
	assert_int_equal(heap_free(&H, b), 0);
	/* Slab kept as spare (a), large run given back and overwritten (b). */
	host_log_reset();
	assert_int_equal(heap_free(&H, a), -EINVAL);
	assert_true(host_log_contains("double free"));
	host_log_reset();
	assert_int_equal(heap_free(&H, b), -EINVAL);
	assert_true(host_log_contains("no heap header"));
	assert_int_equal(heap_check(&H), 0);
}

static void test_double_free_large(void **state)
{
	u8 *p = heap_alloc(&H, 3 * PAGE_SIZE);
	u8 *q = heap_alloc_aligned(&H, 100, PAGE_SIZE);

	assert_int_equal(heap_free(&H, p), 0);
	assert_int_equal(heap_free(&H, q), 0);
	host_log_reset();
	assert_int_equal(heap_free(&H, p), -EINVAL);
	assert_true(host_log_contains("double free"));
	assert_true(log_has_ptr(p));
	host_log_reset();
	assert_int_equal(heap_free(&H, q), -EINVAL);
	assert_true(host_log_contains("double free"));
	assert_int_equal(hstats().frees, 2);
	assert_int_equal(hstats().errors, 2);
	assert_int_equal(S.out, 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_foreign_pointers(void **state)
{
	static u8 buf[3 * PAGE_SIZE] __aligned(PAGE_SIZE);
	u8 *small = heap_alloc(&H, 64), *big = heap_alloc(&H, 3 * PAGE_SIZE);
	struct heap other;
	u8 *theirs;
	struct heap_stats before;

	heap_init(&other, &src_ops);
	theirs = heap_alloc(&other, 64);
	before = hstats();
	host_log_reset();

	assert_int_equal(heap_free(&H, buf + PAGE_SIZE + 64), -EINVAL);
	assert_true(host_log_contains("no heap header"));
	assert_int_equal(heap_free(&H, buf + 2 * PAGE_SIZE), -EINVAL);
	assert_true(host_log_contains("no header below"));
	assert_int_equal(heap_free(&H, small + 1), -EINVAL);
	assert_true(host_log_contains("misaligned"));
	assert_int_equal(heap_free(&H, small + 16), -EINVAL);
	assert_true(host_log_contains("not the start of an object"));
	assert_int_equal(heap_free(&H, page_of(small) + 16), -EINVAL);  /* the header */
	assert_int_equal(heap_free(&H, big + 64), -EINVAL);
	assert_true(host_log_contains("inside the allocation"));
	assert_int_equal(heap_free(&H, theirs), -EINVAL);
	assert_true(host_log_contains("another heap"));
	assert_int_equal(heap_free(&H, (void *)(uintptr_t)0x10), -EINVAL);

	/* Nothing moved. */
	assert_int_equal(hstats().errors, before.errors + 8);
	assert_int_equal(hstats().frees, before.frees);
	assert_int_equal(hstats().bytes_in_use, before.bytes_in_use);
	assert_int_equal(heap_check(&H), 0);
	assert_int_equal(heap_free(&H, small), 0);
	assert_int_equal(heap_free(&H, big), 0);
	assert_int_equal(heap_free(&other, theirs), 0);
	assert_int_equal(heap_check(&other), 0);
}

static void test_corrupted_headers(void **state)
{
	u8 *small = heap_alloc(&H, 64), *big = heap_alloc(&H, 5000);
	u8 *hdr, saved;
	u16 nfree;

	/* A trampled field of a slab header: the seal no longer matches. */
	hdr = page_of(small);
	saved = hdr[4];
	hdr[4] ^= 1;
	assert_int_equal(heap_free(&H, small), -EINVAL);
	assert_true(host_log_contains("corrupted"));
	assert_int_equal(heap_usable_size(&H, small), 0);
	assert_int_equal(heap_check(&H), -EINVAL);
	hdr[4] = saved;

	/* A trampled free count, a field outside the seal. */
	memcpy(&nfree, hdr + 8, sizeof(nfree));
	memcpy(hdr + 8, &(u16){ 0xffff }, sizeof(nfree));
	host_log_reset();
	assert_int_equal(heap_free(&H, small), -EINVAL);
	assert_true(host_log_contains("corrupted"));
	memcpy(hdr + 8, &(u16){ (u16)(nfree + 1) }, sizeof(nfree));  /* says all free */
	host_log_reset();
	assert_int_equal(heap_free(&H, small), -EINVAL);
	assert_true(host_log_contains("free count"));
	assert_int_equal(heap_check(&H), -EINVAL);
	memcpy(hdr + 8, &nfree, sizeof(nfree));

	/* A trampled page count in a large header. */
	hdr = page_of(big);
	saved = hdr[8];
	hdr[8] ^= 0x40;
	host_log_reset();
	assert_int_equal(heap_free(&H, big), -EINVAL);
	assert_true(host_log_contains("corrupted"));
	hdr[8] = saved;

	/* A wiped magic. */
	hdr = page_of(small);
	saved = hdr[0];
	hdr[0] = 0;
	host_log_reset();
	assert_int_equal(heap_free(&H, small), -EINVAL);
	assert_true(host_log_contains("no heap header"));
	hdr[0] = saved;

	/* Nothing was freed by the refusals; the repaired heap frees fine. */
	assert_int_equal(hstats().frees, 0);
	assert_int_equal(heap_check(&H), 0);
	assert_int_equal(heap_free(&H, small), 0);
	assert_int_equal(heap_free(&H, big), 0);
	assert_int_equal(hstats().bytes_in_use, 0);
}

/* ---- exhaustion, reuse, statistics ---- */

static void test_exhaustion_small(void **state)
{
	static void *ptrs[8 * 256];
	size_t n = 0, per_slab;
	void *p;

	S.budget = 8;
	while ((p = heap_alloc(&H, 64)) != NULL) {
		assert_true(n < ARRAY_SIZE(ptrs));
		ptrs[n++] = p;
	}
	per_slab = n / 8;
	assert_int_equal(n % 8, 0);
	assert_true(per_slab >= 60);  /* header overhead at most 4 objects */
	assert_int_equal(hstats().pages_held, 8);
	assert_int_equal(hstats().bytes_in_use, n * 64);
	assert_int_equal(hstats().allocs, n);
	assert_int_equal(hstats().errors, 0);  /* running out is not an error */
	assert_int_equal(heap_check(&H), 0);
	/* Other classes are out of luck too; large requests as well. */
	assert_null(heap_alloc(&H, 16));
	assert_null(heap_alloc(&H, 10000));

	while (n)
		assert_int_equal(heap_free(&H, ptrs[--n]), 0);
	assert_int_equal(hstats().pages_held, 1);
	assert_int_equal(S.out, 1);
	assert_non_null(p = heap_alloc(&H, 16));
	assert_int_equal(heap_free(&H, p), 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_exhaustion_large(void **state)
{
	void *p;

	S.budget = 8;
	assert_null(heap_alloc(&H, 9 * PAGE_SIZE));
	assert_int_equal(S.out, 0);
	assert_int_equal(hstats().pages_held, 0);
	assert_int_equal(hstats().allocs, 0);
	p = heap_alloc(&H, 7 * PAGE_SIZE);
	assert_non_null(p);
	assert_int_equal(S.out, 8);
	assert_null(heap_alloc(&H, 16));
	assert_int_equal(heap_free(&H, p), 0);
	assert_int_equal(S.out, 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_spare_slab_absorbs_ping_pong(void **state)
{
	for (int i = 0; i < 1000; i++) {
		void *p = heap_alloc(&H, 200);

		assert_non_null(p);
		assert_int_equal(heap_free(&H, p), 0);
	}
	assert_int_equal(S.alloc_calls, 1);
	assert_int_equal(S.free_calls, 0);
	assert_int_equal(hstats().pages_held, 1);
	assert_int_equal(hstats().allocs, 1000);
	assert_int_equal(hstats().frees, 1000);
}

static void test_empty_slabs_returned(void **state)
{
	static void *ptrs[5 * 15];
	size_t n = 0;

	/* 256-byte objects, 15 to a slab: five full slabs. */
	for (n = 0; n < ARRAY_SIZE(ptrs); n++)
		assert_non_null(ptrs[n] = heap_alloc(&H, 256));
	assert_int_equal(hstats().pages_held, 5);
	while (n)
		assert_int_equal(heap_free(&H, ptrs[--n]), 0);
	assert_int_equal(hstats().pages_held, 1);
	assert_int_equal(S.out, 1);
	assert_int_equal(S.free_calls, 4);
	assert_int_equal(heap_check(&H), 0);
}

static void test_partial_slabs_filled_before_spare(void **state)
{
	void *a[15], *b[15], *p;
	int i;

	for (i = 0; i < 15; i++)
		a[i] = heap_alloc(&H, 256);
	for (i = 0; i < 15; i++)
		b[i] = heap_alloc(&H, 256);
	assert_ptr_not_equal(page_of(a[0]), page_of(b[0]));
	for (i = 0; i < 15; i++)
		heap_free(&H, a[i]);          /* a's slab is now the spare */
	heap_free(&H, b[3]);                  /* b's slab has one hole */
	p = heap_alloc(&H, 256);
	assert_ptr_equal(page_of(p), page_of(b[0]));
	heap_free(&H, p);
	for (i = 0; i < 15; i++)
		if (i != 3)
			assert_int_equal(heap_free(&H, b[i]), 0);
	assert_int_equal(hstats().pages_held, 1);
	assert_int_equal(heap_check(&H), 0);
}

static void test_stats_track(void **state)
{
	void *a = heap_alloc(&H, 10);         /* 16 */
	void *b = heap_alloc(&H, 1000);       /* 1024 */
	void *c = heap_alloc(&H, 3 * PAGE_SIZE);
	struct heap_stats st = hstats();

	assert_int_equal(st.allocs, 3);
	assert_int_equal(st.bytes_in_use, 16 + 1024 + heap_usable_size(&H, c));
	assert_int_equal(st.pages_held, 2 + 4);
	heap_free(&H, b);
	heap_free(&H, b);
	st = hstats();
	assert_int_equal(st.frees, 1);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.bytes_in_use, 16 + heap_usable_size(&H, c));
	heap_free(&H, a);
	heap_free(&H, c);
	st = hstats();
	assert_int_equal(st.frees, 3);
	assert_int_equal(st.bytes_in_use, 0);
	assert_int_equal(st.pages_held, 2);  /* the two spares */
	assert_int_equal(heap_check(&H), 0);
}

static void test_usable_size_refusals(void **state)
{
	u8 *p = heap_alloc(&H, 100), *q = heap_alloc(&H, 100);

	assert_int_equal(heap_usable_size(&H, p), 128);
	heap_free(&H, p);
	host_log_reset();
	assert_int_equal(heap_usable_size(&H, p), 0);
	assert_true(host_log_contains("usable_size"));
	assert_int_equal(heap_usable_size(&H, q + 32), 0);
	assert_int_equal(heap_free(&H, q), 0);
}

static void test_freed_memory_poisoned(void **state)
{
	u8 *p = heap_alloc(&H, 512), *keep = heap_alloc(&H, 512);

	memset(p, 0, 512);
	assert_int_equal(heap_free(&H, p), 0);
	for (int i = 0; i < 512; i++)
		assert_int_equal(p[i], 0x6b);
	assert_int_equal(heap_free(&H, keep), 0);
}

/* ---- page source misbehaving or missing ---- */

static void test_unaligned_page_source(void **state)
{
	void *p;

	S.misalign_next = 1;
	assert_null(heap_alloc(&H, 64));
	assert_true(host_log_contains("unaligned"));
	assert_int_equal(S.out, 0);
	assert_int_equal(hstats().pages_held, 0);
	assert_non_null(p = heap_alloc(&H, 64));
	assert_int_equal(heap_free(&H, p), 0);
	assert_int_equal(heap_check(&H), 0);
}

static void test_no_page_source(void **state)
{
	struct heap h;

	host_log_reset();
	heap_init(&h, NULL);
	assert_true(host_log_contains("no page source"));
	assert_null(heap_alloc(&h, 16));
	assert_null(heap_alloc(&h, 100000));
	assert_int_equal(heap_check(&h), 0);
}

static void test_check_catches_damage(void **state)
{
	void *p = heap_alloc(&H, 32), *q = heap_alloc(&H, 9000);
	struct heap_link *saved;

	assert_int_equal(heap_check(&H), 0);
	H.bytes_in_use += 16;
	assert_int_equal(heap_check(&H), -EINVAL);
	assert_true(host_log_contains("counters"));
	H.bytes_in_use -= 16;

	saved = H.cls[1].partial.prev;
	H.cls[1].partial.prev = &H.cls[1].full;
	host_log_reset();
	assert_int_equal(heap_check(&H), -EINVAL);
	assert_true(host_log_contains("broken list links"));
	H.cls[1].partial.prev = saved;

	saved = H.large.next;
	H.large.next = &H.large;  /* drops the allocation from the list */
	assert_int_equal(heap_check(&H), -EINVAL);
	H.large.next = saved;

	assert_int_equal(heap_check(&H), 0);
	heap_free(&H, p);
	heap_free(&H, q);
}

/* ---- random run against a model ---- */

static u64 rng_state;

static u64 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void test_random_stress(void **state)
{
	enum { MAXLIVE = 1500 };
	static struct { u8 *p; size_t size; u8 tag; } live[MAXLIVE];
	size_t nlive = 0, ooms = 0, k, i, in_use = 0;

	S.budget = 300;
	rng_state = 0xc0ffee1234ULL;
	for (k = 0; k < 40000; k++) {
		if (nlive < MAXLIVE && (nlive == 0 || rng() % 100 < 55)) {
			u64 r = rng() % 100;
			size_t size = r < 70 ? 1 + rng() % 256 :
				      r < 92 ? 257 + rng() % 1792 : 2049 + rng() % 30000;
			size_t align = rng() % 5 == 0 ? (size_t)1 << (rng() % 13) : 16;
			u8 *p = heap_alloc_aligned(&H, size, align);

			if (!p) {
				ooms++;
				continue;
			}
			assert_true(IS_ALIGNED((uintptr_t)p, align));
			assert_true(heap_usable_size(&H, p) >= size);
			live[nlive].p = p;
			live[nlive].size = size;
			live[nlive].tag = (u8)k;
			memset(p, live[nlive].tag, size);
			in_use += heap_usable_size(&H, p);
			nlive++;
		} else {
			size_t j = rng() % nlive;

			for (i = 0; i < live[j].size; i++)
				assert_int_equal(live[j].p[i], live[j].tag);
			in_use -= heap_usable_size(&H, live[j].p);
			assert_int_equal(heap_free(&H, live[j].p), 0);
			live[j] = live[--nlive];
		}
		assert_int_equal(hstats().bytes_in_use, in_use);
		assert_int_equal(hstats().pages_held, S.out);
		if (k % 1000 == 0)
			assert_int_equal(heap_check(&H), 0);
	}
	assert_true(ooms > 0);  /* the budget was hit */
	assert_int_equal(heap_check(&H), 0);
	while (nlive) {
		nlive--;
		assert_int_equal(heap_free(&H, live[nlive].p), 0);
	}
	assert_int_equal(hstats().bytes_in_use, 0);
	assert_true(hstats().pages_held <= HEAP_NR_CLASSES);
	assert_int_equal(hstats().errors, 0);
	assert_int_equal(hstats().allocs, hstats().frees);
	assert_int_equal(heap_check(&H), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_empty),
		T(test_zero_and_absurd_sizes),
		T(test_every_size_class),
		T(test_objects_do_not_overlap),
		T(test_large_objects),
		T(test_aligned_allocations),
		T(test_bad_alignment),
		T(test_double_free_slab),
		T(test_double_free_after_reuse),
		T(test_double_free_after_slab_returned),
		T(test_double_free_after_source_scribbled),
		T(test_double_free_large),
		T(test_foreign_pointers),
		T(test_corrupted_headers),
		T(test_exhaustion_small),
		T(test_exhaustion_large),
		T(test_spare_slab_absorbs_ping_pong),
		T(test_empty_slabs_returned),
		T(test_partial_slabs_filled_before_spare),
		T(test_stats_track),
		T(test_usable_size_refusals),
		T(test_freed_memory_poisoned),
		T(test_unaligned_page_source),
		T(test_no_page_source),
		T(test_check_catches_damage),
		T(test_random_stress),
	};

	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
