/* tests/host/test_acpi.c - drivers/acpi_tables.c against hand-built ACPI
 * tables, good and broken.
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

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
static void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

static u8 sum8(const u8 *p, size_t len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

static const void *fake_map(void *ctx, paddr_t pa, size_t len)
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

static paddr_t fm_alloc(struct fake_mem *fm, size_t len)
{
	size_t off = (fm->used + 15) & ~(size_t)15;

	assert_true(off + len <= FAKE_CAP);
	fm->used = off + len;
	return fm->base + off;
}

static u8 *fm_ptr(struct fake_mem *fm, paddr_t pa)
{
	assert_true(pa >= fm->base && pa - fm->base < FAKE_CAP);
	return fm->buf + (pa - fm->base);
}

/* ---- table builders ---- */

/* Header with signature, length and revision; checksum left for sdt_seal. */
static paddr_t sdt_new(struct fake_mem *fm, const char *sig, u32 len, u8 rev)
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

static void sdt_seal(struct fake_mem *fm, paddr_t pa, u32 len)
{
	u8 *p = fm_ptr(fm, pa);

	p[9] = 0;
	p[9] = (u8)-sum8(p, len);
}

static paddr_t build_root(struct fake_mem *fm, const char *sig, const paddr_t *pas, int n)
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

static u8 *mb_entry(struct madt_b *m, u8 type, u8 len)
{
	u8 *e = m->buf + m->len;

	assert_true(m->len + len <= sizeof(m->buf));
	memset(e, 0, len);
	e[0] = type;
	e[1] = len;
	m->len += len;
	return e;
}

static void mb_lapic(struct madt_b *m, u8 uid, u8 apic_id, u32 flags)
{
	u8 *e = mb_entry(m, 0, 8);

	e[2] = uid;
	e[3] = apic_id;
	put32(e + 4, flags);
}

static void mb_x2apic(struct madt_b *m, u32 x2apic_id, u32 flags, u32 uid)
{
	u8 *e = mb_entry(m, 9, 16);

	put32(e + 4, x2apic_id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static void mb_ioapic(struct madt_b *m, u8 id, u32 addr, u32 gsi_base)
{
	u8 *e = mb_entry(m, 1, 12);

	e[2] = id;
	put32(e + 4, addr);
	put32(e + 8, gsi_base);
}

static void mb_iso(struct madt_b *m, u8 bus, u8 irq, u32 gsi, u16 flags)
{
	u8 *e = mb_entry(m, 2, 10);

	e[2] = bus;
	e[3] = irq;
	put32(e + 4, gsi);
	put16(e + 8, flags);
}

static void mb_lapic_nmi(struct madt_b *m, u8 uid, u16 flags, u8 lint)
{
	u8 *e = mb_entry(m, 4, 6);

	e[2] = uid;
	put16(e + 3, flags);
	e[5] = lint;
}

static void mb_x2apic_nmi(struct madt_b *m, u16 flags, u32 uid, u8 lint)
{
	u8 *e = mb_entry(m, 0xa, 12);

	put16(e + 2, flags);
	put32(e + 4, uid);
	e[8] = lint;
}

static void mb_lapic_override(struct madt_b *m, u64 addr)
{
	u8 *e = mb_entry(m, 5, 12);

	put64(e + 4, addr);
}

/* Raw bytes, for broken entries. */
static void mb_raw(struct madt_b *m, const u8 *bytes, size_t n)
{
	assert_true(m->len + n <= sizeof(m->buf));
	memcpy(m->buf + m->len, bytes, n);
	m->len += n;
}

static paddr_t build_madt_rev(struct fake_mem *fm, const struct madt_b *mb, u32 lapic,
			      u32 flags, u8 rev)
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

static paddr_t build_madt(struct fake_mem *fm, const struct madt_b *mb)
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

static paddr_t build_fadt(struct fake_mem *fm, const struct fadt_opts *o)
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

static paddr_t build_hpet(struct fake_mem *fm, u8 space, u64 addr)
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

static void make_rsdp(u8 *r, u8 rev, u32 rsdt, u64 xsdt)
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

static int setup(void **state)
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

static int teardown(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < f->fm.nmaps; i++)
		free(f->fm.maps[i]);
	free(f->fm.maps);
	free(f->fm.buf);
	free(f);
	return 0;
}

static int run(struct fx *f, size_t rsdp_len)
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
static void assert_info_empty(const struct acpi_info *info)
{
	static const struct acpi_info zero;

	assert_int_equal(info->ncpus, 0);
	assert_memory_equal(info, &zero, sizeof(zero));
}

/* The usual firmware MADT: two CPUs, one I/O APIC, timer and SCI overrides. */
static void add_pc_madt_entries(struct madt_b *mb)
{
	mb_lapic(mb, 0, 0, 1);
	mb_lapic(mb, 1, 1, 1);
	mb_ioapic(mb, 0, 0xfec00000, 0);
	mb_iso(mb, 0, 0, 2, 0);
	mb_iso(mb, 0, 9, 9, 0xd);
	mb_lapic_nmi(mb, 0xff, 0, 1);
}

/* A v1 RSDP -> RSDT -> {FADT, MADT}; returns the RSDT address. */
static paddr_t build_bios_platform(struct fx *f)
{
	struct fadt_opts fo = { .len = 116, .pm_tmr_blk = 0x608, .pm_tmr_len = 4 };
	paddr_t t[2];

	add_pc_madt_entries(&f->mb);
	t[0] = build_fadt(&f->fm, &fo);
	t[1] = build_madt(&f->fm, &f->mb);
	return build_root(&f->fm, "RSDT", t, 2);
}

/* ---- tests ---- */

static void test_checksum(void **state)
{
	u8 b[4] = { 1, 2, 3, 0xfa };

	assert_int_equal(acpi_checksum_ok(b, 4), 1);
	b[3] = 0xfb;
	assert_int_equal(acpi_checksum_ok(b, 4), 0);
	assert_int_equal(acpi_checksum_ok(b, 0), 1);
}

static void test_v1_rsdt_bios(void **state)
{
	struct fx *f = *state;

	make_rsdp(f->rsdp, 0, (u32)build_bios_platform(f), 0);
	assert_int_equal(run(f, 20), 0);

	assert_int_equal(f->info.revision, 0);
	assert_false(f->info.xsdt_used);
	assert_string_equal(f->info.oem_id, "BOCHS ");
	assert_int_equal(f->info.lapic_addr, LAPIC_DEFAULT);
	assert_true(f->info.pcat_compat);

	assert_int_equal(f->info.ncpus, 2);
	assert_int_equal(f->info.ncpus_disabled, 0);
	for (u32 i = 0; i < 2; i++) {
		assert_int_equal(f->info.cpus[i].apic_id, i);
		assert_int_equal(f->info.cpus[i].acpi_uid, i);
		assert_true(f->info.cpus[i].enabled);
		assert_false(f->info.cpus[i].online_capable);
		assert_false(f->info.cpus[i].x2apic_entry);
	}

	assert_int_equal(f->info.nioapics, 1);
	assert_int_equal(f->info.ioapics[0].id, 0);
	assert_int_equal(f->info.ioapics[0].addr, 0xfec00000);
	assert_int_equal(f->info.ioapics[0].gsi_base, 0);

	assert_int_equal(f->info.nisos, 2);
	assert_int_equal(f->info.isos[0].bus, 0);
	assert_int_equal(f->info.isos[0].source_irq, 0);
	assert_int_equal(f->info.isos[0].gsi, 2);
	assert_int_equal(f->info.isos[0].flags, 0);
	assert_int_equal(f->info.isos[1].source_irq, 9);
	assert_int_equal(f->info.isos[1].gsi, 9);
	assert_int_equal(f->info.isos[1].flags, 0xd);
	assert_int_equal(f->info.lapic_nmi_count, 1);

	assert_true(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0x608);
	assert_false(f->info.pm_timer_32bit);
	assert_false(f->info.has_hpet);
	assert_true(host_log_contains("acpi: revision 0, OEM 'BOCHS ', RSDT: 2 CPU(s)"));
	assert_false(host_log_contains("skipped"));
	assert_false(host_log_contains("bad"));
}

/* UEFI-like: v2 RSDP, the XSDT and the RSDT list different MADTs, so the
 * result shows which root was read. */
static void test_v2_xsdt_uefi(void **state)
{
	struct fx *f = *state;
	struct fadt_opts fo = {
		.len = 276, .pm_tmr_blk = 0x608, .pm_tmr_len = 4,
		.flags = 1u << 8, .x_space = 1, .x_addr = 0xb008,
	};
	struct madt_b *mb = &f->mb;
	paddr_t t[3], rsdt, xsdt;

	mb_lapic(mb, 0, 0, 1);
	t[0] = build_madt(&f->fm, mb);			/* RSDT's: one CPU */
	rsdt = build_root(&f->fm, "RSDT", t, 1);

	mb->len = 0;
	for (u8 i = 0; i < 4; i++)
		mb_lapic(mb, i, i, 1);
	mb_ioapic(mb, 4, 0xfec00000, 0);
	mb_x2apic_nmi(mb, 0, 0xffffffff, 1);
	t[0] = build_fadt(&f->fm, &fo);
	t[1] = build_hpet(&f->fm, 0, 0xfed00000);
	t[2] = build_madt(&f->fm, mb);
	xsdt = build_root(&f->fm, "XSDT", t, 3);

	make_rsdp(f->rsdp, 2, (u32)rsdt, xsdt);
	assert_int_equal(run(f, 36), 0);

	assert_int_equal(f->info.revision, 2);
	assert_true(f->info.xsdt_used);
	assert_int_equal(f->info.ncpus, 4);
	assert_int_equal(f->info.cpus[3].apic_id, 3);
	assert_int_equal(f->info.nioapics, 1);
	assert_int_equal(f->info.ioapics[0].id, 4);
	assert_int_equal(f->info.lapic_nmi_count, 1);
	/* X_PM_TMR_BLK in I/O space wins over PM_TMR_BLK. */
	assert_true(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0xb008);
	assert_true(f->info.pm_timer_32bit);
	assert_true(f->info.has_hpet);
	assert_int_equal(f->info.hpet_addr, 0xfed00000);
	assert_true(host_log_contains("XSDT: 4 CPU(s)"));
	assert_true(host_log_contains("HPET at 0xfed00000"));
}

/* Tables above 4 GiB are reachable only through the XSDT. */
static void test_xsdt_tables_above_4g(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	f->fm.base = 0x123400000ULL;
	mb_x2apic(&f->mb, 7, 1, 7);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 2, 0, build_root(&f->fm, "XSDT", t, 1));
	assert_true(t[0] > 0xffffffffULL);

	assert_int_equal(run(f, 36), 0);
	assert_true(f->info.xsdt_used);
	assert_int_equal(f->info.ncpus, 1);
	assert_int_equal(f->info.cpus[0].apic_id, 7);
	assert_true(f->info.cpus[0].x2apic_entry);
	assert_false(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0);
}

static void test_bad_rsdp_checksum(void **state)
{
	struct fx *f = *state;

	make_rsdp(f->rsdp, 0, (u32)build_bios_platform(f), 0);
	f->rsdp[8] ^= 1;
	assert_int_equal(run(f, 20), -EIO);
	assert_true(host_log_contains("acpi: RSDP checksum is bad"));
	assert_info_empty(&f->info);
}

static void test_bad_extended_checksum(void **state)
{
	struct fx *f = *state;
	paddr_t rsdt = build_bios_platform(f);

	make_rsdp(f->rsdp, 2, (u32)rsdt, 0);
	f->rsdp[33] = 0x42;		/* reserved byte: only the extended sum sees it */
	assert_int_equal(acpi_checksum_ok(f->rsdp, 20), 1);
	assert_int_equal(run(f, 36), -EIO);
	assert_true(host_log_contains("RSDP extended checksum is bad"));
	assert_info_empty(&f->info);
}

static void test_bad_rsdp_signature(void **state)
{
	struct fx *f = *state;

	make_rsdp(f->rsdp, 0, (u32)build_bios_platform(f), 0);
	memcpy(f->rsdp, "RSD PTX\n", 8);
	f->rsdp[8] = 0;
	f->rsdp[8] = (u8)-sum8(f->rsdp, 20);	/* checksum right, signature wrong */
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("RSDP signature is 'RSD PTX?', not 'RSD PTR '"));
	assert_info_empty(&f->info);
}

static void test_rsdp_too_short(void **state)
{
	struct fx *f = *state;

	make_rsdp(f->rsdp, 0, (u32)build_bios_platform(f), 0);
	assert_int_equal(run(f, 19), -EINVAL);
	assert_true(host_log_contains("RSDP copy is 19 bytes, a v1 RSDP needs 20"));
	assert_info_empty(&f->info);
}

/* A revision 2 RSDP of which only the v1 part was copied: RSDT, warned. */
static void test_v2_rsdp_truncated_copy_uses_rsdt(void **state)
{
	struct fx *f = *state;
	paddr_t rsdt = build_bios_platform(f);

	make_rsdp(f->rsdp, 2, (u32)rsdt, 0xdead0000);
	assert_int_equal(run(f, 20), 0);
	assert_false(f->info.xsdt_used);
	assert_int_equal(f->info.revision, 2);
	assert_int_equal(f->info.ncpus, 2);
	assert_true(host_log_contains("RSDP revision 2 but only 20 bytes were passed, using the RSDT"));
}

static void test_xsdt_bad_checksum_falls_back_to_rsdt(void **state)
{
	struct fx *f = *state;
	paddr_t rsdt = build_bios_platform(f);
	paddr_t t[1] = { rsdt };	/* any address: the XSDT is refused first */
	paddr_t xsdt = build_root(&f->fm, "XSDT", t, 1);

	fm_ptr(&f->fm, xsdt)[9] ^= 0x10;
	make_rsdp(f->rsdp, 2, (u32)rsdt, xsdt);
	assert_int_equal(run(f, 36), 0);
	assert_false(f->info.xsdt_used);
	assert_int_equal(f->info.ncpus, 2);
	assert_true(host_log_contains("XSDT at 0x"));
	assert_true(host_log_contains("has a bad checksum"));
	assert_true(host_log_contains("XSDT unusable, falling back to the RSDT"));
}

static void test_xsdt_unmappable_falls_back_to_rsdt(void **state)
{
	struct fx *f = *state;
	paddr_t rsdt = build_bios_platform(f);

	make_rsdp(f->rsdp, 2, (u32)rsdt, 0x4000000000ULL);
	assert_int_equal(run(f, 36), 0);
	assert_false(f->info.xsdt_used);
	assert_int_equal(f->info.ncpus, 2);
	assert_true(host_log_contains("XSDT at 0x4000000000 cannot be mapped"));
	assert_true(host_log_contains("falling back to the RSDT"));
}

/* No XSDT address in a v2 RSDP: the RSDT, quietly. */
static void test_v2_without_xsdt_uses_rsdt(void **state)
{
	struct fx *f = *state;

	make_rsdp(f->rsdp, 2, (u32)build_bios_platform(f), 0);
	assert_int_equal(run(f, 36), 0);
	assert_false(f->info.xsdt_used);
	assert_int_equal(f->info.ncpus, 2);
	assert_false(host_log_contains("falling back"));
}

static void test_xsdt_bad_and_no_rsdt(void **state)
{
	struct fx *f = *state;

	make_rsdp(f->rsdp, 2, 0, 0x4000000000ULL);
	assert_int_equal(run(f, 36), -ENODEV);
	assert_true(host_log_contains("XSDT unusable and the RSDP gives no RSDT"));
	assert_info_empty(&f->info);
}

static void test_rsdt_outside_memory(void **state)
{
	struct fx *f = *state;

	build_bios_platform(f);
	make_rsdp(f->rsdp, 0, 0xfffff000u, 0);
	assert_int_equal(run(f, 20), -EFAULT);
	assert_true(host_log_contains("acpi: RSDT at 0xfffff000 cannot be mapped"));
	assert_true(host_log_contains("no usable RSDT or XSDT"));
	assert_info_empty(&f->info);
}

static void test_rsdt_wrong_signature(void **state)
{
	struct fx *f = *state;
	paddr_t rsdt = build_bios_platform(f);

	memcpy(fm_ptr(&f->fm, rsdt), "RSD\x01", 4);
	sdt_seal(&f->fm, rsdt, 36 + 8);
	make_rsdp(f->rsdp, 0, (u32)rsdt, 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("expected RSDT at 0x"));
	assert_true(host_log_contains("found signature 'RSD?'"));
	assert_info_empty(&f->info);
}

static void test_bad_madt_checksum(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	add_pc_madt_entries(&f->mb);
	t[0] = build_madt(&f->fm, &f->mb);
	fm_ptr(&f->fm, t[0])[44 + 3] = 5;	/* first CPU's APIC ID, after sealing */
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EIO);
	assert_true(host_log_contains("acpi: APIC at 0x"));
	assert_true(host_log_contains("has a bad checksum"));
	assert_info_empty(&f->info);
}

/* The last entry says 16 bytes but the table ends 8 bytes in. */
static void test_truncated_madt_entry(void **state)
{
	struct fx *f = *state;
	u8 cut[8] = { 9, 16, 0, 0, 5, 0, 0, 0 };
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_lapic(&f->mb, 1, 1, 1);
	mb_raw(&f->mb, cut, sizeof(cut));
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("MADT entry at offset 60 (type 9, length 16) runs past the table end at 68"));
	/* The two good CPUs before it are not kept either. */
	assert_info_empty(&f->info);
}

/* A type 0 entry claiming 6 bytes would make the parser read flags from
 * the next entry. */
static void test_madt_entry_shorter_than_type(void **state)
{
	struct fx *f = *state;
	u8 small[6] = { 0, 6, 1, 1, 1, 0 };
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_raw(&f->mb, small, sizeof(small));
	mb_ioapic(&f->mb, 0, 0xfec00000, 0);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("MADT entry at offset 52: type 0 needs 8 bytes, has 6"));
	assert_info_empty(&f->info);
}

static void test_madt_entry_length_zero(void **state)
{
	struct fx *f = *state;
	u8 zero[4] = { 0x7f, 0, 0, 0 };
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_raw(&f->mb, zero, sizeof(zero));
	mb_lapic(&f->mb, 1, 1, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("MADT entry at offset 52 (type 127) has length 0, below 2"));
	assert_info_empty(&f->info);
}

/* One byte left over after the last entry is not an entry header. */
static void test_madt_stray_byte(void **state)
{
	struct fx *f = *state;
	u8 stray = 0;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_raw(&f->mb, &stray, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("MADT has a stray byte at offset 52"));
	assert_info_empty(&f->info);
}

static void test_madt_shorter_than_fixed_part(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	t[0] = sdt_new(&f->fm, "APIC", 40, 4);
	sdt_seal(&f->fm, t[0], 40);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("MADT is 40 bytes, shorter than its fixed part (44)"));
	assert_info_empty(&f->info);
}

/* Unknown entry types are stepped over by their length. */
static void test_madt_unknown_types_skipped(void **state)
{
	struct fx *f = *state;
	u8 gicc[20] = { 0x0b, 20 };
	u8 future[3] = { 0x99, 3, 0xff };
	paddr_t t[1];

	mb_raw(&f->mb, gicc, sizeof(gicc));
	mb_lapic(&f->mb, 0, 3, 1);
	mb_raw(&f->mb, future, sizeof(future));
	mb_lapic(&f->mb, 1, 4, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 2);
	assert_int_equal(f->info.cpus[0].apic_id, 3);
	assert_int_equal(f->info.cpus[1].apic_id, 4);
}

static void test_madt_missing(void **state)
{
	struct fx *f = *state;
	struct fadt_opts fo = { .len = 116, .pm_tmr_blk = 0x408, .pm_tmr_len = 4 };
	paddr_t t[2];

	t[0] = build_fadt(&f->fm, &fo);
	t[1] = build_hpet(&f->fm, 0, 0xfed00000);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 2), 0);
	assert_int_equal(run(f, 20), -ENODEV);
	assert_true(host_log_contains("acpi: no MADT (APIC) table in the RSDT"));
	assert_info_empty(&f->info);
}

/* x2APIC IDs beyond 255 with gaps, mixed with an xAPIC entry. */
static void test_x2apic_ids(void **state)
{
	struct fx *f = *state;
	static const u32 ids[] = { 256, 300, 1000, 0x12345 };
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	for (u32 i = 0; i < ARRAY_SIZE(ids); i++)
		mb_x2apic(&f->mb, ids[i], 1, 100 + i);
	mb_x2apic_nmi(&f->mb, 0, 0xffffffff, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 2, 0, build_root(&f->fm, "XSDT", t, 1));
	assert_int_equal(run(f, 36), 0);

	assert_int_equal(f->info.ncpus, 5);
	assert_int_equal(f->info.cpus[0].apic_id, 0);
	assert_false(f->info.cpus[0].x2apic_entry);
	for (u32 i = 0; i < ARRAY_SIZE(ids); i++) {
		assert_int_equal(f->info.cpus[1 + i].apic_id, ids[i]);
		assert_int_equal(f->info.cpus[1 + i].acpi_uid, 100 + i);
		assert_true(f->info.cpus[1 + i].x2apic_entry);
		assert_true(f->info.cpus[1 + i].enabled);
	}
	assert_int_equal(f->info.lapic_nmi_count, 1);
}

static void test_64_cpus(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	/* Two per core: APIC IDs 0,1 4,5 8,9 ... */
	for (u32 i = 0; i < 64; i++)
		mb_lapic(&f->mb, (u8)i, (u8)((i / 2) * 4 + (i & 1)), 1);
	for (u32 i = 0; i < 64; i++)
		mb_lapic_nmi(&f->mb, (u8)i, 5, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 64);
	for (u32 i = 0; i < 64; i++) {
		assert_int_equal(f->info.cpus[i].apic_id, (i / 2) * 4 + (i & 1));
		assert_int_equal(f->info.cpus[i].acpi_uid, i);
	}
	assert_int_equal(f->info.lapic_nmi_count, 64);
	assert_true(host_log_contains("64 CPU(s) (0 disabled)"));
}

/* Disabled entries are counted, not listed; online-capable ones are
 * listed only when the MADT revision defines that bit. */
static void test_disabled_and_online_capable(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_lapic(&f->mb, 1, 1, 0);		/* disabled */
	mb_lapic(&f->mb, 2, 2, 2);		/* online capable */
	mb_x2apic(&f->mb, 400, 0, 3);		/* disabled */
	mb_x2apic(&f->mb, 401, 2, 4);		/* online capable */
	mb_lapic(&f->mb, 5, 0xff, 0);		/* empty slot, common in firmware */
	t[0] = build_madt_rev(&f->fm, &f->mb, LAPIC_DEFAULT, 1, 5);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);

	assert_int_equal(f->info.ncpus, 3);
	assert_int_equal(f->info.ncpus_disabled, 3);
	assert_int_equal(f->info.cpus[0].apic_id, 0);
	assert_true(f->info.cpus[0].enabled);
	assert_int_equal(f->info.cpus[1].apic_id, 2);
	assert_false(f->info.cpus[1].enabled);
	assert_true(f->info.cpus[1].online_capable);
	assert_int_equal(f->info.cpus[2].apic_id, 401);
	assert_false(f->info.cpus[2].enabled);
	assert_true(f->info.cpus[2].online_capable);
	assert_true(f->info.cpus[2].x2apic_entry);
	assert_false(host_log_contains("not a valid CPU"));
}

/* Before MADT revision 5, bit 1 is reserved: not online capable. */
static void test_online_capable_needs_madt_rev5(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_lapic(&f->mb, 1, 1, 2);
	t[0] = build_madt_rev(&f->fm, &f->mb, LAPIC_DEFAULT, 0, 4);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 1);
	assert_int_equal(f->info.ncpus_disabled, 1);
	assert_false(f->info.pcat_compat);
}

static void test_all_cpus_disabled(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 0);
	mb_lapic(&f->mb, 1, 1, 0);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -ENODEV);
	assert_true(host_log_contains("MADT lists no usable CPU (2 disabled)"));
	assert_info_empty(&f->info);
}

static void test_duplicate_apic_ids(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_lapic(&f->mb, 1, 1, 1);
	mb_lapic(&f->mb, 2, 1, 1);		/* same APIC ID again */
	mb_x2apic(&f->mb, 0, 1, 9);		/* and again, as x2APIC */
	mb_lapic(&f->mb, 3, 2, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 3);
	assert_int_equal(f->info.cpus[1].apic_id, 1);
	assert_int_equal(f->info.cpus[1].acpi_uid, 1);	/* the first one kept */
	assert_int_equal(f->info.cpus[2].apic_id, 2);
	assert_true(host_log_contains("MADT entry at offset 60: APIC ID 1 is listed twice, duplicate dropped"));
	assert_true(host_log_contains("MADT entry at offset 68: APIC ID 0 is listed twice"));
}

static void test_apic_id_ff_not_a_cpu(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_lapic(&f->mb, 1, 0xff, 1);
	mb_x2apic(&f->mb, 0xffffffff, 1, 2);
	mb_x2apic(&f->mb, 0xff, 1, 3);		/* 0xff is a fine x2APIC ID */
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 2);
	assert_int_equal(f->info.cpus[1].apic_id, 0xff);
	assert_true(f->info.cpus[1].x2apic_entry);
	assert_true(host_log_contains("MADT entry at offset 52: APIC ID 0xff is not a valid CPU, skipped"));
	assert_true(host_log_contains("MADT entry at offset 60: APIC ID 0xffffffff is not a valid CPU"));
}

static void test_too_many_cpus(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	for (u32 i = 0; i < ACPI_MAX_CPUS + 6; i++)
		mb_x2apic(&f->mb, i * 2, 1, i);
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 2, 0, build_root(&f->fm, "XSDT", t, 1));
	assert_int_equal(run(f, 36), 0);
	assert_int_equal(f->info.ncpus, ACPI_MAX_CPUS);
	assert_int_equal(f->info.cpus[0].apic_id, 0);
	assert_int_equal(f->info.cpus[ACPI_MAX_CPUS - 1].apic_id, (ACPI_MAX_CPUS - 1) * 2);
	assert_true(host_log_contains("MADT lists 6 more usable CPUs than the limit of 1024, ignored"));
}

static void test_ioapics_and_isos(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	for (u32 i = 0; i < ACPI_MAX_IOAPICS + 1; i++)
		mb_ioapic(&f->mb, (u8)(i + 8), 0xfec00000 + i * 0x1000, i * 24);
	for (u32 i = 0; i < ACPI_MAX_ISOS + 1; i++)
		mb_iso(&f->mb, 0, (u8)i, 100 + i, (u16)(i & 0xf));
	t[0] = build_madt(&f->fm, &f->mb);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);

	assert_int_equal(f->info.nioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(f->info.ioapics[1].id, 9);
	assert_int_equal(f->info.ioapics[1].addr, 0xfec01000);
	assert_int_equal(f->info.ioapics[1].gsi_base, 24);
	assert_int_equal(f->info.ioapics[15].gsi_base, 15 * 24);
	assert_true(host_log_contains("I/O APIC 24 beyond the limit of 16, ignored"));

	assert_int_equal(f->info.nisos, ACPI_MAX_ISOS);
	assert_int_equal(f->info.isos[31].source_irq, 31);
	assert_int_equal(f->info.isos[31].gsi, 131);
	assert_int_equal(f->info.isos[31].flags, 0xf);
	assert_true(host_log_contains("override of IRQ 32 beyond the limit of 32, ignored"));
}

static void test_lapic_override(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic_override(&f->mb, 0x1fee00000ULL);	/* before the CPUs: order must not matter */
	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = build_madt_rev(&f->fm, &f->mb, 0xfee00000, 1, 4);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.lapic_addr, 0x1fee00000ULL);
}

static void test_lapic_address_zero(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	mb_lapic_override(&f->mb, 0);
	t[0] = build_madt_rev(&f->fm, &f->mb, 0, 1, 4);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("local APIC address override is 0, ignored"));
	assert_true(host_log_contains("MADT gives no local APIC address"));
	assert_info_empty(&f->info);
}

/* Runs a platform with one CPU and the given FADT. */
static int run_with_fadt(struct fx *f, const struct fadt_opts *fo)
{
	paddr_t t[2];

	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	t[1] = build_fadt(&f->fm, fo);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 2), 0);
	return run(f, 20);
}

static void test_fadt_pm_timer_legacy(void **state)
{
	struct fx *f = *state;
	/* ACPI 1.0 size, 32-bit timer. */
	struct fadt_opts fo = { .len = 116, .pm_tmr_blk = 0x808, .pm_tmr_len = 4, .flags = 1u << 8 };

	assert_int_equal(run_with_fadt(f, &fo), 0);
	assert_true(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0x808);
	assert_true(f->info.pm_timer_32bit);
	assert_true(host_log_contains("PM timer at port 0x808, 32 bits"));
}

static void test_fadt_x_pm_timer_in_memory_uses_legacy(void **state)
{
	struct fx *f = *state;
	struct fadt_opts fo = {
		.len = 276, .pm_tmr_blk = 0x608, .pm_tmr_len = 4,
		.x_space = 0, .x_addr = 0xfed80008,
	};

	assert_int_equal(run_with_fadt(f, &fo), 0);
	assert_int_equal(f->info.pm_timer_port, 0x608);
	assert_false(f->info.pm_timer_32bit);
	assert_true(host_log_contains("X_PM_TMR_BLK (space 0, address 0xfed80008) is not an I/O port"));
}

static void test_fadt_no_pm_timer(void **state)
{
	struct fx *f = *state;
	/* PM_TMR_LEN 0 means there is no timer, whatever PM_TMR_BLK says. */
	struct fadt_opts fo = { .len = 244, .pm_tmr_blk = 0x608, .pm_tmr_len = 0, .flags = 1u << 8 };

	assert_int_equal(run_with_fadt(f, &fo), 0);
	assert_true(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0);
	assert_false(f->info.pm_timer_32bit);
	assert_true(host_log_contains("FADT PM_TMR_LEN is 0, not 4: no PM timer"));
}

static void test_fadt_hw_reduced(void **state)
{
	struct fx *f = *state;
	struct fadt_opts fo = { .len = 276, .pm_tmr_blk = 0x608, .pm_tmr_len = 4,
				.flags = (1u << 20) | (1u << 8) };

	assert_int_equal(run_with_fadt(f, &fo), 0);
	assert_true(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0);
	assert_false(f->info.pm_timer_32bit);
}

/* A broken FADT costs the PM timer, not the boot. */
static void test_fadt_bad_checksum_skipped(void **state)
{
	struct fx *f = *state;
	struct fadt_opts fo = { .len = 276, .pm_tmr_blk = 0x608, .pm_tmr_len = 4 };
	paddr_t t[2];

	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	t[1] = build_fadt(&f->fm, &fo);
	fm_ptr(&f->fm, t[1])[76] = 0x10;
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 2), 0);
	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 1);
	assert_false(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0);
	assert_true(host_log_contains("acpi: FACP at 0x"));
	assert_true(host_log_contains("(276 bytes) has a bad checksum"));
	assert_true(host_log_contains("FADT skipped, no PM timer from it"));
}

static void test_fadt_too_short(void **state)
{
	struct fx *f = *state;
	paddr_t t[2];

	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	t[1] = sdt_new(&f->fm, "FACP", 80, 1);
	put32(fm_ptr(&f->fm, t[1]) + 76, 0x608);
	sdt_seal(&f->fm, t[1], 80);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 2), 0);
	assert_int_equal(run(f, 20), 0);
	assert_false(f->info.has_fadt);
	assert_int_equal(f->info.pm_timer_port, 0);
	assert_true(host_log_contains("FADT is only 80 bytes, too short for the PM timer fields, skipped"));
}

/* The MADT is the last table and claims 4 KiB more than memory holds. */
static void test_madt_length_beyond_memory(void **state)
{
	struct fx *f = *state;
	paddr_t t[1], rsdt;

	mb_lapic(&f->mb, 0, 0, 1);
	rsdt = fm_alloc(&f->fm, 36 + 4);	/* RSDT before the MADT */
	t[0] = build_madt(&f->fm, &f->mb);
	put32(fm_ptr(&f->fm, t[0]) + 4, 44 + 8 + 4096);
	sdt_seal(&f->fm, t[0], 44 + 8);
	memcpy(fm_ptr(&f->fm, rsdt), fm_ptr(&f->fm, build_root(&f->fm, "RSDT", t, 1)), 40);
	f->fm.used = (size_t)(t[0] - f->fm.base) + 44 + 8;	/* memory ends with the MADT */
	make_rsdp(f->rsdp, 0, (u32)rsdt, 0);

	assert_int_equal(run(f, 20), -EFAULT);
	assert_true(host_log_contains("acpi: APIC at 0x"));
	assert_true(host_log_contains("its 4148 bytes cannot be mapped"));
	assert_int_equal(f->fm.max_map_len, 4148);
	assert_info_empty(&f->info);
}

/* A FADT whose length runs past memory is skipped; the MADT still counts. */
static void test_fadt_length_beyond_memory(void **state)
{
	struct fx *f = *state;
	struct fadt_opts fo = { .len = 116, .pm_tmr_blk = 0x608, .pm_tmr_len = 4 };
	paddr_t t[2];

	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	t[1] = build_fadt(&f->fm, &fo);
	put32(fm_ptr(&f->fm, t[1]) + 4, 276);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 2), 0);
	/* Memory ends with the RSDT, well short of the FADT's claimed 276 bytes. */
	assert_true(t[1] + 276 > f->fm.base + f->fm.used);

	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 1);
	assert_false(f->info.has_fadt);
	assert_true(host_log_contains("FACP at 0x"));
	assert_true(host_log_contains("its 276 bytes cannot be mapped"));
	assert_true(host_log_contains("FADT skipped"));
}

/* A length of 16 MiB is refused before anything that large is mapped. */
static void test_absurd_table_length(void **state)
{
	struct fx *f = *state;
	paddr_t t[1];

	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	put32(fm_ptr(&f->fm, t[0]) + 4, 16u << 20);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 1), 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("has an implausible length of 16777216 bytes (allowed 36..1048576)"));
	assert_true(f->fm.max_map_len <= 4096);
	assert_info_empty(&f->info);
}

static void test_table_length_below_header(void **state)
{
	struct fx *f = *state;
	paddr_t rsdt;

	rsdt = build_root(&f->fm, "RSDT", NULL, 0);
	put32(fm_ptr(&f->fm, rsdt) + 4, 20);
	make_rsdp(f->rsdp, 0, (u32)rsdt, 0);
	assert_int_equal(run(f, 20), -EINVAL);
	assert_true(host_log_contains("RSDT at 0x"));
	assert_true(host_log_contains("implausible length of 20 bytes"));
	assert_info_empty(&f->info);
}

/* Null and unmappable RSDT entries, a partial entry, a second MADT. */
static void test_rsdt_odd_entries(void **state)
{
	struct fx *f = *state;
	paddr_t t[4], rsdt;
	u8 *p;

	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = 0;
	t[1] = 0xfffff000;
	t[2] = build_madt(&f->fm, &f->mb);
	mb_lapic(&f->mb, 1, 1, 1);
	t[3] = build_madt(&f->fm, &f->mb);
	/* Build with room for a 3-byte tail, which is not a whole entry. */
	rsdt = sdt_new(&f->fm, "RSDT", 36 + 16 + 3, 1);
	p = fm_ptr(&f->fm, rsdt);
	for (int i = 0; i < 4; i++)
		put32(p + 36 + i * 4, (u32)t[i]);
	sdt_seal(&f->fm, rsdt, 36 + 16 + 3);
	make_rsdp(f->rsdp, 0, (u32)rsdt, 0);

	assert_int_equal(run(f, 20), 0);
	assert_int_equal(f->info.ncpus, 1);		/* the first MADT */
	assert_true(host_log_contains("RSDT length 55 ends in a partial entry, ignored"));
	assert_true(host_log_contains("RSDT entry 0 is null, skipped"));
	assert_true(host_log_contains("RSDT entry 1 (0xfffff000) cannot be mapped, skipped"));
	assert_true(host_log_contains("second APIC table at 0x"));
}

static void test_hpet_not_memory(void **state)
{
	struct fx *f = *state;
	paddr_t t[2];

	mb_lapic(&f->mb, 0, 0, 1);
	t[0] = build_madt(&f->fm, &f->mb);
	t[1] = build_hpet(&f->fm, 1, 0x1234);
	make_rsdp(f->rsdp, 0, (u32)build_root(&f->fm, "RSDT", t, 2), 0);
	assert_int_equal(run(f, 20), 0);
	assert_false(f->info.has_hpet);
	assert_int_equal(f->info.hpet_addr, 0);
	assert_true(host_log_contains("HPET base (space 1, address 0x1234) is not a memory address, skipped"));
}

static void test_null_arguments(void **state)
{
	struct fx *f = *state;

	assert_int_equal(acpi_parse(NULL, 20, fake_map, &f->fm, &f->info), -EINVAL);
	assert_info_empty(&f->info);
	assert_int_equal(acpi_parse(f->rsdp, 20, NULL, NULL, &f->info), -EINVAL);
	assert_int_equal(acpi_parse(f->rsdp, 20, fake_map, &f->fm, NULL), -EINVAL);
	assert_true(host_log_contains("no RSDP or no way to map tables"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_checksum),
		T(test_v1_rsdt_bios),
		T(test_v2_xsdt_uefi),
		T(test_xsdt_tables_above_4g),
		T(test_bad_rsdp_checksum),
		T(test_bad_extended_checksum),
		T(test_bad_rsdp_signature),
		T(test_rsdp_too_short),
		T(test_v2_rsdp_truncated_copy_uses_rsdt),
		T(test_xsdt_bad_checksum_falls_back_to_rsdt),
		T(test_xsdt_unmappable_falls_back_to_rsdt),
		T(test_v2_without_xsdt_uses_rsdt),
		T(test_xsdt_bad_and_no_rsdt),
		T(test_rsdt_outside_memory),
		T(test_rsdt_wrong_signature),
		T(test_bad_madt_checksum),
		T(test_truncated_madt_entry),
		T(test_madt_entry_shorter_than_type),
		T(test_madt_entry_length_zero),
		T(test_madt_stray_byte),
		T(test_madt_shorter_than_fixed_part),
		T(test_madt_unknown_types_skipped),
		T(test_madt_missing),
		T(test_x2apic_ids),
		T(test_64_cpus),
		T(test_disabled_and_online_capable),
		T(test_online_capable_needs_madt_rev5),
		T(test_all_cpus_disabled),
		T(test_duplicate_apic_ids),
		T(test_apic_id_ff_not_a_cpu),
		T(test_too_many_cpus),
		T(test_ioapics_and_isos),
		T(test_lapic_override),
		T(test_lapic_address_zero),
		T(test_fadt_pm_timer_legacy),
		T(test_fadt_x_pm_timer_in_memory_uses_legacy),
		T(test_fadt_no_pm_timer),
		T(test_fadt_hw_reduced),
		T(test_fadt_bad_checksum_skipped),
		T(test_fadt_too_short),
		T(test_madt_length_beyond_memory),
		T(test_fadt_length_beyond_memory),
		T(test_absurd_table_length),
		T(test_table_length_below_header),
		T(test_rsdt_odd_entries),
		T(test_hpet_not_memory),
		T(test_null_arguments),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
