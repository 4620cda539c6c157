/* tests/host/test_acpi_pm.c - vmm/dev/acpi_pm_core.c: the PM timer's rate
 * and width, PM1 registers at every width and offset, S5 power-off and
 * other sleep types, SLP_EN and SCI_EN as read, the reset register. */
#include "tests/host/host_support.h"
#include "vmm/dev/acpi_pm_core.h"
#include "hw/acpi.h"

#define TSC_HZ	2000000000ULL	/* 2 GHz */

static struct acpi_pm pm;

static int setup(void **state)
{
	acpi_pm_init(&pm, 5, true, 0x06);
	return 0;
}

static void test_timer_rate(void **state)
{
	/* One second of TSC is 3579545 ticks, at any starting point. */
	u64 t0 = 123456789ULL * 1000;
	u32 a = acpi_pm_timer_count(&pm, t0, TSC_HZ);
	u32 b = acpi_pm_timer_count(&pm, t0 + TSC_HZ, TSC_HZ);
	assert_int_equal((u32)(b - a), ACPI_PM_TIMER_HZ);
	assert_int_equal(acpi_pm_timer_count(&pm, 0, TSC_HZ), 0);
	assert_int_equal(acpi_pm_timer_count(&pm, TSC_HZ, 0), 0);	/* rate unknown */
}

static void test_timer_width(void **state)
{
	/* 2^24 ticks later a 24-bit timer reads the same, a 32-bit one not. */
	u64 t = 7 * TSC_HZ;
	u64 wrap24 = (1ULL << 24) * TSC_HZ / ACPI_PM_TIMER_HZ;
	struct acpi_pm p24;
	acpi_pm_init(&p24, 5, false, 0x06);
	assert_true(acpi_pm_timer_count(&p24, t, TSC_HZ) < (1u << 24));
	assert_true(acpi_pm_timer_count(&pm, t, TSC_HZ) >= (1u << 24));
	u32 a = acpi_pm_timer_count(&p24, t, TSC_HZ);
	u32 b = acpi_pm_timer_count(&p24, t + wrap24, TSC_HZ);
	assert_true(((b - a) & 0xffffff) <= 1 || ((a - b) & 0xffffff) <= 1);
}

static void test_timer_read_any_width(void **state)
{
	u32 timer = 0x89abcdef;
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 4, timer), 0x89abcdef);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 2, timer), 0xcdef);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR + 1, 1, timer), 0xcd);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR + 2, 4, timer), 0x89ab);	/* past: 0 */
	/* the timer ignores writes */
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_TMR, 4, 0), ACPI_PM_NONE);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 4, timer), 0x89abcdef);
}

static void test_pm1_registers(void **state)
{
	/* Reset: no status, nothing enabled, SCI_EN set (no SMI_CMD). */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_STS, 4, 0), 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_CNT, 2, 0), ACPI_PM1_CNT_SCI_EN);
	/* PM1_EN keeps only its defined bits; a 32-bit write of the event
	 * block reaches both halves (STS write-1-to-clear: nothing to clear). */
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_STS, 4, 0xffffffff), ACPI_PM_NONE);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_STS, 4, 0), ACPI_PM1_EN_MASK << 16);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_EN + 1, 1, 0), ACPI_PM1_EN_MASK >> 8);
	/* SCI_EN cannot be cleared; SLP_TYP reads back, SLP_EN does not. */
	u32 s3 = 3u << ACPI_PM1_CNT_SLP_TYP_SHIFT;
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_CNT, 2, s3), ACPI_PM_NONE);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_CNT, 2, 0), s3 | ACPI_PM1_CNT_SCI_EN);
	/* gap bytes 6-7 read 0 */
	assert_int_equal(acpi_pm_read(&pm, 6, 2, 0), 0);
}

static void test_sleep(void **state)
{
	u32 s5 = 5u << ACPI_PM1_CNT_SLP_TYP_SHIFT;
	u32 s3 = 3u << ACPI_PM1_CNT_SLP_TYP_SHIFT;
	/* A sleep type the DSDT does not offer: nothing happens. */
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_CNT, 2, s3 | ACPI_PM1_CNT_SLP_EN), ACPI_PM_NONE);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_CNT, 2, 0) & ACPI_PM1_CNT_SLP_EN, 0);
	/* S5 without SLP_EN: only the type is set. */
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_CNT, 2, s5), ACPI_PM_NONE);
	/* S5 with SLP_EN, as a 16-bit write ... */
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_CNT, 2, s5 | ACPI_PM1_CNT_SLP_EN),
			 ACPI_PM_POWEROFF);
	/* ... or as a byte write of the high half after the type is set */
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_CNT + 1, 1, (s5 | ACPI_PM1_CNT_SLP_EN) >> 8),
			 ACPI_PM_POWEROFF);
	/* ... or a 32-bit write of the event block's end and the control block */
	assert_int_equal(acpi_pm_write(&pm, ACPI_PM_EN, 4, (s5 | ACPI_PM1_CNT_SLP_EN) << 16),
			 ACPI_PM_POWEROFF);
}

static void test_reset_register(void **state)
{
	assert_int_equal(acpi_pm_reset_write(&pm, 0x06), ACPI_PM_RESET);
	assert_int_equal(acpi_pm_reset_write(&pm, 0x02), ACPI_PM_NONE);
	assert_int_equal(acpi_pm_reset_write(&pm, 0x00), ACPI_PM_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_timer_rate, setup),
		cmocka_unit_test_setup(test_timer_width, setup),
		cmocka_unit_test_setup(test_timer_read_any_width, setup),
		cmocka_unit_test_setup(test_pm1_registers, setup),
		cmocka_unit_test_setup(test_sleep, setup),
		cmocka_unit_test_setup(test_reset_register, setup),
	};
	return cmocka_run_group_tests_name("acpi_pm", tests, NULL, NULL);
}
