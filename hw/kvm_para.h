/* hw/kvm_para.h - KVM's paravirtual clock as a guest sees it: the two MSRs
 * a guest writes to register its clock structures, and the structures the
 * hypervisor fills (Linux Documentation/virt/kvm/x86/msr.rst,
 * MSR_KVM_WALL_CLOCK_NEW and MSR_KVM_SYSTEM_TIME_NEW; the layout is the
 * pvclock ABI Xen shares).  The CPUID leaves and feature bits that offer it
 * are in hw/svmhv_hypercall.h beside KVM's other leaves (cpuid.rst).
 * Modelled by vmm/pvclock.c and vmm/pvclock_core.c. */
#ifndef SVMHV_HW_KVM_PARA_H
#define SVMHV_HW_KVM_PARA_H
#include "lib/types.h"

/* Write a GPA: the hypervisor stores the wall clock at boot there, once,
 * at the write.  Global in effect although every vCPU has the MSR. */
#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
/* Write a GPA | KVM_SYSTEM_TIME_ENABLE: the hypervisor keeps this vCPU's
 * pvclock_vcpu_time_info there up to date; bit 0 clear switches it off. */
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01
#define  KVM_SYSTEM_TIME_ENABLE	BIT(0)

/* One per vCPU.  The guest's time in ns at its TSC value `tsc` is
 *   system_time + scale(tsc - tsc_timestamp)
 * where scale(d) shifts d left by tsc_shift (right by -tsc_shift when
 * negative), multiplies by tsc_to_system_mul and keeps bits 95:32 of the
 * product (mul is a 0.32 fixed-point fraction).  `version` is odd while the
 * hypervisor writes the fields and even when they are consistent: the
 * guest reads it before and after and retries when it changed or is odd. */
struct pvclock_vcpu_time_info {
	/* 0x00 */ u32 version;
	/* 0x04 */ u32 pad0;
	/* 0x08 */ u64 tsc_timestamp;	/* guest TSC at which system_time held */
	/* 0x10 */ u64 system_time;	/* ns */
	/* 0x18 */ u32 tsc_to_system_mul;
	/* 0x1c */ s8 tsc_shift;
	/* 0x1d */ u8 flags;
#define PVCLOCK_TSC_STABLE_BIT	BIT(0)	/* the same clock on every vCPU: no cross-vCPU fix-up needed */
#define PVCLOCK_GUEST_STOPPED	BIT(1)	/* the host paused the guest (not used by svmhv) */
	/* 0x1e */ u8 pad[2];
} __packed;

/* Seconds and nanoseconds of the time of day at which every vCPU's
 * system_time was 0; the guest adds its system time to get the time now.
 * The same version protocol as above. */
struct pvclock_wall_clock {
	/* 0x00 */ u32 version;
	/* 0x04 */ u32 sec;
	/* 0x08 */ u32 nsec;
} __packed;

_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "pvclock_vcpu_time_info is 32 bytes");
_Static_assert(__builtin_offsetof(struct pvclock_vcpu_time_info, tsc_timestamp) == 0x08, "tsc_timestamp");
_Static_assert(__builtin_offsetof(struct pvclock_vcpu_time_info, system_time) == 0x10, "system_time");
_Static_assert(__builtin_offsetof(struct pvclock_vcpu_time_info, tsc_to_system_mul) == 0x18, "mul");
_Static_assert(__builtin_offsetof(struct pvclock_vcpu_time_info, tsc_shift) == 0x1c, "tsc_shift");
_Static_assert(__builtin_offsetof(struct pvclock_vcpu_time_info, flags) == 0x1d, "flags");
_Static_assert(sizeof(struct pvclock_wall_clock) == 12, "pvclock_wall_clock is 12 bytes");
#endif
