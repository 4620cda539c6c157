/* kernel/spinlock.h - fair ticket spinlocks.  The irqsave variants also
 * disable interrupts.  In test builds (and always, it is cheap) a lock
 * remembers its owner CPU so recursion is caught, and each CPU counts the
 * locks it holds so the scheduler can refuse to sleep with one held. */
#ifndef SVMHV_SPINLOCK_H
#define SVMHV_SPINLOCK_H

#include "lib/types.h"

typedef struct spinlock {
	volatile u32 next;	/* ticket dispenser */
	volatile u32 owner;	/* ticket now served */
	s32 holder_cpu;		/* -1 when free */
	const char *name;
} spinlock_t;

#define SPINLOCK_INIT(n) { 0, 0, -1, n }

void spin_lock_init(spinlock_t *l, const char *name);
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);
u64 spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, u64 flags);
bool spin_is_locked(const spinlock_t *l);
bool spin_held_by_me(const spinlock_t *l);

extern bool lock_checks;	/* recursion/sleep checks; on in test runs */

#endif
