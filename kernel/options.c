/* kernel/options.c - the table of command-line options and their defaults.
 * Unknown options and bad values are reported and ignored (cmdline.c). */
#include "kernel/options.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"

struct kernel_options kopt = {
	.exit_qemu = false,
	.smp = 0,
	.loglevel = LOG_INFO,
	.hostsave = HOSTSAVE_CACHED,
	.hostcheck = false,
	.seed = 1,
	.stress = 0,
};

static int exit_mode;
static const char *const exit_choices[] = { "halt", "qemu", NULL };
static int records_mode;
static const char *const records_choices[] = { "console", "com2", NULL };
static const char *const level_choices[] = { "err", "warn", "info", "debug", NULL };
static const char *const hostsave_choices[] = { "vmsave", "cached", "seedbug", "lazy", "lazybug", NULL };

static const struct opt_desc opts[] = {
	{ "exit", OPT_ENUM, &exit_mode, 0, exit_choices, 0, 0,
	  "qemu: leave QEMU through isa-debug-exit when done; halt (default): halt" },
	{ "test", OPT_STR, kopt.test, sizeof(kopt.test), NULL, 0, 0,
	  "run in-kernel test suites: all or SUITE[,SUITE]" },
	{ "smp", OPT_U64, &kopt.smp, 0, NULL, 1, 1024, "bring up at most N CPUs" },
	{ "loglevel", OPT_ENUM, &kopt.loglevel, 0, level_choices, 0, 0, "log verbosity" },
	{ "hostsave", OPT_ENUM, &kopt.hostsave, 0, hostsave_choices, 0, 0,
	  "host-state policy: vmsave, cached (default), lazy, or the negative controls seedbug and lazybug" },
	{ "hostcheck", OPT_BOOL, &kopt.hostcheck, 0, NULL, 0, 0,
	  "check host state after every VMLOAD" },
	/* Its values are the host-state check's field groups: svm/hoststate.c
	 * checks them (hoststate_fault_parse), kernel/ does not know them. */
	{ "hostfault", OPT_STR, kopt.hostfault, sizeof(kopt.hostfault), NULL, 0, 0,
	  "negative control: corrupt this field of the host save area on some hostsave=cached "
	  "loads (fs gs tr ldtr kernel_gs_base star lstar cstar sfmask sysenter_cs sysenter_esp "
	  "sysenter_eip)" },
	{ "schedstats", OPT_BOOL, &kopt.schedstats, 0, NULL, 0, 0, "print scheduler statistics" },
	{ "bench", OPT_STR, kopt.bench, sizeof(kopt.bench), NULL, 0, 0,
	  "run world-switch benchmarks: quick or full" },
	{ "seed", OPT_U64, &kopt.seed, 0, NULL, 0, 0, "seed for randomized tests" },
	{ "stress", OPT_U64, &kopt.stress, 0, NULL, 0, 0, "world switches in the stress suite" },
	{ "icount", OPT_BOOL, &kopt.icount, 0, NULL, 0, 0,
	  "the host runs QEMU -icount (TSC = instructions): benchmarks skip what only time can measure" },
	{ "noguests", OPT_BOOL, &kopt.noguests, 0, NULL, 0, 0, "do not start guest modules" },
	{ "records", OPT_ENUM, &records_mode, 0, records_choices, 0, 0,
	  "where machine-readable BENCH lines go: console (default) or com2 (the second UART)" },
	{ "focus", OPT_STR, kopt.focus, sizeof(kopt.focus), NULL, 0, 0,
	  "serial input goes to this guest when it starts (default: svmhv's own console)" },
};

int options_parse(const char *cmdline)
{
	int problems = cmdline_parse(cmdline, opts, ARRAY_SIZE(opts));
	kopt.exit_qemu = exit_mode == 1;
	kopt.records_com2 = records_mode == 1;
	log_level_max = kopt.loglevel;
	return problems;
}

void options_print(void)
{
	kprintf("options: exit=%s test=%s smp=%lu hostsave=%s hostcheck=%d hostfault=%s loglevel=%s\n",
		exit_choices[exit_mode], kopt.test[0] ? kopt.test : "(none)", kopt.smp,
		hostsave_choices[kopt.hostsave], kopt.hostcheck, kopt.hostfault[0] ? kopt.hostfault : "none",
		level_choices[kopt.loglevel]);
}
