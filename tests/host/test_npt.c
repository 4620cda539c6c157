/* tests/host/test_npt.c - host unit tests for the nested page tables
 * (mm/npt.c) over a fake frame allocator: 2 MiB pages where alignment
 * allows, 4 KiB pages elsewhere, translation, bad arguments, overlap
 * refusals that change nothing, running out of tables, the U bit on every
 * level, and a random run against a list of mapped ranges.  The fake
 * allocator hands out tables at made-up "physical" addresses, fills them
 * with garbage first, and checks that destroy returns each one once. */
#include "tests/host/host_support.h"
#include <stdio.h>
#include <string.h>
#include "lib/types.h"
#include "mm/npt.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define SZ_4K (4 * KiB)
#define SZ_2M (2 * MiB)

/* ---- fake allocator ---- */

#define POOL_MAX 4096
#define FAKE_BASE 0x7654300000ULL	/* "physical" address of table 0 */

struct fake {
	void *va[POOL_MAX];
	bool live[POOL_MAX];
	unsigned int used;		/* tables ever handed out */
	unsigned int nlive;
	unsigned int limit;		/* alloc fails once used reaches it */
	unsigned int frees;
	paddr_t last_freed;
	bool misalign;			/* hand out a bad address */
};

static struct fake F;
static struct npt N;

static void *fake_alloc(void *ctx, paddr_t *pa)
{
	struct fake *f = ctx;
	void *p;

	if (f->used >= f->limit || f->used >= POOL_MAX)
		return NULL;
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0xa5, 4096);		/* npt must zero it */
	f->va[f->used] = p;
	f->live[f->used] = true;
	*pa = FAKE_BASE + (u64)f->used * 4096 + (f->misalign ? 8 : 0);
	f->used++;
	f->nlive++;
	return p;
}

static unsigned int fake_index(struct fake *f, paddr_t pa)
{
	u64 i;

	assert_true(pa >= FAKE_BASE);
	assert_true((pa - FAKE_BASE) % 4096 == 0);
	i = (pa - FAKE_BASE) / 4096;
	assert_true(i < f->used);
	return (unsigned int)i;
}

static void *fake_p2v(void *ctx, paddr_t pa)
{
	struct fake *f = ctx;
	unsigned int i = fake_index(f, pa);

	assert_true(f->live[i]);
	return f->va[i];
}

static void fake_free(void *ctx, paddr_t pa)
{
	struct fake *f = ctx;
	unsigned int i = fake_index(f, pa);

	assert_true(f->live[i]);	/* never twice */
	f->live[i] = false;
	f->nlive--;
	f->frees++;
	f->last_freed = pa;
	free(f->va[i]);
	f->va[i] = NULL;
}

static const struct npt_ops OPS = { fake_alloc, fake_p2v, &F };

static int setup(void **state)
{
	memset(&F, 0, sizeof(F));
	F.limit = POOL_MAX;
	memset(&N, 0, sizeof(N));
	host_log_reset();
	assert_int_equal(npt_init(&N, &OPS), 0);
	return 0;
}

/* Destroys whatever is left and checks nothing leaked. */
static int teardown(void **state)
{
	unsigned int i;

	npt_destroy(&N, fake_free);
	assert_int_equal(F.nlive, 0);
	assert_int_equal(N.tables, 0);
	for (i = 0; i < F.used; i++)
		free(F.va[i]);		/* only non-NULL after a failed test */
	return 0;
}

static void expect_map(u64 gpa, paddr_t hpa, u64 len, u64 flags)
{
	int ret = npt_map(&N, gpa, hpa, len, flags);

	if (ret)
		fail_msg("npt_map(0x%llx, 0x%llx, 0x%llx) = %d: %s", (unsigned long long)gpa,
			 (unsigned long long)hpa, (unsigned long long)len, ret, host_log);
}

static void expect_tr(u64 gpa, paddr_t want_hpa, unsigned int want_level)
{
	paddr_t hpa = 0;
	unsigned int level = 0;
	int ret = npt_translate(&N, gpa, &hpa, &level);

	if (ret || hpa != want_hpa || level != want_level)
		fail_msg("translate 0x%llx: ret %d hpa 0x%llx level %u, want 0x%llx level %u",
			 (unsigned long long)gpa, ret, (unsigned long long)hpa, level,
			 (unsigned long long)want_hpa, want_level);
}

static void expect_unmapped(u64 gpa)
{
	paddr_t hpa;

	assert_int_equal(npt_translate(&N, gpa, &hpa, NULL), -ENOENT);
}

/* ---- tests ---- */

static void test_init(void **state)
{
	u64 *root = N.root;

	assert_int_equal(N.tables, 1);
	assert_int_equal(N.root_pa, FAKE_BASE);
	for (int i = 0; i < 512; i++)
		assert_int_equal(root[i], 0);
	expect_unmapped(0);
	expect_unmapped(0x7c00);
}

static void test_init_bad(void **state)
{
	struct npt n;
	struct npt_ops no_alloc = { NULL, fake_p2v, &F };
	unsigned int before = F.used;

	assert_int_equal(npt_init(NULL, &OPS), -EINVAL);
	assert_int_equal(npt_init(&n, NULL), -EINVAL);
	assert_int_equal(npt_init(&n, &no_alloc), -EINVAL);
	F.limit = F.used;
	assert_int_equal(npt_init(&n, &OPS), -ENOMEM);
	F.limit = POOL_MAX;
	F.misalign = true;
	assert_int_equal(npt_init(&n, &OPS), -EINVAL);
	assert_true(host_log_contains("not a 4 KiB-aligned address"));
	F.misalign = false;
	/* The misaligned table was handed out; give it back by hand. */
	assert_int_equal(F.used, before + 1);
	fake_free(&F, FAKE_BASE + (u64)before * 4096);
}

static void test_2m_pages(void **state)
{
	expect_map(0, 0x80000000, 16 * MiB, NPT_W);
	/* Root, one PDPT, one PD: eight 2 MiB leaves need no page table. */
	assert_int_equal(N.tables, 3);
	expect_tr(0, 0x80000000, NPT_LEVEL_2M);
	expect_tr(0x7c00, 0x80007c00, NPT_LEVEL_2M);
	expect_tr(SZ_2M - 1, 0x80000000 + SZ_2M - 1, NPT_LEVEL_2M);
	expect_tr(SZ_2M, 0x80000000 + SZ_2M, NPT_LEVEL_2M);
	expect_tr(16 * MiB - 1, 0x80000000 + 16 * MiB - 1, NPT_LEVEL_2M);
	expect_unmapped(16 * MiB);
}

static void test_4k_when_hpa_misaligned(void **state)
{
	/* gpa 2 MiB aligned, hpa only 4 KiB aligned: no 2 MiB page fits. */
	expect_map(0, 0x80001000, 4 * MiB, NPT_W);
	assert_int_equal(N.tables, 3 + 2);	/* two page tables */
	expect_tr(0, 0x80001000, NPT_LEVEL_4K);
	expect_tr(0x1234, 0x80002234, NPT_LEVEL_4K);
	expect_tr(4 * MiB - 1, 0x80001000 + 4 * MiB - 1, NPT_LEVEL_4K);
	expect_unmapped(4 * MiB);
}

static void test_4k_when_short(void **state)
{
	/* Aligned, but shorter than 2 MiB. */
	expect_map(SZ_2M, 0x40000000, SZ_2M - SZ_4K, 0);
	expect_tr(SZ_2M, 0x40000000, NPT_LEVEL_4K);
	expect_tr(2 * SZ_2M - SZ_4K - 1, 0x40000000 + SZ_2M - SZ_4K - 1, NPT_LEVEL_4K);
	expect_unmapped(2 * SZ_2M - SZ_4K);
	assert_int_equal(N.tables, 4);
}

static void test_unaligned_range_mixes(void **state)
{
	/* 0x1fe000 .. 0x402000: two 4 KiB pages, one 2 MiB page, two 4 KiB. */
	u64 gpa = SZ_2M - 2 * SZ_4K, len = SZ_2M + 4 * SZ_4K;
	paddr_t hpa = 0x40000000 + gpa;

	expect_map(gpa, hpa, len, NPT_W);
	expect_tr(gpa, hpa, NPT_LEVEL_4K);
	expect_tr(gpa + SZ_4K, hpa + SZ_4K, NPT_LEVEL_4K);
	expect_tr(SZ_2M, 0x40000000 + SZ_2M, NPT_LEVEL_2M);
	expect_tr(2 * SZ_2M - 1, 0x40000000 + 2 * SZ_2M - 1, NPT_LEVEL_2M);
	expect_tr(2 * SZ_2M, 0x40000000 + 2 * SZ_2M, NPT_LEVEL_4K);
	expect_tr(2 * SZ_2M + SZ_4K + 0xfff, 0x40000000 + 2 * SZ_2M + SZ_4K + 0xfff,
		  NPT_LEVEL_4K);
	expect_unmapped(gpa - 1);
	expect_unmapped(gpa + len);
	/* Root, PDPT, PD, and a page table on each side. */
	assert_int_equal(N.tables, 5);
}

static void test_high_addresses(void **state)
{
	u64 top = NPT_GPA_LIMIT - SZ_2M;

	expect_map(top, NPT_HPA_LIMIT - SZ_2M, SZ_2M, 0);
	expect_tr(top, NPT_HPA_LIMIT - SZ_2M, NPT_LEVEL_2M);
	expect_tr(NPT_GPA_LIMIT - 1, NPT_HPA_LIMIT - 1, NPT_LEVEL_2M);
	expect_map(512 * GiB, 0x1000, SZ_4K, 0);	/* second PML4 entry */
	expect_tr(512 * GiB + 0x10, 0x1010, NPT_LEVEL_4K);
	expect_unmapped(512 * GiB - SZ_4K);
	expect_unmapped(0);
	/* Two separate branches: root + (PDPT, PD) + (PDPT, PD, PT). */
	assert_int_equal(N.tables, 6);
}

static void test_bad_arguments(void **state)
{
	paddr_t hpa;

	assert_int_equal(npt_map(&N, 0x800, 0, SZ_4K, 0), -EINVAL);
	assert_true(host_log_contains("gpa 0x800"));
	assert_int_equal(npt_map(&N, 0, 0x10, SZ_4K, 0), -EINVAL);
	assert_int_equal(npt_map(&N, 0, 0, 0x1800, 0), -EINVAL);
	assert_int_equal(npt_map(&N, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(npt_map(&N, NPT_GPA_LIMIT, 0, SZ_4K, 0), -EINVAL);
	assert_int_equal(npt_map(&N, NPT_GPA_LIMIT - SZ_4K, 0, 2 * SZ_4K, 0), -EINVAL);
	assert_int_equal(npt_map(&N, 0, NPT_HPA_LIMIT - SZ_4K, 2 * SZ_4K, 0), -EINVAL);
	assert_int_equal(npt_map(&N, 0, NPT_HPA_LIMIT, SZ_4K, 0), -EINVAL);
	/* gpa + len wraps past 2^64. */
	assert_int_equal(npt_map(&N, SZ_4K, 0, ~0ULL - 0xfff, 0), -EINVAL);
	host_log_reset();
	assert_int_equal(npt_map(&N, 0, 0, SZ_4K, PTE_PS), -EINVAL);
	assert_true(host_log_contains("flags 0x80"));
	assert_int_equal(npt_map(&N, 0, 0, SZ_4K, PTE_G), -EINVAL);
	assert_int_equal(npt_map(&N, 0, 0, SZ_4K, 0x1000), -EINVAL);	/* an address bit */
	assert_int_equal(npt_map(NULL, 0, 0, SZ_4K, 0), -EINVAL);
	assert_int_equal(npt_translate(&N, NPT_GPA_LIMIT, &hpa, NULL), -EINVAL);
	assert_int_equal(npt_translate(&N, 0, NULL, NULL), -EINVAL);
	assert_int_equal(npt_leaf(&N, NPT_GPA_LIMIT, NULL), 0);
	/* Nothing was built. */
	assert_int_equal(N.tables, 1);
}

static void test_flags_and_u_bit(void **state)
{
	const u64 *pml4, *pdpt, *pd, *pt;
	unsigned int level;
	u64 e;

	expect_map(0, 0x200000, SZ_2M, NPT_W | NPT_NX);
	expect_map(SZ_2M, 0x5000, SZ_4K, NPT_PCD);

	e = npt_leaf(&N, 0x1000, &level);
	assert_int_equal(level, NPT_LEVEL_2M);
	assert_true(e == (0x200000 | PTE_P | PTE_U | PTE_W | PTE_PS | PTE_NX));
	e = npt_leaf(&N, SZ_2M, &level);
	assert_int_equal(level, NPT_LEVEL_4K);
	assert_true(e == (0x5000 | PTE_P | PTE_U | PTE_PCD));
	assert_int_equal(npt_leaf(&N, SZ_2M + SZ_4K, &level), 0);

	/* Every level on the way: present, writable, user, never NX. */
	pml4 = N.root;
	assert_true((pml4[0] & (PTE_P | PTE_W | PTE_U | PTE_NX | PTE_PS)) == (PTE_P | PTE_W | PTE_U));
	pdpt = fake_p2v(&F, pml4[0] & PTE_ADDR);
	assert_true((pdpt[0] & (PTE_P | PTE_W | PTE_U | PTE_NX | PTE_PS)) == (PTE_P | PTE_W | PTE_U));
	pd = fake_p2v(&F, pdpt[0] & PTE_ADDR);
	assert_true((pd[1] & (PTE_P | PTE_W | PTE_U | PTE_NX | PTE_PS)) == (PTE_P | PTE_W | PTE_U));
	pt = fake_p2v(&F, pd[1] & PTE_ADDR);
	assert_true(pt[0] & PTE_U);
	for (int i = 1; i < 512; i++)
		assert_int_equal(pt[i], 0);
}

/* Refused whole, with nothing allocated or changed. */
static void expect_overlap(u64 gpa, paddr_t hpa, u64 len)
{
	u64 tables = N.tables;
	unsigned int used = F.used;

	host_log_reset();
	assert_int_equal(npt_map(&N, gpa, hpa, len, NPT_W), -EEXIST);
	assert_true(host_log_contains("overlaps an existing mapping"));
	assert_int_equal(N.tables, tables);
	assert_int_equal(F.used, used);
}

/* A withdrawn 4 KiB page reads as unmapped and comes back with the same
 * address and permissions; 2 MiB pages and holes are refused. */
static void test_set_present(void **state)
{
	expect_map(0, 0x5000, 3 * SZ_4K, NPT_W);
	expect_map(4 * MiB, 0x100000000ULL, SZ_2M, NPT_W);
	assert_int_equal(npt_set_present(&N, SZ_4K, false), 0);
	expect_unmapped(SZ_4K + 0x123);
	expect_tr(0, 0x5000, NPT_LEVEL_4K);		/* its neighbours stay */
	expect_tr(2 * SZ_4K, 0x7000, NPT_LEVEL_4K);
	assert_int_equal(npt_set_present(&N, SZ_4K, true), 0);
	expect_tr(SZ_4K + 0x123, 0x6123, NPT_LEVEL_4K);
	assert_true(npt_leaf(&N, SZ_4K, NULL) & NPT_W);
	assert_int_equal(npt_set_present(&N, 4 * MiB, false), -ENOENT);	/* 2 MiB: not split */
	expect_tr(4 * MiB, 0x100000000ULL, NPT_LEVEL_2M);
	assert_int_equal(npt_set_present(&N, 8 * SZ_4K, true), -ENOENT);	/* never mapped */
	expect_unmapped(8 * SZ_4K);
	assert_int_equal(npt_set_present(&N, 64 * GiB, true), -ENOENT);
	assert_int_equal(npt_set_present(NULL, 0, true), -EINVAL);
}

static void test_overlap_refused(void **state)
{
	expect_map(4 * MiB, 0x100000000ULL, 4 * MiB, NPT_W);	/* two 2 MiB pages */
	expect_map(16 * MiB, 0x3000, 3 * SZ_4K, NPT_W);		/* three 4 KiB pages */

	expect_overlap(4 * MiB, 0, SZ_4K);			/* inside a 2 MiB page */
	expect_overlap(6 * MiB + 12 * KiB, 0, SZ_4K);		/* inside the second */
	expect_overlap(0, 0, 16 * MiB);				/* swallowing all */
	expect_overlap(8 * MiB - SZ_4K, 0, 2 * SZ_4K);		/* straddling the end */
	expect_overlap(2 * MiB, 0, 2 * MiB + SZ_4K);		/* straddling the start */
	expect_overlap(16 * MiB + SZ_4K, 0, SZ_4K);		/* one 4 KiB page */
	expect_overlap(16 * MiB - SZ_2M, 0, SZ_2M + SZ_4K);
	expect_overlap(16 * MiB, 0, SZ_2M);			/* 2 MiB over a page table */
	/* The refused map at 0 left 0-4 MiB alone. */
	expect_unmapped(0);
	expect_unmapped(2 * MiB);

	/* Right next to existing mappings is fine. */
	expect_map(8 * MiB, 0x200000000ULL, SZ_4K, 0);
	expect_map(4 * MiB - SZ_4K, 0x300000000ULL, SZ_4K, 0);
	expect_map(16 * MiB + 3 * SZ_4K, 0x9000, SZ_4K, 0);
	expect_tr(4 * MiB - 1, 0x300000fffULL, NPT_LEVEL_4K);
	expect_tr(4 * MiB, 0x100000000ULL, NPT_LEVEL_2M);
	expect_tr(8 * MiB, 0x200000000ULL, NPT_LEVEL_4K);
	expect_tr(16 * MiB + 3 * SZ_4K, 0x9000, NPT_LEVEL_4K);
}

static void test_2m_over_emptied_page_table(void **state)
{
	u64 *pt;
	unsigned int level;

	/* A page table under PD entry 0 whose only entry is then cleared
	 * (what an unmap would leave): a 2 MiB map there must not drop the
	 * table, so it goes 4 KiB. */
	expect_map(0, 0x1000, SZ_4K, 0);
	assert_true(npt_leaf(&N, 0, &level) != 0);
	assert_int_equal(level, NPT_LEVEL_4K);
	pt = fake_p2v(&F, FAKE_BASE + 3 * 4096);	/* root, PDPT, PD, PT */
	assert_true(pt[0] != 0);
	pt[0] = 0;
	expect_map(0, 0x40000000, SZ_2M, 0);
	assert_int_equal(N.tables, 4);
	expect_tr(0x1234, 0x40001234, NPT_LEVEL_4K);
	expect_tr(SZ_2M - 1, 0x40000000 + SZ_2M - 1, NPT_LEVEL_4K);
}

static void test_out_of_tables(void **state)
{
	/* Root exists; PDPT and PD may come, the page table may not. */
	F.limit = F.used + 2;
	host_log_reset();
	assert_int_equal(npt_map(&N, SZ_4K, 0x1000, SZ_4K, 0), -ENOMEM);
	expect_unmapped(SZ_4K);
	assert_int_equal(N.tables, 3);
	/* With tables again, the same map works and reuses what was built. */
	F.limit = POOL_MAX;
	expect_map(SZ_4K, 0x1000, SZ_4K, 0);
	assert_int_equal(N.tables, 4);
	/* A large map running out half-way keeps what it mapped. */
	F.limit = F.used + 1;
	assert_int_equal(npt_map(&N, 1 * GiB, 0x8000, 4 * MiB, 0), -ENOMEM);
	assert_int_equal(npt_map(&N, 2 * GiB - SZ_4K, 0x8000, SZ_4K, 0), -ENOMEM);
	F.limit = POOL_MAX;
	/* teardown checks that destroy returns every table */
}

static void test_destroy_frees_all(void **state)
{
	unsigned int used;

	expect_map(0, 0, 1 * GiB, NPT_W);		/* 512 x 2 MiB */
	expect_map(1 * GiB, 0x1000, 3 * MiB, NPT_W);	/* 768 x 4 KiB */
	expect_map(300 * GiB, 0, SZ_4K, 0);
	expect_map(600 * GiB, 0, SZ_2M, 0);
	used = F.used;
	assert_int_equal(N.tables, used);
	npt_destroy(&N, fake_free);
	assert_int_equal(F.frees, used);
	assert_int_equal(F.nlive, 0);
	assert_int_equal(N.tables, 0);
	assert_int_equal(F.last_freed, FAKE_BASE);	/* the root goes last */
	assert_null(N.root);
	assert_int_equal(N.root_pa, 0);
	/* Destroying twice, or mapping after, is refused quietly. */
	npt_destroy(&N, fake_free);
	assert_int_equal(F.frees, used);
	assert_int_equal(npt_map(&N, 0, 0, SZ_4K, 0), -EINVAL);
}

/* ---- random run against a list of ranges ---- */

struct range {
	u64 gpa, hpa, len;
};

static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_random_against_model(void **state)
{
	static struct range r[400];
	unsigned int nr = 0, refused = 0;

	for (int round = 0; round < 400; round++) {
		/* Addresses in a 256 MiB window so ranges collide often;
		 * sizes from one page to a few 2 MiB pages; hpa sometimes
		 * 2 MiB-aligned relative to gpa, sometimes not. */
		u64 gpa = (rnd() % (256 * MiB / SZ_4K)) * SZ_4K;
		u64 len = (1 + rnd() % ((rnd() & 1) ? 8 : 3 * 512)) * SZ_4K;
		u64 hpa = ((rnd() % (1ULL << 20)) * SZ_2M) + ((rnd() & 1) ? gpa % SZ_2M : SZ_4K * (rnd() % 512));
		bool overlaps = false;
		int ret;

		hpa = ALIGN_DOWN(hpa, SZ_4K);
		for (unsigned int i = 0; i < nr; i++)
			if (gpa < r[i].gpa + r[i].len && r[i].gpa < gpa + len)
				overlaps = true;
		host_log_reset();
		ret = npt_map(&N, gpa, hpa, len, NPT_W);
		if (overlaps) {
			assert_int_equal(ret, -EEXIST);
			refused++;
		} else {
			assert_int_equal(ret, 0);
			r[nr++] = (struct range){ gpa, hpa, len };
		}
	}
	assert_true(nr > 20);
	assert_true(refused > 20);

	/* Every range translates; its edges and random points in it. */
	for (unsigned int i = 0; i < nr; i++) {
		paddr_t hpa;
		u64 off[3] = { 0, r[i].len - 1, rnd() % r[i].len };

		for (int k = 0; k < 3; k++) {
			assert_int_equal(npt_translate(&N, r[i].gpa + off[k], &hpa, NULL), 0);
			assert_true(hpa == r[i].hpa + off[k]);
		}
	}
	/* Random addresses: mapped exactly when some range holds them. */
	for (int k = 0; k < 20000; k++) {
		u64 a = rnd() % (260 * MiB);
		const struct range *hit = NULL;
		paddr_t hpa;
		int ret;

		for (unsigned int i = 0; i < nr; i++)
			if (a >= r[i].gpa && a < r[i].gpa + r[i].len)
				hit = &r[i];
		ret = npt_translate(&N, a, &hpa, NULL);
		if (hit) {
			assert_int_equal(ret, 0);
			assert_true(hpa == hit->hpa + (a - hit->gpa));
		} else {
			assert_int_equal(ret, -ENOENT);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2m_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4k_when_hpa_misaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4k_when_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unaligned_range_mixes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_high_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_and_u_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_present, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2m_over_emptied_page_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_frees_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
	};

	return cmocka_run_group_tests_name("npt", tests, NULL, NULL);
}
