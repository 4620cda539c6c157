/* tests/host/test_heap_alloc.c - host unit tests for the kernel heap
 * (mm/heap.c) used as intended: size classes, large and aligned
 * allocations, exhaustion of the page source, slab reuse and return,
 * statistics, poisoning of freed memory, and a random run against a model.
 * The page source and fixture are in heap_fixtures.h. */
#include "tests/host/heap_fixtures.h"

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
		T(test_exhaustion_small),
		T(test_exhaustion_large),
		T(test_spare_slab_absorbs_ping_pong),
		T(test_empty_slabs_returned),
		T(test_partial_slabs_filled_before_spare),
		T(test_stats_track),
		T(test_usable_size_refusals),
		T(test_freed_memory_poisoned),
		T(test_random_stress),
	};

	return cmocka_run_group_tests_name("heap_alloc", tests, NULL, NULL);
}
