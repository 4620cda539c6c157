/* tests/host/test_acpi_root.c - drivers/acpi_tables.c finding its tables:
 * the checksum helper, RSDP v1/v2 validation (signature, checksums, short
 * copies), the RSDT/XSDT walk and the fallback from a bad XSDT to the RSDT,
 * odd root entries, table lengths that are implausible or run past memory,
 * and null arguments.  The fake memory and builders are in acpi_fixtures.h. */
#include "tests/host/acpi_fixtures.h"

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
		T(test_madt_length_beyond_memory),
		T(test_absurd_table_length),
		T(test_table_length_below_header),
		T(test_rsdt_odd_entries),
		T(test_null_arguments),
	};

	return cmocka_run_group_tests_name("acpi_root", tests, NULL, NULL);
}
