/* vmm/pvclock_core.h - the arithmetic of KVM's paravirtual clock
 * (hw/kvm_para.h): the fixed-point factor that turns TSC ticks into
 * nanoseconds the way a guest applies it, and the contents of a vCPU's
 * time structure.  Pure: vmm/pvclock.c writes the results into guest RAM;
 * the host test is tests/host/test_pvclock.c. */
#ifndef SVMHV_VMM_PVCLOCK_CORE_H
#define SVMHV_VMM_PVCLOCK_CORE_H
#include "lib/types.h"
#include "hw/kvm_para.h"

/* ns = scale(ticks): shift left by `shift` (right by -shift), multiply by
 * mul / 2^32. */
struct pvclock_scale {
	u32 mul;
	s8 shift;
};

/* TSC rates the factor is computed for: 1 kHz up to 1 THz. */
#define PVCLOCK_HZ_MIN	1000ULL
#define PVCLOCK_HZ_MAX	1000000000000ULL

/* The factor for a TSC of `hz` ticks per second: the shift that puts
 * mul in [2^31, 2^32), i.e. hz * 2^(shift-1) <= 10^9 < hz * 2^shift, and
 * mul = floor(10^9 * 2^(32-shift) / hz).  So one tick is off by less than
 * 2^-31 of its length, and a right shift drops under one ns.  -EINVAL
 * for a rate outside PVCLOCK_HZ_MIN..MAX. */
int pvclock_scale_for_hz(u64 hz, struct pvclock_scale *s);

/* What the guest computes from a tick count: the shift, then the 64 x 32
 * bit product's bits 95:32. */
u64 pvclock_scale_delta(u64 ticks, const struct pvclock_scale *s);

/* The guest's time in ns at guest TSC `tsc`, read from *t as the guest
 * reads it (the host test's model of the guest; svmhv itself never needs
 * it). */
u64 pvclock_read_ns(const struct pvclock_vcpu_time_info *t, u64 tsc);

/* A vCPU's time structure, but its version: svmhv keeps one clock per VM,
 * a host TSC value `ref_tsc` at which every vCPU's system time is 0; a
 * vCPU whose TSC runs `tsc_offset` ahead of the host's sees that moment
 * at guest TSC ref_tsc + tsc_offset.  Every vCPU thus reads the same
 * function of the host's TSC, which is what PVCLOCK_TSC_STABLE_BIT
 * promises when `stable` says the host TSCs are one clock. */
void pvclock_fill(struct pvclock_vcpu_time_info *t, u64 ref_tsc, u64 tsc_offset,
		  const struct pvclock_scale *s, bool stable);

/* The wall clock structure's seconds and nanoseconds for a time of day of
 * `ns` since the epoch (its version is the caller's). */
void pvclock_wall_fill(struct pvclock_wall_clock *w, u64 ns);
#endif
