/* kernel/layout.h - the kernel's address-space layout, shared by C, the
 * linker script (through the values written there) and nasm (mirrored in
 * boot/boot.asm, checked by asm-offsets). */
#ifndef SVMHV_LAYOUT_H
#define SVMHV_LAYOUT_H

#define KERNEL_PHYS_BASE 0x200000ULL            /* where GRUB loads the image */
#define KERNEL_VMA       0xFFFFFFFF80000000ULL  /* the top 2 GiB map physical 0.. */
#define HHDM_BASE        0xFFFF800000000000ULL  /* direct map of all physical memory */
#define HHDM_BOOT_LIMIT  0x100000000ULL         /* the boot page tables map 4 GiB */

#define KSTACK_SIZE      (16 * 1024)
#define IST_STACK_SIZE   (8 * 1024)

#endif
