/* kernel/platform.h - the machine under the kernel, brought up once on
 * the boot CPU by kernel/boot.c before the scheduler and the other CPUs. */
#ifndef SVMHV_PLATFORM_H
#define SVMHV_PLATFORM_H

/* ACPI tables, the 8259s masked, the boot CPU's local APIC, every I/O
 * APIC entry masked, the TSC and LAPIC timer rates.  Bad or missing tables
 * leave the boot CPU alone. */
struct boot_info;
void platform_init(const struct boot_info *bi);

#endif
