/* tests/host/test_acpi_madt.c - drivers/acpi_tables.c reading the MADT:
 * broken and truncated entries, unknown entry types, a missing MADT, xAPIC
 * and x2APIC CPUs (disabled, online capable, duplicate and invalid IDs, the
 * CPU limit), I/O APICs and interrupt source overrides, and the local APIC
 * address and its override.  The fake memory and builders are in
 * acpi_fixtures.h. */
#include "tests/host/acpi_fixtures.h"

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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests_name("acpi_madt", tests, NULL, NULL);
}
