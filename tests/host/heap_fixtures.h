/* tests/host/heap_fixtures.h - the page source and fixture shared by the
 * kernel heap host tests (test_heap_alloc.c, test_heap_misuse.c).
 * The page source is an aligned arena with a page budget, so exhaustion
 * can be forced; it keeps given-back pages readable (as the kernel's direct
 * map does) unless a test asks it to scribble over them. */
#ifndef SVMHV_TESTS_HEAP_FIXTURES_H
#define SVMHV_TESTS_HEAP_FIXTURES_H
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

static inline void *src_alloc(void *ctx, size_t npages)
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

static inline void src_free(void *ctx, void *va, size_t npages)
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

static inline int setup(void **state)
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

static inline int teardown(void **state)
{
	free(S.base);
	S.base = NULL;
	return 0;
}

static inline struct heap_stats hstats(void)
{
	struct heap_stats st;

	heap_stats(&H, &st);
	return st;
}

static inline bool log_has_ptr(const void *p)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)(uintptr_t)p);
	return host_log_contains(buf);
}

static inline u8 *page_of(const void *p)
{
	return (u8 *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE);
}

#endif
