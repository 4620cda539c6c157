/* kernel/spinlock.c - ticket spinlocks (fair: first come, first served). */
#include "kernel/spinlock.h"
#include "kernel/cpu.h"
#include "kernel/percpu.h"
#include "kernel/panic.h"

bool lock_checks = true;

void spin_lock_init(spinlock_t *l, const char *name)
{
	l->next = 0;
	l->owner = 0;
	l->holder_cpu = -1;
	l->name = name;
}

void spin_lock(spinlock_t *l)
{
	struct percpu *c = this_cpu();
	if (lock_checks && c && l->holder_cpu == (s32)c->cpu_id && spin_is_locked(l))
		panic("spinlock recursion",
		      "lock '%s' taken again on CPU %u, which already holds it",
		      l->name ? l->name : "?", c->cpu_id);
	u32 ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
	if (c) {
		l->holder_cpu = (s32)c->cpu_id;
		c->locks_held++;
	}
}

bool spin_trylock(spinlock_t *l)
{
	u32 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u32 expect = owner;
	if (!__atomic_compare_exchange_n(&l->next, &expect, owner + 1, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	struct percpu *c = this_cpu();
	if (c) {
		l->holder_cpu = (s32)c->cpu_id;
		c->locks_held++;
	}
	return true;
}

void spin_unlock(spinlock_t *l)
{
	struct percpu *c = this_cpu();
	if (lock_checks && c && l->holder_cpu != (s32)c->cpu_id)
		panic("spinlock misuse", "CPU %u unlocks '%s' held by CPU %d",
		      c->cpu_id, l->name ? l->name : "?", l->holder_cpu);
	l->holder_cpu = -1;
	if (c)
		c->locks_held--;
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

u64 spin_lock_irqsave(spinlock_t *l)
{
	u64 f = irq_save();
	spin_lock(l);
	return f;
}

void spin_unlock_irqrestore(spinlock_t *l, u64 flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

bool spin_is_locked(const spinlock_t *l)
{
	return READ_ONCE(l->next) != READ_ONCE(l->owner);
}

bool spin_held_by_me(const spinlock_t *l)
{
	struct percpu *c = this_cpu();
	return spin_is_locked(l) && c && l->holder_cpu == (s32)c->cpu_id;
}
