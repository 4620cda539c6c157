/* kernel/xstate.c - XSAVE detection and set-up at boot (CR4.OSXSAVE and
 * the host XCR0 on every CPU), and the save areas svm/gstate.c keeps one
 * of per vCPU.  Without XSAVE the areas are FXSAVE's 512 bytes and only
 * x87 and SSE exist. */
#include "kernel/xstate.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/vmm.h"

struct xstate_info xstate;

/* MPX's two components are left off: AMD CPUs have none, and a
 * hypervisor that enabled one without the other would make XRSTOR fault
 * (APM vol. 2, 11.5.2 lists the XCR0 combinations that #GP). */
#define XCR0_NEVER (XCR0_BNDREGS | XCR0_BNDCSR)

static void xstate_cpu_enable(void *arg)
{
	write_cr4(read_cr4() | CR4_OSXSAVE);
	xsetbv(0, xstate.host_xcr0);
}

u32 xstate_size_for(u64 xcr0)
{
	if (!xstate.xsave)
		return XSAVE_LEGACY_SIZE;
	u32 size = XSAVE_MIN_SIZE;
	for (u32 i = 2; i < 64; i++)
		if ((xcr0 & BIT(i)) && xstate.comp_off[i] + xstate.comp_size[i] > size)
			size = xstate.comp_off[i] + xstate.comp_size[i];
	return size;
}

void xstate_init(void)
{
	u32 a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	xstate.xsave = (c & BIT(26)) && cpu_info.max_leaf >= 0xd;
	if (!xstate.xsave) {
		xstate.host_xcr0 = XCR0_X87 | XCR0_SSE;
		xstate.supported = xstate.host_xcr0;
		xstate.size = XSAVE_LEGACY_SIZE;
		kprintf("xstate: no XSAVE: x87 and SSE state kept with FXSAVE (512 bytes)\n");
		return;
	}
	cpuid_count(0xd, 0, &a, &b, &c, &d);
	xstate.supported = ((u64)d << 32) | a;
	xstate.host_xcr0 = xstate.supported & ~XCR0_NEVER;
	for (u32 i = 2; i < 64; i++)
		if (xstate.supported & BIT(i)) {
			cpuid_count(0xd, i, &a, &b, &c, &d);
			xstate.comp_size[i] = a;
			xstate.comp_off[i] = b;
		}
	xstate.size = xstate_size_for(xstate.host_xcr0);
	smp_call_each(xstate_cpu_enable, NULL);
	kprintf("xstate: XSAVE on every CPU: CR4.OSXSAVE, XCR0 %#lx (%s%s%s%s), %u-byte save areas\n",
		xstate.host_xcr0, "x87 SSE", xstate.host_xcr0 & XCR0_YMM ? " AVX" : "",
		(xstate.host_xcr0 & XCR0_AVX512) == XCR0_AVX512 ? " AVX-512" : "",
		xstate.host_xcr0 & XCR0_PKRU ? " PKRU" : "", xstate.size);
}

/* The state at reset (APM vol. 2, table 14-1): everything zero but the
 * x87 control word and MXCSR.  For XRSTOR the header's XSTATE_BV names
 * x87 and SSE so those two values are loaded; every other component is
 * marked in its initial state; XCOMP_BV 0 = standard format. */
void xstate_area_reset(void *area)
{
	u8 *p = area;
	memset(p, 0, xstate.size);
	*(u16 *)(void *)(p + XSAVE_FCW_OFF) = FCW_RESET;
	*(u32 *)(void *)(p + XSAVE_MXCSR_OFF) = MXCSR_RESET;
	if (xstate.xsave)
		*(u64 *)(void *)(p + XSAVE_HDR_OFF) = XCR0_X87 | XCR0_SSE;
}

static u32 area_pages(void)
{
	return (xstate.size + 4095) / 4096;
}

void *xstate_area_alloc(void)
{
	paddr_t pa;
	if (frame_alloc(area_pages(), 1, &pa))	/* page-aligned: XSAVE wants 64 */
		return NULL;
	void *area = phys_to_virt(pa);
	xstate_area_reset(area);
	return area;
}

void xstate_area_free(void *area)
{
	if (area)
		frame_free(virt_to_phys(area), area_pages());
}

void xstate_save(void *area)
{
	if (xstate.xsave)
		xsave(area, xstate.host_xcr0);
	else
		fxsave(area);
}

void xstate_restore(const void *area)
{
	if (xstate.xsave)
		xrstor(area, xstate.host_xcr0);
	else
		fxrstor(area);
}
