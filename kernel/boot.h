/* kernel/boot.h - the boot sequence after memory is up (kernel/boot.c):
 * interrupts, CPUs, SVM, then tests or guests. */
#ifndef SVMHV_BOOT_H
#define SVMHV_BOOT_H
#include "lib/types.h"
struct boot_info;
extern struct boot_info boot_info;
void boot_continue(void) __noreturn;
#endif
