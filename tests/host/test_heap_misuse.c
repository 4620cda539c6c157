/* tests/host/test_heap_misuse.c - host unit tests for the kernel heap
 * (mm/heap.c) refusing misuse: double frees (slab, large, after reuse or
 * return), foreign and interior pointers, corrupted headers, a misbehaving
 * or missing page source, and heap_check() catching damage.  The page
 * source and fixture are in heap_fixtures.h. */
#include "tests/host/heap_fixtures.h"

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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_double_free_slab),
		T(test_double_free_after_reuse),
		T(test_double_free_after_slab_returned),
		T(test_double_free_after_source_scribbled),
		T(test_double_free_large),
		T(test_foreign_pointers),
		T(test_corrupted_headers),
		T(test_unaligned_page_source),
		T(test_no_page_source),
		T(test_check_catches_damage),
	};

	return cmocka_run_group_tests_name("heap_misuse", tests, NULL, NULL);
}
