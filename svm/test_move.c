/* svm/test_move.c - for the in-kernel tests of svm/ (hoststate_tests.c,
 * gstate_tests.c): move a running vCPU between CPUs by narrowing its task's
 * affinity, and wait until it has run there. */
#include "svm/test_move.h"
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "drivers/timer.h"

u32 svm_test_move_vcpu(struct vm *g, u32 cpu, u32 ncpus, u32 times, u32 runs)
{
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	struct task *vt = g->tasks[0];
	u32 moved = 0;
	for (u32 k = 0; k < times; k++) {
		u32 next = (cpu + 1) % ncpus;
		if (next == cpu)
			break;
		cpumask_t m;
		cpumask_clear(&m);
		cpumask_set(&m, next);
		sched_set_affinity(vt, &m);
		u64 seen = READ_ONCE(v->cnt.vmrun);
		/* Two seconds at most per move: a vCPU that never arrives is a
		 * failed move, not a hung test. */
		u64 until = rdtsc() + ns_to_tsc(2000000000ULL);
		while ((READ_ONCE(v->cpu) != next || READ_ONCE(v->cnt.vmrun) < seen + runs) && rdtsc() < until)
			sched_sleep_ns(1000000);
		if (READ_ONCE(v->cpu) == next)
			moved++;
		cpu = next;
	}
	return moved;
}
