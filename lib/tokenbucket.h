/* lib/tokenbucket.h - a token bucket on a free-running counter (the TSC):
 * at most `burst` tokens, refilled at `rate` tokens per `hz` counts.  Used
 * to bound what a guest may make the host do (vmm/dev/uart16550.c: COM1
 * output).  Pure; tests/host/test_tokenbucket.c. */
#ifndef SVMHV_LIB_TOKENBUCKET_H
#define SVMHV_LIB_TOKENBUCKET_H
#include "lib/types.h"
#include "lib/muldiv.h"

struct tokenbucket {
	u64 tokens, burst, rate, hz;
	u64 last;		/* counter value the tokens are accounted up to */
};

/* Full at `now`.  hz == 0 (the counter's rate unknown) never limits. */
static inline void tokenbucket_init(struct tokenbucket *b, u64 burst, u64 rate, u64 hz, u64 now)
{
	b->tokens = burst;
	b->burst = burst;
	b->rate = rate;
	b->hz = hz;
	b->last = now;
}

/* Adds what the time since b->last earned.  Only whole tokens move
 * b->last on, so frequent calls lose no fraction. */
static inline void tokenbucket_refill(struct tokenbucket *b, u64 now)
{
	if (now <= b->last)
		return;
	u64 add = mul_div_u64(now - b->last, b->rate, b->hz);	/* ~0 when hz == 0 */
	if (!add)
		return;
	if (add >= b->burst - b->tokens) {
		b->tokens = b->burst;
		b->last = now;
	} else {
		b->tokens += add;
		b->last += mul_div_u64(add, b->hz, b->rate);
	}
}

/* Takes n tokens if there are n; false (nothing taken) otherwise. */
static inline bool tokenbucket_take(struct tokenbucket *b, u64 now, u64 n)
{
	tokenbucket_refill(b, now);
	if (b->tokens < n)
		return false;
	b->tokens -= n;
	return true;
}
#endif
