/* kernel/options.h - the kernel command line, parsed once at boot. */
#ifndef SVMHV_OPTIONS_H
#define SVMHV_OPTIONS_H
#include "lib/types.h"

enum hostsave_policy {
	HOSTSAVE_VMSAVE = 0,
	HOSTSAVE_CACHED = 1,
	HOSTSAVE_SEEDBUG = 2,	/* the 2024 proposal's offset-0 snapshot: negative control */
	HOSTSAVE_LAZY = 3,	/* cached, and no VMSAVE/VMLOAD on exits handled on the fused path */
	HOSTSAVE_LAZYBUG = 4,	/* lazy that forgets the host VMLOAD at the end: negative control */
};
#define HOSTSAVE_NR 5

struct kernel_options {
	bool exit_qemu;		/* exit=qemu: leave QEMU through isa-debug-exit */
	char test[256];		/* test=all or test=SUITE[,SUITE] */
	u64 smp;		/* smp=N: bring up at most N CPUs (0 = all) */
	int loglevel;		/* loglevel=err|warn|info|debug */
	int hostsave;		/* hostsave=vmsave|cached|lazy|seedbug|lazybug */
	bool hostcheck;		/* hostcheck=1: verify host state after every VMLOAD */
	char hostfault[24];	/* hostfault=FIELD, checked by hoststate_fault_parse (svm/) */
	bool schedstats;	/* schedstats=1: print scheduler statistics at the end */
	char bench[64];		/* bench=quick|full: run the world-switch benchmarks */
	u64 seed;		/* seed=N: seed for randomized tests */
	u64 stress;		/* stress=N: world switches for the host-state stress */
	bool noguests;		/* noguests: ignore guest modules */
	bool records_com2;	/* records=com2: BENCH lines to COM2, not the console */
	char focus[32];		/* focus=NAME: console input to guest NAME when it starts */
	bool icount;		/* icount=1: QEMU -icount, the TSC counts instructions (benchmarks) */
};
extern struct kernel_options kopt;

int options_parse(const char *cmdline);
void options_print(void);
#endif
