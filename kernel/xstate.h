/* kernel/xstate.h - the CPU's x87/SSE/AVX/AVX-512 state as the kernel
 * sees it: whether XSAVE is there, which components XCR0 enables on every
 * CPU (the host's XCR0), how big a save area is, and save areas in the
 * state a CPU has at reset.  The kernel itself never uses this state
 * (-mgeneral-regs-only); it only moves guests' state (svm/gstate.c). */
#ifndef SVMHV_XSTATE_H
#define SVMHV_XSTATE_H
#include "lib/types.h"

/* Offsets in the legacy (FXSAVE) region and the XSAVE header
 * (APM vol. 2, 11.4.4 and 11.5.4). */
#define XSAVE_FCW_OFF       0
#define XSAVE_MXCSR_OFF     24
#define XSAVE_HDR_OFF       512		/* XSTATE_BV, XCOMP_BV, reserved: 64 bytes */
#define XSAVE_LEGACY_SIZE   512
#define XSAVE_MIN_SIZE      576		/* legacy region + header */
#define FCW_RESET           0x037f	/* x87 control word after FNINIT/reset */
#define MXCSR_RESET         0x1f80	/* all SIMD exceptions masked */

struct xstate_info {
	bool xsave;		/* CPUID 1 ECX[26]: XSAVE/XRSTOR/XSETBV/XGETBV */
	u64 supported;		/* CPUID 0xD.0 EDX:EAX: user components the CPU has */
	u64 host_xcr0;		/* what every CPU's XCR0 holds while the host runs */
	u32 size;		/* bytes of a save area for host_xcr0 (>= 512) */
	u32 comp_off[64];	/* CPUID 0xD.i EBX: standard-format offset of component i */
	u32 comp_size[64];	/* CPUID 0xD.i EAX */
};
extern struct xstate_info xstate;

void xstate_init(void);			/* BSP, after the APs are up: every CPU */
u32 xstate_size_for(u64 xcr0);		/* standard-format area size for these components */
void *xstate_area_alloc(void);		/* zeroed, 64-byte aligned, reset state; NULL on OOM */
void xstate_area_free(void *area);
void xstate_area_reset(void *area);
void xstate_save(void *area);		/* every host_xcr0 component; XCR0 must be host_xcr0 */
void xstate_restore(const void *area);
#endif
