/* drivers/acpi_tables.h - the parser that turns the static ACPI tables
 * svmhv reads at boot (RSDP, RSDT/XSDT, MADT, FADT, HPET; their layouts
 * are hw/acpi.h) into a struct acpi_info.
 *
 * The parser is pure logic: the caller (the boot code) hands it a copy of
 * the RSDP from the multiboot2 tag and a callback that makes physical
 * ranges readable.  Everything read from firmware is treated as untrusted
 * input and bounds-checked; the host unit tests (tests/host/test_acpi_root.c,
 * test_acpi_madt.c, test_acpi_fadt.c) feed it hand-built and corrupted
 * tables. */
#ifndef SVMHV_ACPI_TABLES_H
#define SVMHV_ACPI_TABLES_H

#include "lib/types.h"
#include "hw/acpi.h"

/* Makes [pa, pa + len) readable and returns its address, or NULL if that
 * range cannot be mapped (beyond RAM, say).  Pointers it returns must stay
 * valid until acpi_parse() returns: the parser walks the RSDT while it
 * looks at the tables it points to. */
typedef const void *(*acpi_map_fn)(void *ctx, paddr_t pa, size_t len);

#define ACPI_MAX_CPUS		1024
#define ACPI_MAX_IOAPICS	16
#define ACPI_MAX_ISOS		32

struct acpi_cpu {
	u32 apic_id;		/* x2APIC IDs may exceed 255 and have gaps */
	u32 acpi_uid;
	bool x2apic_entry;	/* came from a type 9 entry */
	bool enabled;		/* running now; else online-capable, may be started */
	bool online_capable;
};

struct acpi_ioapic {
	u32 id;
	u32 addr;
	u32 gsi_base;
};

struct acpi_iso {
	u8 bus, source_irq;
	u32 gsi;
	u16 flags;
};

struct acpi_info {
	u8 revision;			/* RSDP revision */
	bool xsdt_used;
	char oem_id[7];			/* RSDP OEM ID, NUL-terminated */

	u64 lapic_addr;			/* MADT field, or the type 5 override */
	bool pcat_compat;		/* dual 8259 present */

	/* Usable CPUs (enabled or online-capable) in MADT order; a second
	 * entry with an APIC ID already seen is dropped with a warning. */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	u32 ncpus;
	u32 ncpus_disabled;		/* entries with neither flag set */

	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	u32 nioapics;
	struct acpi_iso isos[ACPI_MAX_ISOS];
	u32 nisos;
	u32 lapic_nmi_count;		/* type 4 and type 0xa entries */

	bool has_fadt;
	u32 pm_timer_port;		/* 0: no usable PM timer */
	bool pm_timer_32bit;		/* TMR_VAL_EXT */

	bool has_hpet;
	u64 hpet_addr;
};

/* Parses the tables reachable from the RSDP copy `rsdp` (`rsdp_len` bytes:
 * 20 for a v1 copy, 36 for v2).  Returns 0, or a negative error after a
 * pr_err saying what was wrong (bad RSDP, no usable RSDT/XSDT, missing or
 * corrupt MADT, no usable CPU in it).  On failure *out is zeroed (ncpus 0)
 * and the caller runs on the boot CPU alone.  A corrupt FADT or HPET table
 * only costs a warning and that table's fields. */
int acpi_parse(const u8 *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out);

/* 1 when the `len` bytes at p sum to zero modulo 256, else 0. */
int acpi_checksum_ok(const void *p, size_t len);

#endif
