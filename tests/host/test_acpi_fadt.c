/* tests/host/test_acpi_fadt.c - drivers/acpi_tables.c reading the FADT
 * and the HPET table: the PM timer from PM_TMR_BLK and X_PM_TMR_BLK, no
 * timer, hardware-reduced ACPI, and a FADT that is short, has a bad
 * checksum or runs past memory (skipped, the boot goes on); an HPET base
 * outside memory space.  The fake memory and builders are in
 * acpi_fixtures.h. */
#include "tests/host/acpi_fixtures.h"

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

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fadt_pm_timer_legacy),
		T(test_fadt_x_pm_timer_in_memory_uses_legacy),
		T(test_fadt_no_pm_timer),
		T(test_fadt_hw_reduced),
		T(test_fadt_bad_checksum_skipped),
		T(test_fadt_too_short),
		T(test_fadt_length_beyond_memory),
		T(test_hpet_not_memory),
	};

	return cmocka_run_group_tests_name("acpi_fadt", tests, NULL, NULL);
}
