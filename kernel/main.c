/* kernel/main.c - kmain: the boot CPU's path from the 32-bit entry's
 * hand-off to running tests or guests.  Every step that can meet bad input
 * (boot information, command line, missing CPU features) reports it and
 * refuses cleanly with exit code 2. */
#include "lib/types.h"
#include "version.h"
#include "kernel/console.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/ktest.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "kernel/layout.h"
#include "kernel/boot.h"
#include "drivers/fb.h"
#include "mm/kmem.h"
#include "mm/vmm.h"

struct boot_info boot_info;

void kmain(u32 magic, u32 mbi_phys);

static void refuse(const char *why)
{
	kprintf("svmhv: refusing to start: %s\n", why);
	kernel_exit(EXIT_REFUSED);
}

/* The screen console, from the framebuffer tag: a linear RGB framebuffer,
 * VGA text (an EGA text tag, or no tag under BIOS), else none.  It then
 * shows what the backlog kept since the banner. */
static void screen_init(const struct boot_info *bi)
{
	const struct screen_ops *ops = NULL;

	if (bi->has_fb && bi->fb.type == MB2_FB_RGB) {
		if (fb_init(&bi->fb, HHDM_BOOT_LIMIT) == 0)
			ops = &fb_ops;
	} else if (bi->has_fb ? bi->fb.type == MB2_FB_EGA_TEXT : !bi->efi_boot) {
		vga_text_init();
		ops = &vga_text_ops;
	}
	fb_backlog_replay(ops);
	console_set_screen(ops);
	if (ops == &fb_ops)
		fb_print_info();
	else
		kprintf("console: %s\n", ops ? "VGA text 80x25" : "serial only");
}

void kmain(u32 magic, u32 mbi_phys)
{
	percpu_init_bsp();
	console_init_early();
	console_set_screen(&fb_backlog_ops);	/* until the boot information names the screen */

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
	screen_init(&boot_info);

	int bad = options_parse(boot_info.cmdline);
	if (kopt.records_com2)
		console_records_to_com2();
	cpuinfo_init();
	kprintf("boot: loader '%s', %s, command line '%s'%s\n", boot_info.loader_name,
		boot_info.efi_boot ? "UEFI" : "BIOS", boot_info.cmdline,
		bad ? " (with problems, see above)" : "");
	cpuinfo_print();

	mm_init(&boot_info);
	mm_print_summary();

	boot_continue();
}
