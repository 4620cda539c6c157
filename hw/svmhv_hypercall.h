/* hw/svmhv_hypercall.h - the guest-visible ABI of svmhv: hypercall numbers,
 * their limits, the test-result codes and the CPUID leaves that name the
 * hypervisor.  This is the one definition; docs/hypercalls.md is the human
 * reference and explains each call.
 *
 * It sits in hw/ rather than in the VMM core because a guest sees it the
 * way it sees a device: a fixed wire format that the hypervisor, the
 * benchmarks and the guests written in assembly must agree on, includable
 * from every layer without pulling in anything else.
 *
 * Assembly guests do not copy it: tools/gen_abi_inc.py turns every #define
 * below into `NAME equ VALUE` in build/gen/svmhv_hypercall.inc at build
 * time (the Makefile regenerates it when this file changes), which
 * tests/guests/svmhv.inc and the kernel's own guests (svm/guests/)
 * include.  Keep the values plain integers, (1 << n) or sums of names
 * defined above: the generator refuses anything else.
 *
 * Register convention (any mode; outside long mode only the low 32 bits):
 *   RAX  in: function (HC_*)      out: result, >= 0 success, -errno failure
 *   RBX  argument 1               out: preserved, except by HC_INFO
 *   RCX  argument 2               out: preserved, except by HC_INFO
 *   RDX  argument 3               out: preserved
 * Everything else, RFLAGS included, is preserved; the guest resumes at the
 * instruction after VMMCALL.  Addresses are guest-physical. */
#ifndef SVMHV_HW_SVMHV_HYPERCALL_H
#define SVMHV_HW_SVMHV_HYPERCALL_H

/* VMMCALL is 0f 01 d9: what the hypervisor adds to RIP after a call. */
#define HC_VMMCALL_LEN		3

/* ---- function numbers (RAX) ---- */
#define HC_NOP			0	/* -> 0; the benchmarks time it */
#define HC_CONSOLE_WRITE	1	/* RBX = gpa, RCX = length <= HC_CONSOLE_MAX */
#define HC_EXIT			2	/* RBX = status, 0 = success; does not return */
#define HC_TEST_RESULT		3	/* RBX = HC_TR_*, RCX = gpa of name, RDX = value */
#define HC_INFO			4	/* -> RAX vCPU index, RBX vCPUs, RCX RAM bytes */
#define HC_TIMER		5	/* RBX = microseconds (0 cancels), RCX = vector */
#define HC_YIELD		6	/* -> 0 after other runnable work had the CPU */

/* ---- limits of the arguments ---- */
#define HC_CONSOLE_MAX		4096	/* bytes per HC_CONSOLE_WRITE */
#define HC_TEST_NAME_MAX	64	/* HC_TEST_RESULT name, NUL included */
#define HC_TIMER_VEC_MIN	32	/* below: exception vectors, refused */
#define HC_TIMER_VEC_MAX	255
#define HC_TIMER_US_MAX		60000000	/* one minute */

/* ---- HC_TEST_RESULT codes (RBX) ---- */
#define HC_TR_PASS		0
#define HC_TR_FAIL		1	/* also any value above HC_TR_SKIP */
#define HC_TR_SKIP		2

/* ---- CPUID: the hypervisor leaves ---- */
#define SVMHV_CPUID_LEAF	0x40000000	/* EAX = SVMHV_CPUID_MAX, EBX:ECX:EDX = signature */
#define SVMHV_CPUID_MAX		0x40000001
#define SVMHV_CPUID_END		0x40000100	/* leaves up to here are the hypervisor's */
/* "svmhvsvmhvsv" as the three little-endian registers read it. */
#define SVMHV_SIG_EBX		0x686d7673	/* "svmh" */
#define SVMHV_SIG_ECX		0x6d767376	/* "vsvm" */
#define SVMHV_SIG_EDX		0x76737668	/* "hvsv" */

/* ---- KVM's paravirtual interface, the part svmhv offers (pc VMs) ----
 * Guests written for KVM (Linux, kvm-unit-tests) find it by the signature
 * "KVMKVMKVM\0\0\0" in a hypervisor leaf base 0x40000000 + n * 0x100;
 * svmhv's own leaves keep 0x40000000, KVM's are the next base.  Its calls
 * share VMMCALL and RAX with svmhv's (KVM's number is kept; svmhv's own
 * stay below it), take a fourth argument in RSI, and run only at CPL 0. */
#define KVM_CPUID_LEAF		0x40000100	/* EAX = KVM_CPUID_FEATURES, EBX:ECX:EDX = signature */
#define KVM_CPUID_FEATURES	0x40000101	/* EAX = KVM_FEATURE_* offered */
#define KVM_CPUID_END		0x40000200	/* leaves up to here are the hypervisor's */
#define KVM_SIG_EBX		0x4b4d564b	/* "KVMK" */
#define KVM_SIG_ECX		0x564b4d56	/* "VMKV" */
#define KVM_SIG_EDX		0x0000004d	/* "M\0\0\0" */
#define KVM_FEATURE_CLOCKSOURCE2	(1 << 3)	/* the pvclock MSRs at 0x4b564d00/01 (hw/kvm_para.h) */
#define KVM_FEATURE_PV_SEND_IPI	(1 << 11)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT	(1 << 24)	/* PVCLOCK_TSC_STABLE_BIT may be trusted */

/* RBX, RCX = bitmaps of APIC IDs, bit i naming RDX + i and RDX + W + i
 * (W = 64 in long mode, else 32); RSI = ICR bits 31:0, physical and
 * without shorthand.  -> RAX the number of IPIs delivered, -EINVAL for a
 * logical or shorthand ICR, -EPERM (-1) above CPL 0. */
#define KVM_HC_SEND_IPI		10
#define KVM_EPERM		1

#endif
