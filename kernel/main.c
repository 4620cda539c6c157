/* kernel/main.c - kmain: the boot CPU's path from the 32-bit entry's
 * hand-off to running tests or guests.  Every step that can meet bad input
 * (boot information, command line, missing CPU features) reports it and
 * refuses cleanly with exit code 2. */
#include "kernel/types.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/ktest.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/layout.h"
#include "kernel/boot.h"
#include "mm/kmem.h"
#include "mm/vmm.h"

struct boot_info boot_info;

void kmain(u32 magic, u32 mbi_phys);

static void refuse(const char *why)
{
	kprintf("svmhv: refusing to start: %s\n", why);
	kernel_exit(EXIT_REFUSED);
}

void kmain(u32 magic, u32 mbi_phys)
{
	percpu_init_bsp();
	console_init_early();
	vga_text_init();
	console_set_screen(&vga_text_ops);

	kprintf("\nsvmhv %s - a hypervisor microkernel for AMD SVM\n", SVMHV_VERSION);
	if (magic != MB2_BOOTLOADER_MAGIC) {
		kprintf("boot: bad multiboot2 magic %#x (expected %#x)\n", magic, MB2_BOOTLOADER_MAGIC);
		refuse("not started by a multiboot2 boot loader");
	}

	/* The boot page tables direct-map the first 4 GiB; GRUB puts the
	 * information below that.  Read its size, then parse within it. */
	if (mbi_phys == 0 || (mbi_phys & 7) || (u64)mbi_phys + 8 > HHDM_BOOT_LIMIT)
		refuse("the multiboot2 information address is invalid");
	const void *mbi = phys_to_virt(mbi_phys);
	u32 total = *(const u32 *)mbi;
	u64 avail = MIN((u64)total, HHDM_BOOT_LIMIT - mbi_phys);
	if (mb2_parse(mbi, avail, &boot_info))
		refuse("the multiboot2 boot information is malformed");

	int bad = options_parse(boot_info.cmdline);
	cpuinfo_init();
	kprintf("boot: loader '%s', %s, command line '%s'%s\n", boot_info.loader_name,
		boot_info.efi_boot ? "UEFI" : "BIOS", boot_info.cmdline,
		bad ? " (with problems, see above)" : "");
	cpuinfo_print();

	mm_init(&boot_info);
	mm_print_summary();

	boot_continue();
}
