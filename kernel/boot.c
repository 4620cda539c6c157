/* kernel/boot.c - everything after memory, on the boot CPU: the platform
 * (ACPI, interrupt controllers, time), the scheduler, the other CPUs, SVM;
 * then the test suites (test=) or the guests GRUB loaded; then the exit.
 * Runs as the scheduler's task "main" once sched_init() has adopted it. */
#include "kernel/boot.h"
#include "kernel/cpuinfo.h"
#include "kernel/ktest.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/platform.h"
#include "kernel/printk.h"
#include "kernel/cpu.h"
#include "kernel/smp.h"
#include "kernel/xstate.h"
#include "sched/sched.h"
#include "svm/svm.h"
#include "bench/bench.h"
#include "vmm/console.h"

static void run_guests(void)
{
	struct vm *gs[MB2_MAX_MODULES];
	u32 n = vms_create_from_modules(boot_info.modules, boot_info.module_count,
					   gs, MB2_MAX_MODULES);
	if (!n) {
		kprintf("svmhv: no guest modules to run (add module2 lines with 'guest ...', "
			"see docs/guests.md)\n");
		return;
	}
	kprintf("svmhv: running %u guest(s) on %u CPU(s)\n", n, ncpus_online);
	vms_run_all(gs, n);
	u32 bad = 0;
	for (u32 i = 0; i < n; i++)
		bad += !vm_met_expectation(gs[i]);
	hoststate_print_counters();
	kprintf("svmhv: all %u guest(s) stopped; %u did not stop as expected\n", n, bad);
	for (u32 i = 0; i < n; i++)
		vm_destroy(gs[i]);
}

void boot_continue(void)
{
	platform_init(&boot_info);
	smp_ipi_init();
	sched_init();		/* before the APs: they enter its idle loop */
	smp_init();
	sched_wait_for_cpus();
	xstate_init();		/* CR4.OSXSAVE and XCR0 on every CPU, before any guest */

	int svm_err = svm_init();
	if (svm_err)
		kprintf("svm: not usable: %s\n", svm_unusable_reason);
	hoststate_policy = kopt.hostsave;
	hoststate_fault = hoststate_fault_parse(kopt.hostfault);
	hoststate_diff_check = kopt.hostcheck;
	if (!svm_err) {
		vmm_set_backend(&svm_backend_ops);	/* the VMM core runs guests on SVM */
		hoststate_print_policy();
	}

	if (kopt.test[0]) {
		int failed = ktest_run(kopt.test, svm_usable);
		if (kopt.schedstats)
			sched_print_stats();
		if (failed < 0)
			kernel_exit(EXIT_REFUSED);
		kprintf("tests: %d failed\n", failed);
		kernel_exit(failed ? EXIT_TESTS_FAILED : EXIT_SUCCESS_CODE);
	}
	if (svm_err) {
		kprintf("svmhv: refusing to start guests: %s\n", svm_unusable_reason);
		kernel_exit(EXIT_REFUSED);
	}
	/* Serial input from here on: to a guest with the focus, or to
	 * svmhv's own keys (docs/console.md). */
	vmm_console_add_key('c', "host-state counters", hoststate_print_counters);
	vmm_console_start(kopt.focus);
	if (!kopt.noguests)
		run_guests();
	if (vmm_console_quit_requested()) {
		kprintf("svmhv: stopped from its console\n");
		kernel_exit(EXIT_SUCCESS_CODE);
	}
	/* The demo ends with the benchmarks: what svmhv is for. */
	if (kopt.bench[0])
		bench_run(kopt.bench);
	if (kopt.schedstats)
		sched_print_stats();
	kprintf("svmhv: work done\n");
	kernel_exit(EXIT_SUCCESS_CODE);
}
