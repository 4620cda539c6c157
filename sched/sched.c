/* sched/sched.c - the scheduler core.
 *
 * Each CPU has a run queue (sched/runqueue.c) under its own lock.  A task
 * belongs to the queue of t->cpu; that field changes only with the task off
 * any CPU and both queues locked.  The running task is not queued.  The
 * run-queue lock is held across the stack switch and released by the task
 * switched to (finish_switch), which also performs deferred work on the
 * task switched away from: a pending migration, or freeing it after exit.
 *
 * Wake-ups follow one rule: a task found BLOCKED that is still its CPU's
 * current task (it has not reached schedule() yet) is only marked RUNNING;
 * otherwise it is queued.  So a task is never queued while it runs.
 *
 * Preempt notifiers run on every switch: sched_out before leaving a task,
 * sched_in after entering one, both with the physical CPU and interrupts off.
 *
 * Moving tasks between CPUs (explicit migration, affinity, the idle pull)
 * is sched/migrate.c, over the helpers of sched/sched_internal.h.
 */
#include "sched/sched.h"
#include "sched/sched_internal.h"
#include "sched/task_check.h"
#include "kernel/cpu.h"
#include "kernel/desc.h"
#include "kernel/panic.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "kernel/trap.h"
#include "kernel/layout.h"
#include "kernel/smp.h"
#include "drivers/lapic.h"
#include "drivers/timer.h"
#include "mm/kmem.h"

struct task *switch_stack(u64 *prev_rsp, u64 next_rsp, struct task *prev);
extern char task_entry_trampoline[];
void task_start(struct task *prev) __noreturn;

struct sched_cpu sched_cpus[MAX_CPUS];
static volatile bool sched_up;
static u32 next_task_id = 1;
static spinlock_t tasks_lock = SPINLOCK_INIT("tasks");
static struct list_node all_tasks = LIST_INIT(all_tasks);
volatile bool sched_debug_skip_fs_restore;
u32 sched_slice_ticks = SCHED_SLICE_TICKS;


bool sched_running(void)
{
	return sched_up;
}

/* ---- locking helpers ---- */

struct sched_cpu *sched_task_rq_lock(struct task *t, u64 *flags)
{
	for (;;) {
		u32 c = READ_ONCE(t->cpu);
		struct sched_cpu *sc = sc_of(c);
		*flags = spin_lock_irqsave(&sc->lock);
		if (READ_ONCE(t->cpu) == c)
			return sc;
		spin_unlock_irqrestore(&sc->lock, *flags);
	}
}

/* Locks two run queues in a fixed order (lower CPU first). */
void sched_double_lock(u32 a, u32 b)
{
	if (a == b) {
		spin_lock(&sc_of(a)->lock);
	} else if (a < b) {
		spin_lock(&sc_of(a)->lock);
		spin_lock(&sc_of(b)->lock);
	} else {
		spin_lock(&sc_of(b)->lock);
		spin_lock(&sc_of(a)->lock);
	}
}

void sched_double_unlock(u32 a, u32 b)
{
	spin_unlock(&sc_of(a)->lock);
	if (a != b)
		spin_unlock(&sc_of(b)->lock);
}

static inline struct task *rq_task(struct rq_entity *e)
{
	return e ? container_of(e, struct task, rq) : NULL;
}

/* Makes `cpu` reschedule soon: locally by flag, remotely by IPI. */
void sched_kick_cpu(u32 cpu)
{
	sc_of(cpu)->need_resched = true;
	if (cpu != this_cpu_id())
		ipi_send(cpu, VEC_IPI_RESCHED);
}

/* Must `t`, just queued on `cpu`, preempt what runs there? */
void sched_check_preempt(u32 cpu, struct task *t)
{
	if (!cpu_table[cpu] || !cpu_table[cpu]->sched)
		return;
	struct task *cur = cpu_table[cpu]->current;
	if (cur == sc_of(cpu)->idle || (cur && t->rq.prio < cur->rq.prio))
		sched_kick_cpu(cpu);
}

/* ---- per-task CPU state ---- */

static void load_task_state(struct percpu *pc, struct task *next)
{
	if (!sched_debug_skip_fs_restore)
		wrmsr(MSR_FS_BASE, next->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, next->kernel_gs_base);
	if (next->ldt) {
		gdt_system_desc(&pc->gdt.entry[SEL_LDT_FIRST >> 3], (u64)next->ldt,
				next->ldt_entries * 8 - 1, 0x2);
		load_ldtr(SEL_LDT_FIRST);
	} else if (read_ldtr()) {
		load_ldtr(0);
	}
}

void task_set_fs_base(u64 base)
{
	u64 f = irq_save();
	struct task *t = current_task();
	t->fs_base = base;
	wrmsr(MSR_FS_BASE, base);
	t->hs_gen++;
	irq_restore(f);
}

void task_set_kernel_gs_base(u64 value)
{
	u64 f = irq_save();
	struct task *t = current_task();
	t->kernel_gs_base = value;
	wrmsr(MSR_KERNEL_GS_BASE, value);
	t->hs_gen++;
	irq_restore(f);
}

void task_set_ldt(u64 *ldt, u32 entries)
{
	u64 f = irq_save();
	struct task *t = current_task();
	t->ldt = ldt;
	t->ldt_entries = ldt ? entries : 0;
	load_task_state(this_cpu(), t);
	t->hs_gen++;
	irq_restore(f);
}

static void notify_out(struct task *t, u32 cpu, bool preempted)
{
	list_for_each(it, &t->notifiers) {
		struct preempt_notifier *pn = list_entry(it, struct preempt_notifier, link);
		t->stats.notifier_out++;
		pn->ops->sched_out(pn, cpu, preempted);
	}
}

static void notify_in(struct task *t, u32 cpu, bool migrated)
{
	list_for_each(it, &t->notifiers) {
		struct preempt_notifier *pn = list_entry(it, struct preempt_notifier, link);
		t->stats.notifier_in++;
		pn->ops->sched_in(pn, cpu, migrated);
	}
}

void preempt_notifier_register(struct task *t, struct preempt_notifier *pn,
			       const struct preempt_ops *ops)
{
	u64 f = irq_save();
	pn->ops = ops;
	list_add_tail(&t->notifiers, &pn->link);
	irq_restore(f);
}

void preempt_notifier_unregister(struct task *t, struct preempt_notifier *pn)
{
	u64 f = irq_save();
	list_del(&pn->link);
	irq_restore(f);
}

void preempt_disable(void)
{
	this_cpu()->preempt_count++;
	barrier();
}

void preempt_enable(void)
{
	barrier();
	struct percpu *pc = this_cpu();
	pc->preempt_count--;
	if (!pc->preempt_count && pc->sched && pc->sched->need_resched && irqs_enabled() &&
	    !pc->locks_held)
		schedule();
}

/* ---- switching ---- */

static int pick_allowed_cpu(const struct task *t, u32 prefer)
{
	if (prefer < ncpus_online && cpumask_test(&t->affinity, prefer))
		return (int)prefer;
	for (u32 c = 0; c < ncpus_online; c++)
		if (cpumask_test(&t->affinity, c))
			return (int)c;
	return -1;
}

static void free_task(struct task *t)
{
	u64 f = spin_lock_irqsave(&tasks_lock);
	list_del(&t->all_link);
	spin_unlock_irqrestore(&tasks_lock, f);
	kfree(t->stack);
	kfree(t->tls);
	if (t->ldt)
		kfree(t->ldt);
	kfree(t);
}

/* Runs on the task switched to, with this CPU's run-queue lock held and
 * interrupts off.  Ends the switch: releases the lock, finishes what the
 * task we left needs, then tells the new task's notifiers it is in. */
static void finish_switch(struct task *prev)
{
	struct percpu *pc = this_cpu();
	struct sched_cpu *sc = pc->sched;
	struct task *cur = pc->current;
	u32 cpu = pc->cpu_id;
	bool migrated = cur->last_cpu != ~0u && cur->last_cpu != cpu;

	cur->stats.runs++;
	if (migrated) {
		cur->stats.migrations++;
		sc->stats.migrations_in++;
	}
	cur->last_cpu = cpu;
	cur->slice_ticks = sched_slice_ticks;

	s32 move_to = -1;
	bool dead = prev->state == TASK_DEAD;
	if (prev->state == TASK_RUNNABLE && !prev->rq.queued && prev != sc->idle) {
		move_to = prev->migrate_to >= 0 ? prev->migrate_to : pick_allowed_cpu(prev, cpu);
		if (move_to < 0)
			move_to = (s32)cpu;	/* no CPU allowed: stay rather than vanish */
	}
	spin_unlock(&sc->lock);

	if (move_to >= 0) {
		sched_double_lock(cpu, (u32)move_to);
		prev->migrate_to = -1;
		prev->cpu = (u32)move_to;
		rq_enqueue(&sc_of((u32)move_to)->rq, &prev->rq);
		sched_double_unlock(cpu, (u32)move_to);
		sched_check_preempt((u32)move_to, prev);
	}
	if (dead) {
		if (prev->detached)
			free_task(prev);
		else
			__atomic_store_n(&prev->exited, true, __ATOMIC_RELEASE);
	}
	notify_in(cur, cpu, migrated);
}

void schedule(void)
{
	u64 flags = irq_save();
	struct percpu *pc = this_cpu();
	struct sched_cpu *sc = pc->sched;
	struct task *prev = pc->current;
	u32 cpu = pc->cpu_id;

	if (lock_checks && pc->locks_held && prev->state == TASK_BLOCKED)
		panic("sleeping with a spinlock held",
		      "task '%s' blocks on CPU %u holding %u spinlock(s), expected none",
		      prev->name, cpu, pc->locks_held);
	if (prev->stack && *(u64 *)prev->stack != STACK_CANARY)
		panic("kernel stack overflow", "canary %#lx at the bottom of '%s''s stack, found %#lx",
		      STACK_CANARY, prev->name, *(u64 *)prev->stack);

	spin_lock(&sc->lock);
	sc->need_resched = false;
	bool runnable = prev->state == TASK_RUNNING;
	bool preempted = prev->preempt_pending;
	prev->preempt_pending = false;
	if (runnable && prev != sc->idle) {
		prev->state = TASK_RUNNABLE;
		if (prev->migrate_to < 0 && cpumask_test(&prev->affinity, cpu)) {
			/* A preempted task goes to the back of its level; one that
			 * yields or is kicked does too: round robin. */
			rq_enqueue(&sc->rq, &prev->rq);
		}
		/* else: finish_switch moves it */
	}
	struct task *next = rq_task(rq_pop(&sc->rq));
	if (!next)
		next = sc->idle;
	if (next == prev) {
		prev->state = TASK_RUNNING;
		prev->slice_ticks = sched_slice_ticks;
		spin_unlock(&sc->lock);
		irq_restore(flags);
		return;
	}
	if (preempted && runnable)
		prev->stats.preemptions++;
	next->state = TASK_RUNNING;
	notify_out(prev, cpu, runnable);
	load_task_state(pc, next);
	sc->stats.switches++;
	pc->current = next;
	prev = switch_stack(&prev->rsp, next->rsp, prev);
	finish_switch(prev);
	irq_restore(flags);
}

void task_start(struct task *prev)
{
	finish_switch(prev);
	sti();
	struct task *t = current_task();
	t->entry(t->arg);
	task_exit();
}

void sched_yield(void)
{
	current_task()->stats.yields++;
	schedule();
}

/* ---- tasks ---- */

struct task *task_create(const struct task_params *p)
{
	struct task *t = kzalloc(sizeof(*t));
	u32 ssize = p->stack_size ? p->stack_size : KSTACK_SIZE;
	u8 *stack = kmalloc_aligned(ssize, 16);
	struct task_local *tl = kzalloc(sizeof(*tl));
	if (!t || !stack || !tl) {
		kfree(t);
		kfree(stack);
		kfree(tl);
		return NULL;
	}
	u64 f = spin_lock_irqsave(&tasks_lock);
	t->id = next_task_id++;
	list_add_tail(&all_tasks, &t->all_link);
	spin_unlock_irqrestore(&tasks_lock, f);

	ksnprintf(t->name, sizeof(t->name), "%s", p->name ? p->name : "task");
	t->stack = stack;
	t->stack_size = ssize;
	*(u64 *)stack = STACK_CANARY;
	tl->self = tl;
	tl->task = t;
	tl->magic = TASK_LOCAL_MAGIC;
	t->tls = tl;
	t->fs_base = (u64)tl;
	/* A distinct canonical value per task, easy to recognise in reports. */
	t->kernel_gs_base = 0xffffc90000000000ULL | ((u64)t->id << 12);
	if (p->with_ldt) {
		t->ldt_entries = 2;
		t->ldt = kzalloc(t->ldt_entries * 8);
		if (!t->ldt) {
			free_task(t);
			return NULL;
		}
		/* Entry 0: a present data segment whose limit is the task id, so
		 * `lsl` through the active LDT names the task it belongs to. */
		u32 lim = t->id & 0xfffff;
		t->ldt[0] = (lim & 0xffff) | ((u64)0x92 << 40) | ((u64)((lim >> 16) & 0xf) << 48);
	}
	t->rq.prio = p->prio < SCHED_NPRIO ? p->prio : PRIO_DEFAULT;
	if (p->affinity)
		t->affinity = *p->affinity;
	else
		cpumask_setall(&t->affinity);
	t->last_cpu = ~0u;
	t->migrate_to = -1;
	t->detached = p->detached;
	t->entry = p->entry;
	t->arg = p->arg;
	list_init(&t->notifiers);
	list_init(&t->sleep_link);
	list_init(&t->wait_link);
	t->slice_ticks = sched_slice_ticks;

	/* Initial stack: switch_stack pops six registers (zero) and returns
	 * into task_entry_trampoline; two zero words above keep the ABI's
	 * alignment and end backtraces. */
	u64 *sp = (u64 *)(stack + ssize);
	*--sp = 0;
	*--sp = 0;
	*--sp = (u64)task_entry_trampoline;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	t->rsp = (u64)sp;

	int cpu = pick_allowed_cpu(t, p->cpu >= 0 ? (u32)p->cpu : this_cpu_id());
	if (cpu < 0) {
		pr_err("sched: task '%s' has no online CPU in its affinity mask\n", t->name);
		free_task(t);
		return NULL;
	}
	t->cpu = (u32)cpu;
	struct sched_cpu *sc = sc_of((u32)cpu);
	f = spin_lock_irqsave(&sc->lock);
	t->state = TASK_RUNNABLE;
	rq_enqueue(&sc->rq, &t->rq);
	spin_unlock_irqrestore(&sc->lock, f);
	sched_check_preempt((u32)cpu, t);
	return t;
}

void task_exit(void)
{
	cli();
	struct task *t = current_task();
	while (!list_empty(&t->notifiers))
		list_del(t->notifiers.next);
	t->state = TASK_DEAD;
	schedule();
	panic("dead task ran", "task '%s' never to run again after exit, found it running", t->name);
}

int task_join(struct task *t)
{
	return task_join_keep(t, NULL, NULL);
}

int task_join_keep(struct task *t, u64 *runs, u64 *migrations)
{
	if (t->detached || t == current_task())
		return -EINVAL;
	/* `exited` is the last thing finish_switch writes about a dead task:
	 * after it, nothing on any CPU touches the task or its stack. */
	while (!__atomic_load_n(&t->exited, __ATOMIC_ACQUIRE))
		sched_sleep_ns(200000);
	if (runs)
		*runs += t->stats.runs;
	if (migrations)
		*migrations += t->stats.migrations;
	free_task(t);
	return 0;
}

/* ---- timer tick and preemption ---- */

static void sched_tick(struct trap_frame *tf)
{
	struct percpu *pc = this_cpu();
	struct sched_cpu *sc = pc->sched;
	lapic_eoi();
	u64 now = rdtsc();
	spin_lock(&sc->lock);
	/* The interrupt may be a sleeper's or a vCPU's event rather than a
	 * tick: slices and statistics move on ticks only. */
	bool tick = now >= sc->tick_tsc;
	if (tick) {
		sc->stats.ticks++;
		pc->timer_ticks++;
		sc->tick_tsc = now + ns_to_tsc(NSEC_PER_SEC / SCHED_HZ);
	}
	if (sc->event_tsc && sc->event_tsc <= now)
		sc->event_tsc = 0;
	bool woke = false;
	while (!list_empty(&sc->sleepers)) {
		struct task *t = list_entry(sc->sleepers.next, struct task, sleep_link);
		if (t->wake_tsc > now)
			break;
		list_del(&t->sleep_link);
		if (t->state == TASK_BLOCKED) {
			if (pc->current == t) {
				t->state = TASK_RUNNING;	/* not switched out yet */
			} else {
				t->state = TASK_RUNNABLE;
				rq_enqueue(&sc->rq, &t->rq);
				woke = true;
			}
		}
	}
	struct task *cur = pc->current;
	if (cur == sc->idle) {
		if (sc->rq.nr)
			sc->need_resched = true;
	} else {
		if (tick && cur->slice_ticks && --cur->slice_ticks == 0 && sc->rq.nr)
			sc->need_resched = true;
		int hp = rq_highest_prio(&sc->rq);
		if (woke && hp >= 0 && (u32)hp < cur->rq.prio)
			sc->need_resched = true;
	}
	sched_timer_rearm_locked(sc);
	spin_unlock(&sc->lock);
}

static void resched_ipi(void)
{
	struct sched_cpu *sc = this_cpu()->sched;
	if (sc)		/* a CPU still starting has nothing to reschedule */
		sc->need_resched = true;
}

static void sched_trap_exit(struct trap_frame *tf)
{
	struct percpu *pc = this_cpu();
	struct sched_cpu *sc = pc->sched;
	if (!sc || !sc->need_resched || pc->preempt_count || pc->locks_held)
		return;
	if (!(tf->rflags & RFLAGS_IF))
		return;		/* interrupted code had interrupts off */
	struct task *cur = pc->current;
	if (cur->state == TASK_RUNNING && cur != sc->idle)
		cur->preempt_pending = true;
	schedule();
}

/* ---- idle and start-up ---- */

static void idle_loop(void) __noreturn;
static void idle_loop(void)
{
	struct percpu *pc = this_cpu();
	struct sched_cpu *sc = pc->sched;
	for (;;) {
		cli();
		if (!sc->rq.nr && ncpus_online > 1)
			sched_try_pull(pc->cpu_id);
		if (!sc->rq.nr) {
			u64 t0 = rdtsc();
			sti_hlt();
			sc->stats.idle_tsc += rdtsc() - t0;
			continue;
		}
		sti();
		schedule();
	}
}

static struct task *adopt_current_context(const char *name, u8 *stack_base, u32 prio)
{
	struct percpu *pc = this_cpu();
	struct task *t = kzalloc(sizeof(*t));
	struct task_local *tl = kzalloc(sizeof(*tl));
	if (!t || !tl)
		panic("out of memory", "a task for CPU %u's boot context", pc->cpu_id);
	u64 f = spin_lock_irqsave(&tasks_lock);
	t->id = next_task_id++;
	list_add_tail(&all_tasks, &t->all_link);
	spin_unlock_irqrestore(&tasks_lock, f);
	ksnprintf(t->name, sizeof(t->name), "%s/%u", name, pc->cpu_id);
	tl->self = tl;
	tl->task = t;
	tl->magic = TASK_LOCAL_MAGIC;
	t->tls = tl;
	t->fs_base = (u64)tl;
	t->kernel_gs_base = 0xffffc90000000000ULL | ((u64)t->id << 12);
	t->stack = stack_base;
	if (stack_base)
		*(u64 *)stack_base = STACK_CANARY;
	t->rq.prio = prio;
	cpumask_clear(&t->affinity);
	cpumask_set(&t->affinity, pc->cpu_id);
	t->cpu = pc->cpu_id;
	t->last_cpu = pc->cpu_id;
	t->migrate_to = -1;
	t->state = TASK_RUNNING;
	list_init(&t->notifiers);
	list_init(&t->sleep_link);
	list_init(&t->wait_link);
	t->slice_ticks = sched_slice_ticks;
	return t;
}

/* Every CPU's run queue is set up once, on the boot CPU, before any other
 * CPU starts: a task may be queued for a CPU before that CPU has entered
 * its idle loop, and re-initialising a queue then would lose the task and
 * break its lock. */
static void sched_cpus_init(void)
{
	for (u32 c = 0; c < MAX_CPUS; c++) {
		struct sched_cpu *sc = sc_of(c);
		spin_lock_init(&sc->lock, "runqueue");
		rq_init(&sc->rq);
		list_init(&sc->sleepers);
	}
}

static volatile u32 cpus_in_scheduler;

static void idle_entry(void *arg)
{
	idle_loop();
}

extern u8 bsp_stack_base[];

/* Boot CPU: the boot context becomes the task "main", which goes on with
 * boot_continue(); an idle task is created for the CPU. */
/* For a panic report on this CPU (kernel/panic.c knows no tasks). */
static const char *current_task_name(void)
{
	struct task *t = current_task();
	return t ? t->name : NULL;
}

void sched_init(void)
{
	struct percpu *pc = this_cpu();
	sched_cpus_init();
	pc->sched = sc_of(pc->cpu_id);
	struct task *main_task = adopt_current_context("main", bsp_stack_base, PRIO_DEFAULT);
	panic_task_name = current_task_name;
	pc->current = main_task;
	load_task_state(pc, main_task);
	task_check_record_boot(NULL);

	struct task_params ip = { .name = "idle/0", .entry = idle_entry, .prio = PRIO_IDLE,
				  .cpu = 0, .detached = true };
	/* The idle task must never sit on a run queue: create, then unqueue. */
	struct task *idle = task_create(&ip);
	if (!idle)
		panic("out of memory", "the idle task of CPU 0");
	spin_lock(&pc->sched->lock);
	rq_dequeue(&pc->sched->rq, &idle->rq);
	idle->state = TASK_RUNNABLE;
	spin_unlock(&pc->sched->lock);
	pc->sched->idle = idle;

	trap_register(VEC_LAPIC_TIMER, sched_tick);
	resched_ipi_hook = resched_ipi;
	trap_exit_hook = sched_trap_exit;
	ap_main_hook = sched_start_cpu;
	sched_up = true;
	lapic_timer_periodic(SCHED_HZ);
}

/* Application processors: the start-up context becomes the idle task. */
void sched_start_cpu(void)
{
	struct percpu *pc = this_cpu();
	struct task *idle = adopt_current_context("idle", NULL, PRIO_IDLE);
	pc->current = idle;
	sc_of(pc->cpu_id)->idle = idle;
	load_task_state(pc, idle);
	__atomic_store_n(&pc->sched, sc_of(pc->cpu_id), __ATOMIC_RELEASE);
	__atomic_add_fetch(&cpus_in_scheduler, 1, __ATOMIC_RELEASE);
	lapic_timer_periodic(SCHED_HZ);
	idle_loop();
}

void sched_wait_for_cpus(void)
{
	u64 until = rdtsc() + ns_to_tsc(2000000000ULL);
	while (READ_ONCE(cpus_in_scheduler) + 1 < ncpus_online && rdtsc() < until)
		cpu_relax();
	if (READ_ONCE(cpus_in_scheduler) + 1 < ncpus_online)
		pr_warn("sched: only %u of %u other CPUs entered the scheduler within 2 s\n",
			cpus_in_scheduler, ncpus_online - 1);
}

void sched_print_stats(void)
{
	kprintf("sched: %-4s %10s %10s %8s %12s %8s\n", "cpu", "switches", "migr-in", "pulls",
		"idle-ms", "ticks");
	for (u32 c = 0; c < ncpus_online; c++) {
		struct sched_cpu_stats *s = &sc_of(c)->stats;
		kprintf("sched: %-4u %10lu %10lu %8lu %12lu %8lu\n", c, s->switches, s->migrations_in,
			s->pulls, tsc_to_ns(s->idle_tsc) / 1000000, s->ticks);
	}
	u64 f = spin_lock_irqsave(&tasks_lock);
	kprintf("sched: %-24s %5s %10s %8s %8s %8s\n", "task", "cpu", "runs", "migr", "preempt",
		"blocks");
	u32 shown = 0;
	list_for_each(it, &all_tasks) {
		struct task *t = list_entry(it, struct task, all_link);
		if (shown++ >= 48) {
			kprintf("sched: ... (more tasks not shown)\n");
			break;
		}
		kprintf("sched: %-24s %5u %10lu %8lu %8lu %8lu\n", t->name, t->cpu, t->stats.runs,
			t->stats.migrations, t->stats.preemptions, t->stats.blocks);
	}
	spin_unlock_irqrestore(&tasks_lock, f);
}

/* Each CPU's run queue as it is now: the running task, then the waiting
 * ones by priority, oldest first.  Copied under the queue's lock, printed
 * after it (a slow console must not hold up scheduling on that CPU). */
#define RQ_SHOW 8
void sched_print_runqueues(void)
{
	for (u32 c = 0; c < ncpus_online; c++) {
		struct sched_cpu *sc = sc_of(c);
		char cur[TASK_NAME_LEN], names[RQ_SHOW][TASK_NAME_LEN];
		u32 prios[RQ_SHOW], n = 0, nr, sleepers = 0;
		u64 f = spin_lock_irqsave(&sc->lock);
		struct task *t = cpu_table[c]->current;
		ksnprintf(cur, sizeof(cur), "%s", t ? t->name : "-");
		nr = sc->rq.nr;
		for (u32 p = 0; p < SCHED_NPRIO && n < RQ_SHOW; p++)
			list_for_each(it, &sc->rq.level[p]) {
				if (n == RQ_SHOW)
					break;
				struct task *q = container_of(list_entry(it, struct rq_entity, link),
							      struct task, rq);
				ksnprintf(names[n], sizeof(names[n]), "%s", q->name);
				prios[n++] = p;
			}
		list_for_each(it, &sc->sleepers)
			sleepers++;
		spin_unlock_irqrestore(&sc->lock, f);
		kprintf("runq: cpu %u: running '%s', %u waiting, %u sleeping%s\n", c, cur, nr, sleepers,
			nr ? ":" : "");
		for (u32 i = 0; i < n; i++)
			kprintf("runq: cpu %u:   prio %u '%s'\n", c, prios[i], names[i]);
		if (nr > n)
			kprintf("runq: cpu %u:   ... %u more\n", c, nr - n);
	}
}
