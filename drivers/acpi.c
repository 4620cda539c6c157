/* drivers/acpi.c - hands the multiboot2 RSDP copy to the ACPI table parser
 * with a map callback that reads physical memory through the direct map,
 * and keeps the result in the global `acpi`.  Called once by
 * platform_init() on the boot CPU.  The firmware's BIOS areas are never
 * scanned for an RSDP: without the loader's tag there is no ACPI. */
#include "drivers/acpi.h"
#include "kernel/mb2.h"
#include "kernel/printk.h"
#include "mm/vmm.h"

struct acpi_info acpi;
bool acpi_valid;

/* Tables are read in place; everything below hhdm_limit is mapped, so a
 * range is readable exactly when it ends there or before. */
static const void *acpi_map_direct(void *ctx, paddr_t pa, size_t len)
{
	(void)ctx;
	if (len == 0 || pa >= hhdm_limit || len > hhdm_limit - pa)
		return NULL;
	return phys_to_virt(pa);
}

int acpi_init(const struct boot_info *bi)
{
	int err = -ENOENT;

	if (bi->rsdp_v2) {
		err = acpi_parse(bi->rsdp_v2, bi->rsdp_v2_len, acpi_map_direct, NULL, &acpi);
		if (err && bi->rsdp_v1)
			pr_warn("acpi: the ACPI 2.0 RSDP led nowhere; trying the ACPI 1.0 copy\n");
	}
	if (err && bi->rsdp_v1)
		err = acpi_parse(bi->rsdp_v1, bi->rsdp_v1_len, acpi_map_direct, NULL, &acpi);
	if (!bi->rsdp_v1 && !bi->rsdp_v2)
		pr_err("acpi: the boot loader passed no RSDP (multiboot2 tags 14 and 15)\n");
	acpi_valid = err == 0;
	if (!acpi_valid)
		pr_err("acpi: no usable tables: no I/O APIC, no PM timer, the boot CPU runs alone\n");
	return err;
}
