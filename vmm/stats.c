/* vmm/stats.c - exit statistics per vCPU and exit reason, printed when a
 * guest stops in the layout `perf kvm stat report` users know: samples,
 * share of samples and of time, min/max/avg host time from #VMEXIT to the
 * next VMRUN. */
#include "vmm/vmm.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "drivers/timer.h"

static void fmt_us(char *buf, size_t n, u64 cycles)
{
	u64 ns = tsc_to_ns(cycles);
	ksnprintf(buf, n, "%lu.%02luus", ns / 1000, (ns % 1000) / 10);
}

static void print_vcpu(struct vm *g, struct vcpu *v)
{
	u32 n = vmm_backend->nr_exit_stats;
	u64 samples = 0, time = 0;
	for (u32 i = 0; i < n; i++) {
		samples += v->stats[i].count;
		time += v->stats[i].total;
	}
	kprintf("\nAnalyze events for VM %s, VCPU %u (%lu exits):\n\n", g->cfg.name, v->index, v->exits);
	kprintf("%20s %10s %9s %9s %12s %12s %12s\n\n", "VM-EXIT", "Samples", "Samples%", "Time%",
		"Min Time", "Max Time", "Avg time");
	if (!samples)
		return;
	/* Largest sample counts first: a selection sort over the few used rows. */
	u64 done[VMM_MAX_EXIT_STATS / 64] = { 0 };
	for (;;) {
		int best = -1;
		for (u32 i = 0; i < n; i++)
			if (!(done[i / 64] & BIT(i % 64)) && v->stats[i].count &&
			    (best < 0 || v->stats[i].count > v->stats[best].count))
				best = (int)i;
		if (best < 0)
			break;
		done[best / 64] |= BIT(best % 64);
		struct exit_stat *s = &v->stats[best];
		char mn[24], mx[24], av[24];
		fmt_us(mn, sizeof(mn), s->min);
		fmt_us(mx, sizeof(mx), s->max);
		fmt_us(av, sizeof(av), s->total / s->count);
		u64 sp = s->count * 10000 / samples, tp = time ? s->total * 10000 / time : 0;
		const char *name = vmm_backend->exit_stat_name((u32)best);
		kprintf("%20s %10lu %6lu.%02lu%% %6lu.%02lu%% %12s %12s %12s\n", name, s->count, sp / 100,
			sp % 100, tp / 100, tp % 100, mn, mx, av);
	}
	kprintf("\nTotal Samples:%lu, Total events handled time:", samples);
	char tt[24];
	fmt_us(tt, sizeof(tt), time);
	kprintf("%s.\n", tt);
	vmm_backend->vcpu_report(v);
}

void vm_exit_stats_print(struct vm *g)
{
	for (u32 i = 0; i < g->nvcpus; i++)
		print_vcpu(g, g->vcpus[i]);
}
