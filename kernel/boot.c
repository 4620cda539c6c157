/* kernel/boot.c - everything after memory: SVM capability check, the test
 * runner or the guests, and the final exit. */
#include "kernel/boot.h"
#include "kernel/cpuinfo.h"
#include "kernel/ktest.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/cpu.h"

void boot_continue(void)
{
	bool svm_usable = cpu_info.has_svm;
	if (kopt.test[0]) {
		int failed = ktest_run(kopt.test, svm_usable);
		if (failed < 0)
			kernel_exit(EXIT_REFUSED);
		kprintf("tests: %d failed\n", failed);
		kernel_exit(failed ? EXIT_TESTS_FAILED : EXIT_SUCCESS_CODE);
	}
	if (!svm_usable) {
		kprintf("svmhv: refusing to start guests: SVM is absent on this CPU\n");
		kernel_exit(EXIT_REFUSED);
	}
	kprintf("svmhv: nothing to do yet\n");
	kernel_exit(EXIT_SUCCESS_CODE);
}
