/* tests/host/acpi_fixtures.h - fake physical memory, ACPI table builders
 * and the cmocka fixture shared by the drivers/acpi_tables.c host tests
 * (test_acpi_root.c, test_acpi_madt.c, test_acpi_fadt.c).
 *
 * The tables live in a fake physical memory (a staging buffer starting at
 * FAKE_BASE).  The map callback refuses anything outside the bytes written
 * so far and hands back a fresh heap copy of exactly the range asked for,
 * so a read one byte past what the parser mapped is an ASan error.  The
 * RSDP copy is likewise passed in a buffer of exactly rsdp_len bytes.
 *
 * The builders write every field at its byte offset from the ACPI
 * specification, independently of the structs in acpi_tables.h, so a
 * wrong offset there shows up here. */
#ifndef SVMHV_TESTS_ACPI_FIXTURES_H
#define SVMHV_TESTS_ACPI_FIXTURES_H
#include "tests/host/host_support.h"
#include <string.h>
#include "drivers/acpi_tables.h"

#define FAKE_BASE	0x7fe00000ULL
#define FAKE_CAP	(128 * 1024)
#define MADT_BODY_CAP	(20 * 1024)
#define LAPIC_DEFAULT	0xfee00000u

/* ---- fake physical memory ---- */

struct fake_mem {
	paddr_t base;
	u8 *buf;		/* FAKE_CAP bytes of staging */
	size_t used;		/* readable: [base, base + used) */
	void **maps;		/* copies handed out, freed at teardown */
	size_t nmaps, cap_maps;
	size_t max_map_len;
	unsigned map_failures;
};

static inline void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static inline void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
static inline void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

static inline u8 sum8(const u8 *p, size_t len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

static inline const void *fake_map(void *ctx, paddr_t pa, size_t len)
{
	struct fake_mem *fm = ctx;
	void *copy;

	if (len > fm->max_map_len)
		fm->max_map_len = len;
	if (pa < fm->base || pa - fm->base > fm->used || len > fm->used - (pa - fm->base)) {
		fm->map_failures++;
		return NULL;
	}
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, fm->buf + (pa - fm->base), len);
	if (fm->nmaps == fm->cap_maps) {
		fm->cap_maps = fm->cap_maps ? fm->cap_maps * 2 : 64;
		fm->maps = realloc(fm->maps, fm->cap_maps * sizeof(*fm->maps));
		assert_non_null(fm->maps);
	}
	fm->maps[fm->nmaps++] = copy;
	return copy;
}

static inline paddr_t fm_alloc(struct fake_mem *fm, size_t len)
{
	size_t off = (fm->used + 15) & ~(size_t)15;

	assert_true(off + len <= FAKE_CAP);
	fm->used = off + len;
	return fm->base + off;
}

static inline u8 *fm_ptr(struct fake_mem *fm, paddr_t pa)
{
	assert_true(pa >= fm->base && pa - fm->base < FAKE_CAP);
	return fm->buf + (pa - fm->base);
}

/* ---- table builders ---- */

/* Header with signature, length and revision; checksum left for sdt_seal. */
static inline paddr_t sdt_new(struct fake_mem *fm, const char *sig, u32 len, u8 rev)
{
	paddr_t pa = fm_alloc(fm, len);
	u8 *p = fm_ptr(fm, pa);

	memcpy(p + 0, sig, 4);
	put32(p + 4, len);
	p[8] = rev;
	memcpy(p + 10, "SVMHVT", 6);
	memcpy(p + 16, "TESTTBL ", 8);
	put32(p + 24, 1);
	memcpy(p + 28, "TEST", 4);
	put32(p + 32, 1);
	return pa;
}

static inline void sdt_seal(struct fake_mem *fm, paddr_t pa, u32 len)
{
	u8 *p = fm_ptr(fm, pa);

	p[9] = 0;
	p[9] = (u8)-sum8(p, len);
}

static inline paddr_t build_root(struct fake_mem *fm, const char *sig, const paddr_t *pas, int n)
{
	int esz = memcmp(sig, "XSDT", 4) == 0 ? 8 : 4;
	u32 len = 36 + (u32)(n * esz);
	paddr_t pa = sdt_new(fm, sig, len, 1);
	u8 *p = fm_ptr(fm, pa);

	for (int i = 0; i < n; i++) {
		if (esz == 8)
			put64(p + 36 + i * 8, pas[i]);
		else
			put32(p + 36 + i * 4, (u32)pas[i]);
	}
	sdt_seal(fm, pa, len);
	return pa;
}

/* MADT entries are collected here, then copied behind the fixed part. */
struct madt_b {
	u8 buf[MADT_BODY_CAP];
	size_t len;
};

static inline u8 *mb_entry(struct madt_b *m, u8 type, u8 len)
{
	u8 *e = m->buf + m->len;

	assert_true(m->len + len <= sizeof(m->buf));
	memset(e, 0, len);
	e[0] = type;
	e[1] = len;
	m->len += len;
	return e;
}

static inline void mb_lapic(struct madt_b *m, u8 uid, u8 apic_id, u32 flags)
{
	u8 *e = mb_entry(m, 0, 8);

	e[2] = uid;
	e[3] = apic_id;
	put32(e + 4, flags);
}

static inline void mb_x2apic(struct madt_b *m, u32 x2apic_id, u32 flags, u32 uid)
{
	u8 *e = mb_entry(m, 9, 16);

	put32(e + 4, x2apic_id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static inline void mb_ioapic(struct madt_b *m, u8 id, u32 addr, u32 gsi_base)
{
	u8 *e = mb_entry(m, 1, 12);

	e[2] = id;
	put32(e + 4, addr);
	put32(e + 8, gsi_base);
}

static inline void mb_iso(struct madt_b *m, u8 bus, u8 irq, u32 gsi, u16 flags)
{
	u8 *e = mb_entry(m, 2, 10);

	e[2] = bus;
	e[3] = irq;
	put32(e + 4, gsi);
	put16(e + 8, flags);
}

static inline void mb_lapic_nmi(struct madt_b *m, u8 uid, u16 flags, u8 lint)
{
	u8 *e = mb_entry(m, 4, 6);

	e[2] = uid;
	put16(e + 3, flags);
	e[5] = lint;
}

static inline void mb_x2apic_nmi(struct madt_b *m, u16 flags, u32 uid, u8 lint)
{
	u8 *e = mb_entry(m, 0xa, 12);

	put16(e + 2, flags);
	put32(e + 4, uid);
	e[8] = lint;
}

static inline void mb_lapic_override(struct madt_b *m, u64 addr)
{
	u8 *e = mb_entry(m, 5, 12);

	put64(e + 4, addr);
}

/* Raw bytes, for broken entries. */
static inline void mb_raw(struct madt_b *m, const u8 *bytes, size_t n)
{
	assert_true(m->len + n <= sizeof(m->buf));
	memcpy(m->buf + m->len, bytes, n);
	m->len += n;
}

static inline paddr_t build_madt_rev(struct fake_mem *fm, const struct madt_b *mb,
				     u32 lapic, u32 flags, u8 rev)
{
	u32 len = 44 + (u32)mb->len;
	paddr_t pa = sdt_new(fm, "APIC", len, rev);
	u8 *p = fm_ptr(fm, pa);

	put32(p + 36, lapic);
	put32(p + 40, flags);
	memcpy(p + 44, mb->buf, mb->len);
	sdt_seal(fm, pa, len);
	return pa;
}

static inline paddr_t build_madt(struct fake_mem *fm, const struct madt_b *mb)
{
	return build_madt_rev(fm, mb, LAPIC_DEFAULT, 1, 4);
}

struct fadt_opts {
	u32 len;		/* 116: ACPI 1.0, 276: ACPI 6 */
	u32 pm_tmr_blk;
	u8 pm_tmr_len;
	u32 flags;
	u8 x_space;
	u64 x_addr;
};

static inline paddr_t build_fadt(struct fake_mem *fm, const struct fadt_opts *o)
{
	paddr_t pa = sdt_new(fm, "FACP", o->len, o->len > 116 ? 6 : 1);
	u8 *p = fm_ptr(fm, pa);

	put32(p + 76, o->pm_tmr_blk);		/* PM_TMR_BLK */
	p[91] = o->pm_tmr_len;			/* PM_TMR_LEN */
	if (o->len >= 116)
		put32(p + 112, o->flags);	/* Flags */
	if (o->len >= 220) {
		p[208] = o->x_space;		/* X_PM_TMR_BLK.AddressSpaceID */
		p[209] = 32;
		p[211] = 3;
		put64(p + 212, o->x_addr);
	}
	sdt_seal(fm, pa, o->len);
	return pa;
}

static inline paddr_t build_hpet(struct fake_mem *fm, u8 space, u64 addr)
{
	paddr_t pa = sdt_new(fm, "HPET", 56, 1);
	u8 *p = fm_ptr(fm, pa);

	put32(p + 36, 0x8086a201);
	p[40] = space;
	p[41] = 64;
	put64(p + 44, addr);
	put16(p + 53, 0x80);
	sdt_seal(fm, pa, 56);
	return pa;
}

static inline void make_rsdp(u8 *r, u8 rev, u32 rsdt, u64 xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = rev;
	put32(r + 16, rsdt);
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	r[8] = (u8)-sum8(r, 20);
	r[32] = (u8)-sum8(r, 36);
}

/* ---- fixture ---- */

struct fx {
	struct fake_mem fm;
	struct madt_b mb;
	struct acpi_info info;
	u8 rsdp[36];
};

static inline int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->fm.base = FAKE_BASE;
	f->fm.buf = calloc(1, FAKE_CAP);
	assert_non_null(f->fm.buf);
	/* Leave a gap so address FAKE_BASE itself is never a table. */
	fm_alloc(&f->fm, 16);
	host_log_reset();
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < f->fm.nmaps; i++)
		free(f->fm.maps[i]);
	free(f->fm.maps);
	free(f->fm.buf);
	free(f);
	return 0;
}

static inline int run(struct fx *f, size_t rsdp_len)
{
	u8 *copy = malloc(rsdp_len);
	int ret;

	assert_non_null(copy);
	memcpy(copy, f->rsdp, rsdp_len);
	/* Garbage in *out must not survive. */
	memset(&f->info, 0xa5, sizeof(f->info));
	ret = acpi_parse(copy, rsdp_len, fake_map, &f->fm, &f->info);
	free(copy);
	return ret;
}

/* On failure the result must describe nothing at all. */
static inline void assert_info_empty(const struct acpi_info *info)
{
	static const struct acpi_info zero;

	assert_int_equal(info->ncpus, 0);
	assert_memory_equal(info, &zero, sizeof(zero));
}

/* The usual firmware MADT: two CPUs, one I/O APIC, timer and SCI overrides. */
static inline void add_pc_madt_entries(struct madt_b *mb)
{
	mb_lapic(mb, 0, 0, 1);
	mb_lapic(mb, 1, 1, 1);
	mb_ioapic(mb, 0, 0xfec00000, 0);
	mb_iso(mb, 0, 0, 2, 0);
	mb_iso(mb, 0, 9, 9, 0xd);
	mb_lapic_nmi(mb, 0xff, 0, 1);
}

/* A v1 RSDP -> RSDT -> {FADT, MADT}; returns the RSDT address. */
static inline paddr_t build_bios_platform(struct fx *f)
{
	struct fadt_opts fo = { .len = 116, .pm_tmr_blk = 0x608, .pm_tmr_len = 4 };
	paddr_t t[2];

	add_pc_madt_entries(&f->mb);
	t[0] = build_fadt(&f->fm, &fo);
	t[1] = build_madt(&f->fm, &f->mb);
	return build_root(&f->fm, "RSDT", t, 2);
}

#endif
