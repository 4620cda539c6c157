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

/* The rows a vCPU has used, copied before anything is printed: while it
 * runs (svmhv's console, key 'e') its counters move under the printing,
 * and a table whose rows and totals were read at different times would
 * not add up.  A vCPU uses a few dozen exit reasons at most. */
#define STATS_SNAP_ROWS 64
struct stats_snap {
	u32 row;
	struct exit_stat s;
};

static void print_vcpu(struct vm *g, struct vcpu *v, bool live)
{
	struct stats_snap snap[STATS_SNAP_ROWS];
	u32 n = vmm_backend->nr_exit_stats, used = 0, unshown = 0;
	u64 samples = 0, time = 0, exits = READ_ONCE(v->exits);
	for (u32 i = 0; i < n; i++) {
		struct exit_stat s = v->stats[i];	/* one copy, read once */
		if (!s.count)
			continue;
		if (used == STATS_SNAP_ROWS) {
			unshown++;
			continue;
		}
		snap[used++] = (struct stats_snap){ i, s };
		samples += s.count;
		time += s.total;
	}
	if (live)
		/* Not "(N exits)": the harness checks finished tables against
		 * that count, and a running vCPU adds its exits in batches. */
		kprintf("\nAnalyze events for VM %s, VCPU %u (running, %lu exits so far):\n\n",
			g->cfg.name, v->index, exits);
	else
		kprintf("\nAnalyze events for VM %s, VCPU %u (%lu exits):\n\n", g->cfg.name, v->index,
			exits);
	kprintf("%20s %10s %9s %9s %12s %12s %12s\n\n", "VM-EXIT", "Samples", "Samples%", "Time%",
		"Min Time", "Max Time", "Avg time");
	if (!samples)
		return;
	/* Largest sample counts first: a selection sort over the few used rows. */
	u64 done = 0;
	for (;;) {
		int best = -1;
		for (u32 i = 0; i < used; i++)
			if (!(done & BIT(i)) && (best < 0 || snap[i].s.count > snap[best].s.count))
				best = (int)i;
		if (best < 0)
			break;
		done |= BIT(best);
		struct exit_stat *s = &snap[best].s;
		char mn[24], mx[24], av[24];
		fmt_us(mn, sizeof(mn), s->min);
		fmt_us(mx, sizeof(mx), s->max);
		fmt_us(av, sizeof(av), s->total / s->count);
		u64 sp = s->count * 10000 / samples, tp = time ? s->total * 10000 / time : 0;
		const char *name = vmm_backend->exit_stat_name(snap[best].row);
		kprintf("%20s %10lu %6lu.%02lu%% %6lu.%02lu%% %12s %12s %12s\n", name, s->count, sp / 100,
			sp % 100, tp / 100, tp % 100, mn, mx, av);
	}
	if (unshown)
		kprintf("(%u more exit reasons not shown)\n", unshown);
	kprintf("\nTotal Samples:%lu, Total events handled time:", samples);
	char tt[24];
	fmt_us(tt, sizeof(tt), time);
	kprintf("%s.\n", tt);
	vmm_backend->vcpu_report(v);
}

void vm_exit_stats_print(struct vm *g)
{
	for (u32 i = 0; i < g->nvcpus; i++)
		print_vcpu(g, g->vcpus[i], false);
}

void vm_exit_stats_print_live(struct vm *g)
{
	for (u32 i = 0; i < g->nvcpus; i++)
		print_vcpu(g, g->vcpus[i], true);
}
