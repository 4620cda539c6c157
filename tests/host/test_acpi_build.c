/* tests/host/test_acpi_build.c - vmm/dev/acpi_build.c: every checksum, the
 * fields read back at their byte offsets from the ACPI 6.5 tables (not
 * through hw/acpi.h's structs), svmhv's own parser (drivers/acpi_tables.c)
 * run over the result, the kvm-unit-tests way of finding the PM timer
 * (scan 0xe0000-0xfffff for the RSDP, no checksums), and the DSDT's AML. */
#include "tests/host/host_support.h"
#include <string.h>
#include "vmm/dev/acpi_build.h"
#include "drivers/acpi_tables.h"

#define BIOS_AREA	0xe0000ULL
#define BIOS_AREA_LEN	0x20000

static u8 *mem;				/* guest bytes 0xe0000..0xfffff */
static struct acpi_info *info;		/* big: on the heap */

static u16 get16(const u8 *p) { return (u16)(p[0] | p[1] << 8); }
static u32 get32(const u8 *p) { return get16(p) | (u32)get16(p + 2) << 16; }
static u64 get64(const u8 *p) { return get32(p) | (u64)get32(p + 4) << 32; }

static u8 sum8(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

static u8 *at(paddr_t pa)
{
	assert_true(pa >= BIOS_AREA && pa < BIOS_AREA + BIOS_AREA_LEN);
	return mem + (pa - BIOS_AREA);
}

static const void *map_bios(void *ctx, paddr_t pa, size_t len)
{
	if (pa < BIOS_AREA || pa - BIOS_AREA > BIOS_AREA_LEN || len > BIOS_AREA_LEN - (pa - BIOS_AREA))
		return NULL;
	return mem + (pa - BIOS_AREA);
}

static int setup(void **state)
{
	mem = calloc(1, BIOS_AREA_LEN);
	info = calloc(1, sizeof(*info));
	assert_non_null(mem);
	assert_non_null(info);
	host_log_reset();
	return 0;
}

static int teardown(void **state)
{
	free(mem);
	free(info);
	return 0;
}

static struct acpi_build_cfg pc_cfg(u32 ncpus)
{
	return (struct acpi_build_cfg){
		.ncpus = ncpus,
		.ioapic_id = (u8)ncpus,
		.pcat_compat = true,
		.sci_override = true,
		.sci_irq = 9,
		.pm1a_evt_port = 0x600,
		.pm1a_cnt_port = 0x604,
		.pm_tmr_port = 0x608,
		.pm_tmr_32bit = true,
		.reset_port = 0xcf9,
		.reset_value = 0x06,
		.sleep_ctl_port = 0x60c,
		.sleep_sts_port = 0x60d,
		.s5_slp_typ = 5,
		.iapc_boot_arch = ACPI_IAPC_VGA_NOT_PRESENT,
	};
}

static void build(const struct acpi_build_cfg *cfg, struct acpi_build_out *out)
{
	assert_int_equal(acpi_build(cfg, mem, BIOS_AREA_LEN, BIOS_AREA, out), 0);
	assert_true(out->len <= acpi_build_size(cfg->ncpus));
}

static void check_table(paddr_t pa, const char *sig)
{
	u8 *t = at(pa);
	u32 len = get32(t + 4);

	assert_memory_equal(t, sig, 4);
	assert_true(len >= 36);
	assert_int_equal(sum8(t, len), 0);
	assert_true(IS_ALIGNED(pa, 16));
}

static void test_checksums_and_pointers(void **state)
{
	struct acpi_build_cfg cfg = pc_cfg(2);
	struct acpi_build_out o;
	u8 *r, *x, *rs, *f, *fc;

	build(&cfg, &o);
	assert_int_equal(o.rsdp, BIOS_AREA);
	r = at(o.rsdp);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(r[15], 2);				/* revision */
	assert_int_equal(sum8(r, 20), 0);
	assert_int_equal(get32(r + 20), 36);
	assert_int_equal(sum8(r, 36), 0);
	assert_int_equal(get32(r + 16), o.rsdt);
	assert_int_equal(get64(r + 24), o.xsdt);

	check_table(o.xsdt, "XSDT");
	check_table(o.rsdt, "RSDT");
	check_table(o.fadt, "FACP");
	check_table(o.madt, "APIC");
	check_table(o.dsdt, "DSDT");
	x = at(o.xsdt);
	assert_int_equal(get32(x + 4), 36 + 16);
	assert_int_equal(get64(x + 36), o.fadt);
	assert_int_equal(get64(x + 44), o.madt);
	rs = at(o.rsdt);
	assert_int_equal(get32(rs + 4), 36 + 8);
	assert_int_equal(get32(rs + 36), o.fadt);
	assert_int_equal(get32(rs + 40), o.madt);

	fc = at(o.facs);
	assert_memory_equal(fc, "FACS", 4);
	assert_int_equal(get32(fc + 4), 64);
	assert_true(IS_ALIGNED(o.facs, 64));

	f = at(o.fadt);
	assert_int_equal(get32(f + 4), 276);
	assert_true(f[8] >= 5);					/* revision */
	assert_int_equal(get32(f + 36), o.facs);		/* FIRMWARE_CTRL */
	assert_int_equal(get32(f + 40), o.dsdt);		/* DSDT */
	assert_int_equal(get64(f + 132), o.facs);		/* X_FIRMWARE_CTRL */
	assert_int_equal(get64(f + 140), o.dsdt);		/* X_DSDT */
}

static void test_fadt_fields(void **state)
{
	struct acpi_build_cfg cfg = pc_cfg(1);
	struct acpi_build_out o;
	u8 *f;
	u32 flags;

	build(&cfg, &o);
	f = at(o.fadt);
	assert_int_equal(get16(f + 46), 9);			/* SCI_INT */
	assert_int_equal(get32(f + 48), 0);			/* SMI_CMD */
	assert_int_equal(get32(f + 56), 0x600);			/* PM1a_EVT_BLK */
	assert_int_equal(get32(f + 64), 0x604);			/* PM1a_CNT_BLK */
	assert_int_equal(get32(f + 76), 0x608);			/* PM_TMR_BLK */
	assert_int_equal(f[88], 4);				/* PM1_EVT_LEN */
	assert_int_equal(f[89], 2);				/* PM1_CNT_LEN */
	assert_int_equal(f[91], 4);				/* PM_TMR_LEN */
	assert_int_equal(get16(f + 109), ACPI_IAPC_VGA_NOT_PRESENT);
	flags = get32(f + 112);
	assert_true(flags & BIT(8));				/* TMR_VAL_EXT */
	assert_true(flags & BIT(10));				/* RESET_REG_SUP */
	assert_false(flags & BIT(20));				/* HW_REDUCED_ACPI */
	/* RESET_REG: I/O, 8 bits, at 0xcf9; RESET_VALUE 6. */
	assert_int_equal(f[116], 1);
	assert_int_equal(f[117], 8);
	assert_int_equal(get64(f + 120), 0xcf9);
	assert_int_equal(f[128], 6);
	assert_int_equal(f[131], 5);				/* FADT minor version */
	/* X_PM_TMR_BLK: I/O, 32 bits at 0x608. */
	assert_int_equal(f[208], 1);
	assert_int_equal(f[209], 32);
	assert_int_equal(get64(f + 212), 0x608);
	/* SLEEP_CONTROL_REG and SLEEP_STATUS_REG: I/O, 8 bits. */
	assert_int_equal(f[244], 1);
	assert_int_equal(f[245], 8);
	assert_int_equal(get64(f + 248), 0x60c);
	assert_int_equal(f[256], 1);
	assert_int_equal(get64(f + 260), 0x60d);
}

static void test_hw_reduced_flag(void **state)
{
	struct acpi_build_cfg cfg = pc_cfg(1);
	struct acpi_build_out o;

	cfg.hw_reduced = true;
	cfg.reset_port = 0;
	build(&cfg, &o);
	assert_true(get32(at(o.fadt) + 112) & BIT(20));
	assert_false(get32(at(o.fadt) + 112) & BIT(10));
	assert_int_equal(at(o.fadt)[116], 0);			/* no reset register */
	check_table(o.fadt, "FACP");
}

static void test_own_parser_reads_it(void **state)
{
	static const u8 ids[3] = { 0, 2, 5 };
	struct acpi_build_cfg cfg = pc_cfg(3);
	struct acpi_build_out o;

	cfg.apic_ids = ids;
	build(&cfg, &o);
	assert_int_equal(acpi_parse(at(o.rsdp), 36, map_bios, NULL, info), 0);
	assert_true(info->xsdt_used);
	assert_int_equal(info->revision, 2);
	assert_string_equal(info->oem_id, "SVMHV ");
	assert_int_equal(info->lapic_addr, 0xfee00000u);
	assert_true(info->pcat_compat);
	assert_int_equal(info->ncpus, 3);
	assert_int_equal(info->ncpus_disabled, 0);
	for (u32 i = 0; i < 3; i++) {
		assert_int_equal(info->cpus[i].apic_id, ids[i]);
		assert_int_equal(info->cpus[i].acpi_uid, i);
		assert_true(info->cpus[i].enabled);
	}
	assert_int_equal(info->nioapics, 1);
	assert_int_equal(info->ioapics[0].addr, 0xfec00000u);
	assert_int_equal(info->ioapics[0].gsi_base, 0);
	assert_int_equal(info->ioapics[0].id, 3);
	assert_int_equal(info->nisos, 2);
	assert_int_equal(info->isos[0].source_irq, 0);
	assert_int_equal(info->isos[0].gsi, 2);
	assert_int_equal(info->isos[1].source_irq, 9);
	assert_int_equal(info->isos[1].gsi, 9);
	assert_int_equal(info->isos[1].flags, MPS_TRIGGER_LEVEL | MPS_POLARITY_HIGH);
	assert_int_equal(info->lapic_nmi_count, 1);
	assert_true(info->has_fadt);
	assert_int_equal(info->pm_timer_port, 0x608);
	assert_true(info->pm_timer_32bit);
	assert_false(info->has_hpet);
	/* Nothing to warn about: the log holds only the two summary lines. */
	assert_true(host_log_contains("acpi: revision 2, OEM 'SVMHV ', XSDT: 3 CPU(s) (0 disabled), 1 I/O APIC(s), 2 override(s)"));
	assert_true(host_log_contains("acpi: PM timer at port 0x608, 32 bits\n"));
	{
		int lines = 0;

		for (const char *c = host_log; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, 2);
	}
	/* The RSDT path (an ACPI 1.0 reader) reaches the same tables. */
	memset(info, 0, sizeof(*info));
	at(o.rsdp)[15] = 0;
	at(o.rsdp)[8] = 0;
	at(o.rsdp)[8] = (u8)-sum8(at(o.rsdp), 20);
	assert_int_equal(acpi_parse(at(o.rsdp), 20, map_bios, NULL, info), 0);
	assert_false(info->xsdt_used);
	assert_int_equal(info->ncpus, 3);
	assert_int_equal(info->pm_timer_port, 0x608);
}

static void test_no_sci_override(void **state)
{
	struct acpi_build_cfg cfg = pc_cfg(1);
	struct acpi_build_out o;

	cfg.sci_override = false;
	cfg.pcat_compat = false;
	build(&cfg, &o);
	assert_int_equal(acpi_parse(at(o.rsdp), 36, map_bios, NULL, info), 0);
	assert_int_equal(info->nisos, 1);
	assert_false(info->pcat_compat);
}

/* kvm-unit-tests' lib/acpi.c as docs/kvm-unit-tests.md describes it: scan
 * 0xe0000-0xfffff in 16-byte steps, XSDT if revision >= 2 and non-zero,
 * entries by signature, FACP's PM_TMR_BLK; no checksum checked. */
static void test_kut_style_scan(void **state)
{
	struct acpi_build_cfg cfg = pc_cfg(2);
	struct acpi_build_out o;
	u8 *r = NULL, *x, *fadt = NULL;
	u32 n;

	build(&cfg, &o);
	for (u64 pa = BIOS_AREA; pa < BIOS_AREA + BIOS_AREA_LEN; pa += 16) {
		if (memcmp(at(pa), "RSD PTR ", 8) == 0) {
			r = at(pa);
			break;
		}
	}
	assert_non_null(r);
	assert_true(r[15] >= 2 && get64(r + 24) != 0);
	x = at(get64(r + 24));
	n = (get32(x + 4) - 36) / 8;
	for (u32 i = 0; i < n; i++) {
		u8 *t = at(get64(x + 36 + 8 * i));

		if (memcmp(t, "FACP", 4) == 0)
			fadt = t;
	}
	assert_non_null(fadt);
	assert_int_equal(get32(fadt + 76), 0x608);
}

static void test_dsdt_aml(void **state)
{
	static const u8 want5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				    0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	static const u8 want0[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				    0x00, 0x00, 0x00, 0x00 };
	struct acpi_build_cfg cfg = pc_cfg(1);
	struct acpi_build_out o;
	u8 *d;

	build(&cfg, &o);
	d = at(o.dsdt);
	assert_int_equal(get32(d + 4), 36 + sizeof(want5));
	assert_int_equal(d[8], 2);
	assert_memory_equal(d + 36, want5, sizeof(want5));

	memset(mem, 0, BIOS_AREA_LEN);
	cfg.s5_slp_typ = 0;
	build(&cfg, &o);
	d = at(o.dsdt);
	assert_int_equal(get32(d + 4), 36 + sizeof(want0));
	assert_memory_equal(d + 36, want0, sizeof(want0));
	assert_int_equal(sum8(d, get32(d + 4)), 0);
}

static void test_max_cpus_fit_size(void **state)
{
	struct acpi_build_cfg cfg = pc_cfg(ACPI_BUILD_MAX_CPUS);
	struct acpi_build_out o;
	size_t need = acpi_build_size(ACPI_BUILD_MAX_CPUS);

	/* A base that is 16- but not 64-byte aligned moves the FACS padding;
	 * the worst-case size still covers it. */
	assert_int_equal(acpi_build(&cfg, mem + 0x30, need, BIOS_AREA + 0x30, &o), 0);
	assert_true(o.len <= need);
	assert_true(IS_ALIGNED(o.facs, 64));
	assert_int_equal(acpi_parse(at(o.rsdp), 36, map_bios, NULL, info), 0);
	assert_int_equal(info->ncpus, ACPI_BUILD_MAX_CPUS);
	assert_int_equal(info->cpus[63].apic_id, 63);
	assert_int_equal(acpi_build(&cfg, mem + 0x30, o.len - 1, BIOS_AREA + 0x30, &o), -ENOSPC);
}

static void test_refusals(void **state)
{
	struct acpi_build_cfg cfg = pc_cfg(2);
	struct acpi_build_out o;
	static const u8 dup[2] = { 1, 1 };
	static const u8 bad[2] = { 0, 0xff };

	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, BIOS_AREA + 8, &o), -EINVAL);
	assert_int_equal(acpi_build(&cfg, mem, 100, BIOS_AREA, &o), -ENOSPC);
	/* Tables that would cross 4 GiB: the RSDT could not point at them. */
	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, 0xfffffe00ULL, &o), -EINVAL);
	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, 0x100000000ULL, &o), -EINVAL);
	cfg.apic_ids = dup;
	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, BIOS_AREA, &o), -EINVAL);
	cfg.apic_ids = bad;
	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, BIOS_AREA, &o), -EINVAL);
	cfg.apic_ids = NULL;
	cfg.ncpus = 0;
	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, BIOS_AREA, &o), -EINVAL);
	cfg.ncpus = ACPI_BUILD_MAX_CPUS + 1;
	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, BIOS_AREA, &o), -EINVAL);
	cfg.ncpus = 1;
	cfg.s5_slp_typ = 8;
	assert_int_equal(acpi_build(&cfg, mem, BIOS_AREA_LEN, BIOS_AREA, &o), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checksums_and_pointers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fadt_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hw_reduced_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_parser_reads_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_sci_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kut_style_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dsdt_aml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_cpus_fit_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests_name("acpi_build", tests, NULL, NULL);
}
