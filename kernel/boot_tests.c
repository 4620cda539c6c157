/* kernel/boot_tests.c - KTAP suites that check the state the boot path
 * leaves behind (boot information, CPU mode, descriptors), the printf
 * engine, expected-fault recovery, and the deliberate-fault suite. */
#include "kernel/ktest.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/desc.h"
#include "kernel/extable.h"
#include "kernel/ksyms.h"
#include "kernel/mb2.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "kernel/options.h"

static void boot_info_has_memory_map(struct ktest *t)
{
	u64 ram = 0;
	for (u32 i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == 1)
			ram += boot_info.mmap[i].len;
	KT_EXPECT(t, boot_info.mmap_count > 0, "memory map entries, found none");
	KT_EXPECT(t, ram >= (32ULL << 20), "at least 32 MiB of RAM, found %lu bytes", ram);
}

static void boot_info_cmdline_parsed(struct ktest *t)
{
	KT_EXPECT(t, strstr_simple(boot_info.cmdline, "test="), "test= on the command line '%s'",
		  boot_info.cmdline);
	KT_EXPECT(t, kopt.test[0] != 0, "kopt.test set from the command line");
}

static void boot_info_rsdp_present(struct ktest *t)
{
	KT_EXPECT(t, boot_info.rsdp_v1 || boot_info.rsdp_v2,
		  "an ACPI RSDP tag from GRUB, found none");
	if (boot_info.efi_boot)
		KT_EXPECT(t, boot_info.rsdp_v2 != NULL, "UEFI boots carry the ACPI 2.0 RSDP tag");
}

static void cpu_long_mode_state(struct ktest *t)
{
	u64 efer = rdmsr(MSR_EFER);
	KT_EXPECT(t, efer & EFER_LMA, "EFER.LMA set, EFER=%#lx", efer);
	KT_EXPECT(t, read_cr0() & CR0_WP, "CR0.WP set, CR0=%#lx", read_cr0());
	KT_EXPECT(t, read_cr4() & CR4_PAE, "CR4.PAE set");
	if (cpu_info.has_nx)
		KT_EXPECT(t, efer & EFER_NXE, "EFER.NXE set when NX exists");
	extern char kmain[];
	KT_EXPECT(t, (u64)kmain >= 0xFFFFFFFF80000000ULL, "kernel runs in the top 2 GiB, kmain at %p",
		  (void *)kmain);
}

static void cpu_descriptors_loaded(struct ktest *t)
{
	struct percpu *c = this_cpu();
	KT_EXPECT_EQ(t, read_tr(), SEL_TSS);
	KT_EXPECT_EQ(t, rdmsr(MSR_GS_BASE), (u64)c);
	KT_EXPECT(t, c->self == c, "per-CPU self pointer");
	struct desc_ptr g;
	sgdt(&g);
	KT_EXPECT_EQ(t, g.base, (u64)&c->gdt);
	KT_EXPECT(t, c->tss.ist[IST_DF - 1] != 0 && c->tss.ist[IST_NMI - 1] != 0,
		  "double fault and NMI have IST stacks");
}

static void printf_conversions(struct ktest *t)
{
	char b[128];
	ksnprintf(b, sizeof(b), "%d|%5d|%-5d|%05d|%u|%x|%#X|%lx|%s|%.3s|%c|%%|%i", -42, 7, 7, 42,
		  4000000000u, 0xbeef, 0xcafe, 0x123456789abcUL, "str", "abcdef", 'Z', -1);
	const char *want = "-42|    7|7    |00042|4000000000|beef|0XCAFE|123456789abc|str|abc|Z|%|-1";
	KT_EXPECT(t, !strcmp(b, want), "'%s', found '%s'", want, b);
	int n = ksnprintf(b, 4, "%s", "truncated");
	KT_EXPECT(t, n == 9 && !strcmp(b, "tru"), "truncation to 'tru' returning 9, found '%s' %d", b, n);
	ksnprintf(b, sizeof(b), "%p", (void *)0xffffffff80001000ULL);
	KT_EXPECT(t, !strcmp(b, "0xffffffff80001000"), "pointer format, found '%s'", b);
}

static void symbols_resolve(struct ktest *t)
{
	u64 off;
	const char *n = ksym_lookup((u64)printf_conversions + 3, &off);
	KT_EXPECT(t, n && !strcmp(n, "printf_conversions") && off == 3,
		  "printf_conversions+0x3, found %s+%#lx", n ? n : "?", off);
	KT_EXPECT(t, ksyms_count > 50, "a symbol table with many entries, found %lu", ksyms_count);
}

/* A #UD from an instruction listed in the exception table resumes at its
 * fixup instead of panicking.  (TCG reads unknown MSRs as 0 rather than
 * raising #GP, so an invalid opcode is the portable fault to provoke.) */
static int ud2_safe(void)
{
	u32 fault;
	__asm__ __volatile__(
		"1: ud2\n\t"
		"xor %0, %0\n\t"
		"jmp 3f\n"
		"2: mov $1, %0\n"
		"3:\n\t"
		".pushsection .extable, \"a\"\n\t"
		".quad 1b, 2b\n\t"
		".popsection" : "=r"(fault) :: "rax", "memory");
	return fault ? -EFAULT : 0;
}

static void expected_fault_recovers(struct ktest *t)
{
	u64 v = 1;
	int r = ud2_safe();
	KT_EXPECT(t, r == -EFAULT, "-EFAULT from a fixed-up #UD, found %d", r);
	r = rdmsr_safe(MSR_EFER, &v);
	KT_EXPECT(t, r == 0 && (v & EFER_LME), "EFER read back, found %d %#lx", r, v);
}

KTEST_SUITE(boot, "boot", 0,
	KTEST_CASE(boot_info_has_memory_map),
	KTEST_CASE(boot_info_cmdline_parsed),
	KTEST_CASE(boot_info_rsdp_present),
	KTEST_CASE(cpu_long_mode_state),
	KTEST_CASE(cpu_descriptors_loaded),
	KTEST_CASE(printf_conversions),
	KTEST_CASE(symbols_resolve),
	KTEST_CASE(expected_fault_recovers));

/* The deliberate fault: a write through a non-canonical... no, through an
 * unmapped address, from a named function, so the report's backtrace can
 * be checked for it.  Never part of test=all. */
__attribute__((noinline)) void ktest_fault_trigger(volatile u64 *where);
__attribute__((noinline)) void ktest_fault_trigger(volatile u64 *where)
{
	*where = 0x5a5a;
	barrier();
}

static void deliberate_page_fault(struct ktest *t)
{
	kprintf("        # writing to an unmapped address on purpose\n");
	ktest_fault_trigger((volatile u64 *)0xffff900000000000ULL);
	KT_EXPECT(t, false, "the write above to fault");
}

KTEST_SUITE(fault, "fault", KTEST_EXPLICIT, KTEST_CASE(deliberate_page_fault));
