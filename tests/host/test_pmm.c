/* tests/host/test_pmm.c - host unit tests for the physical frame allocator
 * (mm/pmm.c): rounding of RAM and reservations, page 0 and the first MiB,
 * aligned runs, exhaustion, refused frees and a random run against a
 * shadow model. */
#include "tests/host/host_support.h"
#include <stdio.h>
#include <string.h>
#include "lib/types.h"
#include "mm/pmm.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

static struct pmm P;
static void *storage;

/* A map of [0, max_phys) on fresh heap storage, freed by the teardown. */
static struct pmm *mk(u64 max_phys)
{
	size_t bytes = pmm_map_bytes(max_phys);

	free(storage);
	storage = malloc(bytes ? bytes : 8);
	assert_non_null(storage);
	memset(storage, 0xa5, bytes);  /* pmm_init must not rely on zeroed storage */
	pmm_init(&P, storage, max_phys);
	host_log_reset();
	return &P;
}

static int teardown(void **state)
{
	free(storage);
	storage = NULL;
	return 0;
}

static struct pmm_stats stats(const struct pmm *p)
{
	struct pmm_stats st;

	pmm_stats(p, &st);
	return st;
}

static bool log_has_addr(u64 addr)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)addr);
	return host_log_contains(buf);
}

/* Allocates single frames until -ENOMEM; returns how many it got. */
static u64 drain(struct pmm *p, paddr_t *got, u64 max)
{
	u64 n = 0;
	paddr_t pa;

	while (pmm_alloc(p, 1, 1, &pa) == 0) {
		if (got && n < max)
			got[n] = pa;
		n++;
	}
	return n;
}

/* ---- sizing and initial state ---- */

static void test_map_bytes(void **state)
{
	/* Three bitmaps, whole u64 words each. */
	assert_int_equal(pmm_map_bytes(0), 0);
	assert_int_equal(pmm_map_bytes(1), 24);
	assert_int_equal(pmm_map_bytes(PAGE_SIZE), 24);
	assert_int_equal(pmm_map_bytes(64 * PAGE_SIZE), 24);
	assert_int_equal(pmm_map_bytes(64 * PAGE_SIZE + 1), 48);
	assert_int_equal(pmm_map_bytes(4 * GiB), 3 * (4 * GiB / PAGE_SIZE / 8));
}

static void test_init_all_unusable(void **state)
{
	struct pmm *p = mk(16 * MiB);
	struct pmm_stats st = stats(p);
	paddr_t pa = 0x1234;

	assert_int_equal(p->npages, 16 * MiB / PAGE_SIZE);
	assert_int_equal(st.total_pages, 0);
	assert_int_equal(st.free_pages, 0);
	assert_int_equal(st.reserved_pages, 1);  /* page 0 */
	assert_false(pmm_is_free(p, 0x100000));
	assert_int_equal(pmm_alloc(p, 1, 1, &pa), -ENOMEM);
	assert_int_equal(pa, 0x1234);
	assert_int_equal(pmm_check(p), 0);
}

static void test_unaligned_storage_gives_empty_map(void **state)
{
	u64 buf[8];
	struct pmm p;
	paddr_t pa;

	host_log_reset();
	pmm_init(&p, (char *)buf + 1, 64 * PAGE_SIZE);
	assert_true(host_log_contains("not 8-byte aligned"));
	pmm_add_usable(&p, 0, 64 * PAGE_SIZE);
	assert_int_equal(pmm_alloc(&p, 1, 1, &pa), -ENOMEM);
	assert_int_equal(pmm_check(&p), 0);
}

/* ---- usable RAM and reservations ---- */

static void test_add_usable_rounds_inward(void **state)
{
	struct pmm *p = mk(1 * MiB);

	pmm_add_usable(p, 0x1800, 0x4000);  /* [0x1800, 0x5800): frames 2, 3, 4 */
	assert_int_equal(stats(p).total_pages, 3);
	assert_false(pmm_is_free(p, 0x1000));
	assert_true(pmm_is_free(p, 0x2000));
	assert_true(pmm_is_free(p, 0x4fff));
	assert_false(pmm_is_free(p, 0x5000));

	/* Less than a frame, or a frame only touched at both ends: nothing. */
	pmm_add_usable(p, 0x10100, 0xe00);
	pmm_add_usable(p, 0x20001, 0x1000);
	pmm_add_usable(p, 0x30000, 0);
	assert_int_equal(stats(p).total_pages, 3);

	/* Adding the same RAM twice counts it once. */
	pmm_add_usable(p, 0x2000, 0x3000);
	assert_int_equal(stats(p).total_pages, 3);
	assert_int_equal(stats(p).free_pages, 3);
	assert_int_equal(pmm_check(p), 0);
}

static void test_reserve_rounds_outward(void **state)
{
	struct pmm *p = mk(1 * MiB);

	pmm_add_usable(p, 0, 1 * MiB);
	assert_int_equal(stats(p).total_pages, 255);  /* all but page 0 */
	pmm_reserve(p, 0x3001, 1);                     /* one byte: frame 3 */
	pmm_reserve(p, 0x7fff, 2);                     /* straddles frames 7 and 8 */
	assert_false(pmm_is_free(p, 0x3000));
	assert_false(pmm_is_free(p, 0x7000));
	assert_false(pmm_is_free(p, 0x8000));
	assert_true(pmm_is_free(p, 0x4000));
	assert_true(pmm_is_free(p, 0x9000));
	assert_int_equal(stats(p).total_pages, 252);
	assert_int_equal(stats(p).free_pages, 252);
	assert_int_equal(stats(p).reserved_pages, 4);
	assert_int_equal(pmm_check(p), 0);
}

static void test_reserve_before_usable_sticks(void **state)
{
	struct pmm *p = mk(4 * MiB);

	/* The kernel image is reserved first, the memory map comes later. */
	pmm_reserve(p, 2 * MiB, 512 * 1024);
	pmm_add_usable(p, 1 * MiB, 3 * MiB);
	for (u64 a = 2 * MiB; a < 2 * MiB + 512 * 1024; a += PAGE_SIZE)
		assert_false(pmm_is_free(p, a));
	assert_true(pmm_is_free(p, 2 * MiB - PAGE_SIZE));
	assert_true(pmm_is_free(p, 2 * MiB + 512 * 1024));
	assert_int_equal(stats(p).total_pages, (3 * MiB - 512 * 1024) / PAGE_SIZE);

	/* Adding the whole range again does not bring the reservation back. */
	pmm_add_usable(p, 0, 4 * MiB);
	assert_false(pmm_is_free(p, 2 * MiB));
	assert_int_equal(pmm_check(p), 0);
}

static void test_overlapping_reservations_count_once(void **state)
{
	struct pmm *p = mk(8 * MiB);

	pmm_add_usable(p, 0, 8 * MiB);
	pmm_reserve(p, 0, 1 * MiB);                 /* first MiB, overlaps page 0 */
	pmm_reserve(p, 512 * 1024, 1 * MiB);        /* overlaps it */
	pmm_reserve(p, 1 * MiB, 4096);              /* inside the previous one */
	pmm_reserve(p, 7 * MiB, 16 * MiB);          /* runs past the map */
	assert_int_equal(stats(p).reserved_pages, (1536 * 1024 + 1 * MiB) / PAGE_SIZE);
	assert_int_equal(stats(p).total_pages, (8 * MiB - 1536 * 1024 - 1 * MiB) / PAGE_SIZE);
	assert_int_equal(stats(p).total_pages + stats(p).reserved_pages, 8 * MiB / PAGE_SIZE);
	assert_int_equal(pmm_check(p), 0);
}

static void test_ranges_clip_and_wrap(void **state)
{
	struct pmm *p = mk(1 * MiB);

	/* Beyond the map, and base + len wrapping past 2^64. */
	pmm_add_usable(p, 512 * 1024, ~0ULL);
	assert_int_equal(stats(p).total_pages, 128);
	pmm_add_usable(p, 4 * GiB, 1 * GiB);
	assert_int_equal(stats(p).total_pages, 128);
	pmm_reserve(p, 1 * MiB - PAGE_SIZE, ~0ULL);
	assert_int_equal(stats(p).total_pages, 127);
	pmm_reserve(p, ~0ULL - 10, 100);
	assert_int_equal(stats(p).total_pages, 127);
	assert_int_equal(pmm_check(p), 0);
}

/* ---- page 0 and the first MiB ---- */

static void test_page0_never_handed_out(void **state)
{
	struct pmm *p = mk(64 * PAGE_SIZE);
	paddr_t got[64];
	u64 n;

	pmm_add_usable(p, 0, 64 * PAGE_SIZE);  /* the caller even says page 0 is RAM */
	assert_false(pmm_is_free(p, 0));
	n = drain(p, got, 64);
	assert_int_equal(n, 63);
	for (u64 i = 0; i < n; i++)
		assert_int_not_equal(got[i], 0);

	host_log_reset();
	assert_int_equal(pmm_free(p, 0, 1), -EINVAL);
	assert_true(host_log_contains("reserved"));
	assert_int_equal(pmm_check(p), 0);
}

static void test_first_mib_reserved(void **state)
{
	struct pmm *p = mk(16 * MiB);
	paddr_t pa;

	pmm_add_usable(p, 0, 16 * MiB);
	pmm_reserve(p, 0, 1 * MiB);
	while (pmm_alloc(p, 3, 1, &pa) == 0)
		assert_true(pa >= 1 * MiB && pa + 3 * PAGE_SIZE <= 16 * MiB);
	assert_int_equal(stats(p).free_pages, (15 * MiB / PAGE_SIZE) % 3);
	assert_int_equal(pmm_check(p), 0);
}

/* ---- allocation ---- */

static void test_alloc_bad_arguments(void **state)
{
	struct pmm *p = mk(4 * MiB);
	paddr_t pa;

	pmm_add_usable(p, 0, 4 * MiB);
	assert_int_equal(pmm_alloc(p, 0, 1, &pa), -EINVAL);
	assert_int_equal(pmm_alloc(p, 1, 0, &pa), -EINVAL);
	assert_int_equal(pmm_alloc(p, 1, 3, &pa), -EINVAL);
	assert_int_equal(pmm_alloc(p, 1, 1, NULL), -EINVAL);
	assert_true(host_log_contains("bad allocation request"));
	assert_int_equal(pmm_alloc(p, 2000, 1, &pa), -ENOMEM);  /* more than exists */
	assert_int_equal(stats(p).free_pages, 1023);
}

static void test_alloc_2mib_aligned(void **state)
{
	struct pmm *p = mk(64 * MiB);
	paddr_t small, pa, prev = 0;
	u64 n = 0;

	pmm_add_usable(p, 0, 64 * MiB);
	pmm_reserve(p, 0, 1 * MiB);
	assert_int_equal(pmm_alloc(p, 1, 1, &small), 0);
	assert_int_equal(small, 1 * MiB);

	/* 2 MiB pages for the nested page tables: the first fit is at 2 MiB. */
	while (pmm_alloc(p, 512, 512, &pa) == 0) {
		assert_true(IS_ALIGNED(pa, 2 * MiB));
		assert_true(pa > prev);
		for (u64 i = 0; i < 512; i++)
			assert_false(pmm_is_free(p, pa + i * PAGE_SIZE));
		prev = pa;
		n++;
	}
	/* Every 2 MiB block but the first (reserved MiB + the small frame). */
	assert_int_equal(n, 31);
	assert_int_equal(stats(p).free_pages, 256 - 1);
	assert_int_equal(pmm_check(p), 0);
}

static void test_alloc_alignment_skips_holes(void **state)
{
	struct pmm *p = mk(4 * MiB);
	paddr_t pa;

	/* RAM at [12 KiB, 3 MiB); a run of 16 aligned to 16 frames must start
	 * at frame 16, not at frame 3. */
	pmm_add_usable(p, 3 * PAGE_SIZE, 3 * MiB - 3 * PAGE_SIZE);
	assert_int_equal(pmm_alloc(p, 16, 16, &pa), 0);
	assert_int_equal(pa, 16 * PAGE_SIZE);
	/* A hole inside the next aligned window pushes the run one further. */
	pmm_reserve(p, 40 * PAGE_SIZE, PAGE_SIZE);
	assert_int_equal(pmm_alloc(p, 16, 16, &pa), 0);
	assert_int_equal(pa, 48 * PAGE_SIZE);
	assert_int_equal(pmm_alloc(p, 4, 64, &pa), 0);
	assert_int_equal(pa, 64 * PAGE_SIZE);
	assert_int_equal(pmm_check(p), 0);
}

static void test_contiguous_needs_a_run(void **state)
{
	struct pmm *p = mk(256 * PAGE_SIZE);
	paddr_t got[256], pa;
	u64 n, i;

	pmm_add_usable(p, 0, 256 * PAGE_SIZE);
	n = drain(p, got, 256);
	assert_int_equal(n, 255);
	/* Free every other frame: plenty free, no two adjacent. */
	for (i = 0; i < n; i += 2)
		assert_int_equal(pmm_free(p, got[i], 1), 0);
	assert_int_equal(stats(p).free_pages, 128);
	assert_int_equal(pmm_alloc(p, 2, 1, &pa), -ENOMEM);
	assert_int_equal(pmm_alloc(p, 1, 1, &pa), 0);
	assert_int_equal(stats(p).free_pages, 127);
	assert_int_equal(pmm_check(p), 0);
}

static void test_exhaustion_and_free_restores(void **state)
{
	struct pmm *p = mk(8 * MiB);
	static paddr_t got[2048];
	struct pmm_stats before, empty;
	paddr_t pa = 0xdead000;
	u64 n;

	pmm_add_usable(p, 1 * MiB, 7 * MiB);
	before = stats(p);
	n = drain(p, got, ARRAY_SIZE(got));
	assert_int_equal(n, before.free_pages);
	empty = stats(p);
	assert_int_equal(empty.free_pages, 0);
	assert_int_equal(empty.total_pages, before.total_pages);

	/* Failing does not change anything. */
	assert_int_equal(pmm_alloc(p, 1, 1, &pa), -ENOMEM);
	assert_int_equal(pmm_alloc(p, 512, 512, &pa), -ENOMEM);
	assert_int_equal(pa, 0xdead000);
	struct pmm_stats after = stats(p);
	assert_memory_equal(&after, &empty, sizeof(after));
	assert_int_equal(pmm_check(p), 0);

	for (u64 i = 0; i < n; i++)
		assert_int_equal(pmm_free(p, got[i], 1), 0);
	assert_int_equal(stats(p).free_pages, before.free_pages);
	/* Now in one piece again. */
	assert_int_equal(pmm_alloc(p, n, 1, &pa), 0);
	assert_int_equal(pa, 1 * MiB);
	assert_int_equal(pmm_free(p, pa, n), 0);
	assert_int_equal(pmm_check(p), 0);
}

static void test_hint_rotates_and_wraps(void **state)
{
	struct pmm *p = mk(16 * PAGE_SIZE);
	paddr_t a, b, c;

	pmm_add_usable(p, 0, 16 * PAGE_SIZE);
	assert_int_equal(pmm_alloc(p, 1, 1, &a), 0);
	assert_int_equal(pmm_free(p, a, 1), 0);
	/* A just-freed frame is not handed straight back. */
	assert_int_equal(pmm_alloc(p, 1, 1, &b), 0);
	assert_int_equal(b, a + PAGE_SIZE);
	/* Reaching the end wraps to the start. */
	assert_int_equal(pmm_alloc(p, 13, 1, &c), 0);
	assert_int_equal(c, b + PAGE_SIZE);
	assert_int_equal(pmm_alloc(p, 1, 1, &c), 0);
	assert_int_equal(c, a);
	/* The hint is now at b; the only free pair, a and b, straddles it. */
	assert_int_equal(pmm_free(p, a, 1), 0);
	assert_int_equal(pmm_free(p, b, 1), 0);
	assert_int_equal(pmm_alloc(p, 2, 1, &c), 0);
	assert_int_equal(c, a);
	assert_int_equal(pmm_check(p), 0);
}

/* ---- refused frees ---- */

static void test_free_misaligned(void **state)
{
	struct pmm *p = mk(4 * MiB);
	paddr_t pa;

	pmm_add_usable(p, 0, 4 * MiB);
	assert_int_equal(pmm_alloc(p, 2, 1, &pa), 0);
	host_log_reset();
	assert_int_equal(pmm_free(p, pa + 8, 1), -EINVAL);
	assert_true(host_log_contains("not page aligned"));
	assert_true(log_has_addr(pa + 8));
	host_log_reset();
	assert_int_equal(pmm_free(p, pa, 0), -EINVAL);
	assert_true(log_has_addr(pa));
	assert_false(pmm_is_free(p, pa));
	assert_int_equal(stats(p).free_pages, 1023 - 2);
}

static void test_free_out_of_range(void **state)
{
	struct pmm *p = mk(4 * MiB);
	paddr_t pa;

	pmm_add_usable(p, 0, 4 * MiB);
	assert_int_equal(pmm_alloc(p, 1, 1, &pa), 0);
	host_log_reset();
	assert_int_equal(pmm_free(p, 8 * MiB, 1), -EINVAL);
	assert_true(host_log_contains("outside the map"));
	assert_true(log_has_addr(8 * MiB));
	/* Starts inside, runs out: refused whole. */
	assert_int_equal(pmm_free(p, 4 * MiB - PAGE_SIZE, 2), -EINVAL);
	assert_int_equal(pmm_free(p, pa, ~0ULL), -EINVAL);
	assert_int_equal(pmm_free(p, ~0ULL & ~(PAGE_SIZE - 1), 1), -EINVAL);
	assert_false(pmm_is_free(p, pa));
	assert_int_equal(pmm_check(p), 0);
}

static void test_free_reserved_or_absent(void **state)
{
	struct pmm *p = mk(4 * MiB);

	pmm_add_usable(p, 1 * MiB, 2 * MiB);
	pmm_reserve(p, 2 * MiB, 64 * 1024);
	host_log_reset();
	assert_int_equal(pmm_free(p, 2 * MiB + PAGE_SIZE, 1), -EINVAL);
	assert_true(host_log_contains("reserved"));
	assert_true(log_has_addr(2 * MiB + PAGE_SIZE));
	host_log_reset();
	assert_int_equal(pmm_free(p, 3 * MiB + PAGE_SIZE, 1), -EINVAL);  /* a hole */
	assert_true(host_log_contains("not usable RAM"));
	assert_false(pmm_is_free(p, 2 * MiB + PAGE_SIZE));
	assert_false(pmm_is_free(p, 3 * MiB + PAGE_SIZE));
	assert_int_equal(stats(p).free_pages, (2 * MiB - 64 * 1024) / PAGE_SIZE);
	assert_int_equal(pmm_check(p), 0);
}

static void test_double_free(void **state)
{
	struct pmm *p = mk(4 * MiB);
	paddr_t a, b;

	pmm_add_usable(p, 1 * MiB, 3 * MiB);
	assert_int_equal(pmm_alloc(p, 1, 1, &a), 0);
	assert_int_equal(pmm_alloc(p, 4, 1, &b), 0);
	assert_int_equal(pmm_free(p, a, 1), 0);
	host_log_reset();
	assert_int_equal(pmm_free(p, a, 1), -EINVAL);
	assert_true(host_log_contains("double free"));
	assert_true(log_has_addr(a));

	/* One frame of four already free: nothing of the range is freed. */
	assert_int_equal(pmm_free(p, b + 2 * PAGE_SIZE, 1), 0);
	host_log_reset();
	assert_int_equal(pmm_free(p, b, 4), -EINVAL);
	assert_true(host_log_contains("double free"));
	assert_true(log_has_addr(b + 2 * PAGE_SIZE));
	assert_false(pmm_is_free(p, b));
	assert_false(pmm_is_free(p, b + PAGE_SIZE));
	assert_false(pmm_is_free(p, b + 3 * PAGE_SIZE));
	assert_int_equal(stats(p).free_pages, 768 - 3);
	assert_int_equal(pmm_check(p), 0);
}

static void test_reserve_allocated_frame(void **state)
{
	struct pmm *p = mk(1 * MiB);
	paddr_t pa;

	pmm_add_usable(p, 0, 1 * MiB);
	assert_int_equal(pmm_alloc(p, 2, 1, &pa), 0);
	host_log_reset();
	pmm_reserve(p, pa, PAGE_SIZE);
	assert_true(host_log_contains("allocated frame"));
	/* The reserved half is now off limits, the other half frees normally. */
	assert_int_equal(pmm_free(p, pa, 2), -EINVAL);
	assert_int_equal(pmm_free(p, pa + PAGE_SIZE, 1), 0);
	assert_int_equal(stats(p).total_pages, 254);
	assert_int_equal(stats(p).free_pages, 254);
	assert_int_equal(pmm_check(p), 0);
}

static void test_is_free_edges(void **state)
{
	struct pmm *p = mk(1 * MiB + 100);  /* a partial last frame */

	assert_int_equal(p->npages, 257);
	pmm_add_usable(p, 0, 1 * MiB + 100);
	assert_int_equal(stats(p).total_pages, 255);  /* partial frame is not RAM */
	assert_true(pmm_is_free(p, 0x5123));
	assert_false(pmm_is_free(p, 1 * MiB));
	assert_false(pmm_is_free(p, 2 * MiB));
	assert_false(pmm_is_free(p, ~0ULL));
}

static void test_check_catches_damage(void **state)
{
	struct pmm *p = mk(1 * MiB);

	pmm_add_usable(p, 64 * 1024, 512 * 1024);
	assert_int_equal(pmm_check(p), 0);

	p->free_map[0] |= BIT(3);  /* free but never usable */
	host_log_reset();
	assert_int_equal(pmm_check(p), -EINVAL);
	assert_true(host_log_contains("free but not usable"));
	assert_true(log_has_addr(0x3000));
	p->free_map[0] &= ~BIT(3);

	p->nfree++;
	host_log_reset();
	assert_int_equal(pmm_check(p), -EINVAL);
	assert_true(host_log_contains("counters"));
	p->nfree--;

	p->usable_map[0] |= BIT(0);  /* page 0, and not counted */
	assert_int_equal(pmm_check(p), -EINVAL);
	p->usable_map[0] &= ~BIT(0);
	assert_int_equal(pmm_check(p), 0);
}

static void test_large_sparse_map(void **state)
{
	/* 64 GiB of address space, RAM only at the top: the search skips
	 * the empty words instead of testing 16 M bits one by one. */
	struct pmm *p = mk(64 * GiB);
	paddr_t pa;

	pmm_add_usable(p, 64 * GiB - 8 * MiB, 8 * MiB);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pmm_alloc(p, 512, 512, &pa), 0);
		assert_int_equal(pa, 64 * GiB - 8 * MiB + (u64)i * 2 * MiB);
	}
	assert_int_equal(pmm_alloc(p, 1, 1, &pa), -ENOMEM);
	assert_int_equal(pmm_free(p, 64 * GiB - 4 * MiB, 512), 0);
	assert_int_equal(pmm_alloc(p, 1, 1, &pa), 0);
	assert_int_equal(pa, 64 * GiB - 4 * MiB);
	assert_int_equal(pmm_check(p), 0);
}

/* ---- random run against a shadow model ---- */

static u64 rng_state;

static u64 rng(void)
{
	/* xorshift64*: the same sequence on every host. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

enum { SH_OFF, SH_FREE, SH_USED };

/* Whether the model has a free run of @count starting at a multiple of
 * @align anywhere: one pass, a run is only started on an aligned frame. */
static bool shadow_has_run(const u8 *sh, u64 npages, u64 count, u64 align)
{
	u64 run = 0;

	for (u64 i = 0; i < npages; i++) {
		if (sh[i] != SH_FREE)
			run = 0;
		else if (run || i % align == 0)
			run++;
		if (run == count)
			return true;
	}
	return false;
}

static void test_random_against_shadow(void **state)
{
	const u64 max = 64 * MiB, npages = max / PAGE_SIZE;
	struct pmm *p = mk(max);
	u8 *sh = calloc(npages, 1);
	struct { paddr_t pa; u64 count; } live[4096];
	u64 nlive = 0, nfree = 0, enomem = 0, i, k;

	assert_non_null(sh);
	/* A memory map with holes, reservations in it and around it. */
	pmm_reserve(p, 8 * MiB, 1 * MiB + 1);
	pmm_add_usable(p, 0, 30 * MiB);
	pmm_add_usable(p, 32 * MiB + 0x800, 28 * MiB);
	pmm_reserve(p, 0, 1 * MiB);
	pmm_reserve(p, 40 * MiB - 100, 200);
	for (i = 0; i < npages; i++) {
		u64 a = i * PAGE_SIZE;
		bool ram = (a < 30 * MiB) || (a >= 32 * MiB + PAGE_SIZE && a < 60 * MiB);
		bool res = a < 1 * MiB || (a >= 8 * MiB && a < 9 * MiB + PAGE_SIZE) ||
			   a == 40 * MiB - PAGE_SIZE || a == 40 * MiB;

		sh[i] = ram && !res ? SH_FREE : SH_OFF;
		nfree += sh[i] == SH_FREE;
	}
	assert_int_equal(stats(p).free_pages, nfree);

	rng_state = 0x5eed1234abcdULL;
	for (k = 0; k < 40000; k++) {
		bool do_alloc = nlive == 0 || (nlive < ARRAY_SIZE(live) && rng() % 100 < 55);

		if (do_alloc) {
			u64 count = 1 + rng() % (rng() % 8 ? 16 : 600);
			u64 align = 1ULL << (rng() % 10);
			paddr_t pa;
			int ret = pmm_alloc(p, count, align, &pa);

			if (ret == -ENOMEM) {
				assert_false(shadow_has_run(sh, npages, count, align));
				enomem++;
				continue;
			}
			assert_int_equal(ret, 0);
			assert_true(IS_ALIGNED(pa, align * PAGE_SIZE));
			for (i = 0; i < count; i++) {
				assert_int_equal(sh[pa / PAGE_SIZE + i], SH_FREE);
				sh[pa / PAGE_SIZE + i] = SH_USED;
			}
			nfree -= count;
			live[nlive].pa = pa;
			live[nlive].count = count;
			nlive++;
		} else {
			u64 j = rng() % nlive;

			assert_int_equal(pmm_free(p, live[j].pa, live[j].count), 0);
			for (i = 0; i < live[j].count; i++)
				sh[live[j].pa / PAGE_SIZE + i] = SH_FREE;
			nfree += live[j].count;
			live[j] = live[--nlive];
		}
		assert_int_equal(stats(p).free_pages, nfree);
		if (k % 2000 == 0) {
			for (i = 0; i < npages; i++)
				assert_int_equal(pmm_is_free(p, i * PAGE_SIZE), sh[i] == SH_FREE);
			assert_int_equal(pmm_check(p), 0);
		}
	}
	/* The run must have pushed memory to exhaustion now and then. */
	assert_true(enomem > 0);
	while (nlive) {
		nlive--;
		assert_int_equal(pmm_free(p, live[nlive].pa, live[nlive].count), 0);
	}
	assert_int_equal(stats(p).free_pages, stats(p).total_pages);
	assert_int_equal(pmm_check(p), 0);
	free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_map_bytes, teardown),
		cmocka_unit_test_teardown(test_init_all_unusable, teardown),
		cmocka_unit_test_teardown(test_unaligned_storage_gives_empty_map, teardown),
		cmocka_unit_test_teardown(test_add_usable_rounds_inward, teardown),
		cmocka_unit_test_teardown(test_reserve_rounds_outward, teardown),
		cmocka_unit_test_teardown(test_reserve_before_usable_sticks, teardown),
		cmocka_unit_test_teardown(test_overlapping_reservations_count_once, teardown),
		cmocka_unit_test_teardown(test_ranges_clip_and_wrap, teardown),
		cmocka_unit_test_teardown(test_page0_never_handed_out, teardown),
		cmocka_unit_test_teardown(test_first_mib_reserved, teardown),
		cmocka_unit_test_teardown(test_alloc_bad_arguments, teardown),
		cmocka_unit_test_teardown(test_alloc_2mib_aligned, teardown),
		cmocka_unit_test_teardown(test_alloc_alignment_skips_holes, teardown),
		cmocka_unit_test_teardown(test_contiguous_needs_a_run, teardown),
		cmocka_unit_test_teardown(test_exhaustion_and_free_restores, teardown),
		cmocka_unit_test_teardown(test_hint_rotates_and_wraps, teardown),
		cmocka_unit_test_teardown(test_free_misaligned, teardown),
		cmocka_unit_test_teardown(test_free_out_of_range, teardown),
		cmocka_unit_test_teardown(test_free_reserved_or_absent, teardown),
		cmocka_unit_test_teardown(test_double_free, teardown),
		cmocka_unit_test_teardown(test_reserve_allocated_frame, teardown),
		cmocka_unit_test_teardown(test_is_free_edges, teardown),
		cmocka_unit_test_teardown(test_check_catches_damage, teardown),
		cmocka_unit_test_teardown(test_large_sparse_map, teardown),
		cmocka_unit_test_teardown(test_random_against_shadow, teardown),
	};

	return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
