/* drivers/acpi.h - the kernel's copy of what the ACPI tables say (CPUs,
 * I/O APICs, interrupt overrides, PM timer), filled once at boot by
 * acpi_init() from the RSDP copy the multiboot2 loader passed.  The parsing
 * itself is drivers/acpi_tables.c; this is only the kernel glue. */
#ifndef SVMHV_ACPI_H
#define SVMHV_ACPI_H
#include "drivers/acpi_tables.h"

struct boot_info;

/* All zero (ncpus 0) when the tables were missing or unusable. */
extern struct acpi_info acpi;
extern bool acpi_valid;

/* Parses the tables from the ACPI 2.0 RSDP tag, or the 1.0 one when there
 * is no 2.0 tag or it leads nowhere.  Returns 0 or the parser's negative
 * error after saying what was wrong; the caller then runs on the boot CPU
 * alone. */
int acpi_init(const struct boot_info *bi);
#endif
