/* vmm/dev/lapic_timer.c - the local APIC timer of a guest's pure local APIC
 * core (vmm/dev/lapic_core.h): one-shot, periodic and TSC-deadline modes,
 * counted in the host's TSC and converted to the guest's timer clock.
 * lapic_core.c hands it the timer registers' writes and reads; an expiry
 * raises the timer LVT's vector through vlapic_accept_local.
 *
 * Reference: Intel SDM vol. 3A, "APIC Timer" and "TSC-Deadline Mode". */
#include "vmm/dev/lapic_core.h"
#include "vmm/dev/lapic_timer.h"
#include "lib/muldiv.h"

static bool timer_deadline_mode(const struct vlapic *l)
{
	return (l->lvt[LAPIC_LVT_IDX_TIMER] & LVT_TIMER_MODE) == LVT_TIMER_TSC_DEADLINE;
}

static bool timer_periodic(const struct vlapic *l)
{
	return (l->lvt[LAPIC_LVT_IDX_TIMER] & LVT_TIMER_MODE) == LVT_TIMER_PERIODIC;
}

/* ---- timer (SDM "APIC Timer", "TSC-Deadline Mode") ---- */

/* Divide configuration bits 3,1:0: 000b divides by 2 ... 110b by 128,
 * 111b by 1. */
static u64 timer_divisor(const struct vlapic *l)
{
	u32 v = ((l->dcr >> 1) & 4) | (l->dcr & 3);

	return v == 7 ? 1 : 2ull << v;
}

static u64 ticks_to_tsc(const struct vlapic *l, u64 ticks, u64 div)
{
	return mul_div_u64(ticks * div, l->cfg.tsc_hz, l->cfg.timer_hz);
}

static u64 tsc_to_ticks(const struct vlapic *l, u64 tsc, u64 div)
{
	return mul_div_u64(tsc, l->cfg.timer_hz, l->cfg.tsc_hz * div);
}

/* One period (one-shot: the whole count) in TSC cycles, at least 1. */
static u64 timer_period(const struct vlapic *l)
{
	u64 p = ticks_to_tsc(l, l->tmict, timer_divisor(l));

	return p ? p : 1;
}

static void timer_fire(struct vlapic *l)
{
	u32 lvt = l->lvt[LAPIC_LVT_IDX_TIMER];

	if (!(lvt & LVT_MASKED))
		vlapic_accept_local(l, lvt & LVT_VECTOR, false, false);
}

bool vlapic_timer_expire(struct vlapic *l, u64 now)
{
	u64 p;

	if (!vlapic_hw_enabled(l))
		return false;
	if (timer_deadline_mode(l)) {
		if (l->tsc_deadline == 0 || now < l->tsc_deadline)
			return false;
		l->tsc_deadline = 0;	/* reads 0 once it has fired */
		timer_fire(l);
		return true;
	}
	if (!l->t_running || now < l->t_start)
		return false;
	p = timer_period(l);
	if (now - l->t_start < p)
		return false;
	/* Periods that went by unseen are coalesced into one interrupt. */
	timer_fire(l);
	if (timer_periodic(l))
		l->t_start += (now - l->t_start) / p * p;
	else
		l->t_running = false;
	return true;
}

bool vlapic_timer_next(const struct vlapic *l, u64 *tsc)
{
	if (!vlapic_hw_enabled(l))
		return false;
	if (timer_deadline_mode(l)) {
		if (l->tsc_deadline == 0)
			return false;
		*tsc = l->tsc_deadline;
		return true;
	}
	if (!l->t_running)
		return false;
	*tsc = l->t_start + timer_period(l);
	return true;
}

/* After vlapic_timer_expire(now) a running count is in [1, TMICT]. */
static u32 timer_current_synced(const struct vlapic *l, u64 now)
{
	u64 ticks;

	if (timer_deadline_mode(l) || !l->t_running)
		return 0;
	if (now < l->t_start)
		return l->tmict;
	ticks = tsc_to_ticks(l, now - l->t_start, timer_divisor(l));
	return ticks >= l->tmict ? 0 : l->tmict - (u32)ticks;
}

u32 vlapic_timer_current(struct vlapic *l, u64 now)
{
	vlapic_timer_expire(l, now);
	return timer_current_synced(l, now);
}

void vlapic_write_tmict(struct vlapic *l, u32 val, u64 now, struct vlapic_result *res)
{
	if (timer_deadline_mode(l))
		return;		/* ignored in TSC-deadline mode */
	l->tmict = val;
	l->t_running = val != 0;	/* writing 0 stops the timer */
	l->t_start = now;
	res->timer = true;
}

/* A new divider keeps the current count and counts on at the new rate. */
void vlapic_write_dcr(struct vlapic *l, u32 val, u64 now, struct vlapic_result *res)
{
	u32 cur = timer_current_synced(l, now);

	l->dcr = val & LAPIC_TIMER_DIV_MASK;
	if (l->t_running && cur) {
		u64 gone = ticks_to_tsc(l, l->tmict - cur, timer_divisor(l));

		l->t_start = now >= gone ? now - gone : 0;
	}
	res->timer = true;
}

/* A mode change between one-shot and periodic keeps the count going
 * (kvm-unit-tests apic "apic change mode" checks both directions, and that
 * an expired one-shot stays at 0); entering or leaving TSC-deadline mode
 * disarms the timer (SDM "TSC-Deadline Mode"). */
void vlapic_write_lvt_timer(struct vlapic *l, u32 val, struct vlapic_result *res)
{
	u32 old = l->lvt[LAPIC_LVT_IDX_TIMER];
	u32 mode = val & LVT_TIMER_MODE;
	bool was_dl = timer_deadline_mode(l);

	if (!l->cfg.tsc_deadline)
		mode &= ~(u32)LVT_TIMER_TSC_DEADLINE;
	if (mode == LVT_TIMER_MODE_RESERVED)
		mode = old & LVT_TIMER_MODE;	/* reserved: keep the mode */
	l->lvt[LAPIC_LVT_IDX_TIMER] = (val & (LVT_VECTOR | LVT_MASKED)) | mode;
	if (was_dl != timer_deadline_mode(l)) {
		l->t_running = false;
		l->tsc_deadline = 0;
	}
	res->timer = true;
}

u64 vlapic_tsc_deadline_read(struct vlapic *l, u64 now)
{
	vlapic_timer_expire(l, now);
	if (!vlapic_hw_enabled(l) || !timer_deadline_mode(l))
		return 0;
	return l->tsc_deadline;
}

void vlapic_tsc_deadline_write(struct vlapic *l, u64 val, u64 now, struct vlapic_result *res)
{
	if (!vlapic_hw_enabled(l) || !timer_deadline_mode(l))
		return;
	l->tsc_deadline = val;
	res->timer = true;
	vlapic_timer_expire(l, now);	/* a deadline already passed fires now */
}
