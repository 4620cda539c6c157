/* vmm/pvclock_core.c - KVM paravirtual clock arithmetic (vmm/pvclock_core.h). */
#include "vmm/pvclock_core.h"
#include "lib/muldiv.h"

#define NS_PER_SEC	1000000000ULL

int pvclock_scale_for_hz(u64 hz, struct pvclock_scale *s)
{
	if (hz < PVCLOCK_HZ_MIN || hz > PVCLOCK_HZ_MAX)
		return -EINVAL;
	/* The smallest shift with 10^9 < hz * 2^shift; the other bound,
	 * hz * 2^(shift-1) <= 10^9, follows from its being the smallest. */
	int shift = 0;
	if (hz > NS_PER_SEC) {
		while (hz > (NS_PER_SEC << (1 - shift)))	/* exact: no bits shifted out */
			shift--;
	} else {
		while ((hz << shift) <= NS_PER_SEC)
			shift++;
	}
	/* mul = 10^9 * 2^(32-shift) / hz: 32 - shift is at most 64 - 32 +
	 * 10 (hz >= 1 kHz means shift <= 20), so 2^(32-shift) fits in u64
	 * for every allowed shift (> -32 as hz <= 1 THz). */
	u64 m = mul_div_u64(NS_PER_SEC, 1ULL << (32 - shift), hz);
	s->mul = (u32)m;
	s->shift = (s8)shift;
	return 0;
}

u64 pvclock_scale_delta(u64 ticks, const struct pvclock_scale *s)
{
	if (s->shift < 0)
		ticks >>= -s->shift;
	else
		ticks <<= s->shift;
	return (u64)(((unsigned __int128)ticks * s->mul) >> 32);
}

u64 pvclock_read_ns(const struct pvclock_vcpu_time_info *t, u64 tsc)
{
	struct pvclock_scale s = { .mul = t->tsc_to_system_mul, .shift = t->tsc_shift };
	return t->system_time + pvclock_scale_delta(tsc - t->tsc_timestamp, &s);
}

void pvclock_fill(struct pvclock_vcpu_time_info *t, u64 ref_tsc, u64 tsc_offset,
		  const struct pvclock_scale *s, bool stable)
{
	t->pad0 = 0;
	t->tsc_timestamp = ref_tsc + tsc_offset;
	t->system_time = 0;
	t->tsc_to_system_mul = s->mul;
	t->tsc_shift = s->shift;
	t->flags = stable ? PVCLOCK_TSC_STABLE_BIT : 0;
	t->pad[0] = t->pad[1] = 0;
}

void pvclock_wall_fill(struct pvclock_wall_clock *w, u64 ns)
{
	w->sec = (u32)(ns / NS_PER_SEC);
	w->nsec = (u32)(ns % NS_PER_SEC);
}
