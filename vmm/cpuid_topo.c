/* vmm/cpuid_topo.c - the topology CPUID leaves of a VM (vmm/cpuid_topo.h). */
#include "vmm/cpuid_topo.h"

/* leaf 0xB / 0x1F ECX[15:8] level types; AMD's 0x80000026 has its own */
#define TOPO_TYPE_SMT		1
#define TOPO_TYPE_CORE		2
#define AMD_TOPO_TYPE_CORE	1
#define AMD_TOPO_TYPE_SOCKET	4

u32 cpuid_topo_core_bits(u32 nvcpus)
{
	u32 bits = 0;
	while ((1u << bits) < nvcpus)
		bits++;
	return bits;
}

bool cpuid_topo_leaf(u32 leaf)
{
	switch (leaf) {
	case 1: case 4: case 0xb: case 0x1f: case 0x80000001: case 0x80000008:
	case 0x8000001d: case 0x8000001e: case 0x80000026:
		return true;
	default:
		return false;
	}
}

/* Two levels, threads then cores, in the format of leaves 0xB/0x1F
 * (type codes `smt`, `core`) or 0x80000026 (AMD's). */
static void topo_levels(u32 sub, u32 n, u32 apic_id, u32 smt, u32 core, u32 *a, u32 *b, u32 *c, u32 *d)
{
	*d = apic_id;
	if (sub == 0) {
		*a = 0;				/* one thread per core: no bits */
		*b = 1;
		*c = smt << 8;
	} else if (sub == 1) {
		*a = cpuid_topo_core_bits(n);	/* shift to the package's ID */
		*b = n;
		*c = core << 8 | 1;
	} else {
		*a = *b = 0;			/* no such level */
		*c = sub & 0xff;
	}
}

void cpuid_topo_apply(u32 leaf, u32 sub, u32 n, u32 apic_id, u32 *a, u32 *b, u32 *c, u32 *d)
{
	u32 bits = cpuid_topo_core_bits(n);
	switch (leaf) {
	case 1:
		/* EBX[31:24] initial APIC ID, [23:16] logical processors in
		 * the package; EDX[28] HTT says the count is meaningful. */
		*b = (*b & 0x0000ffff) | (apic_id & 0xff) << 24 | (n & 0xff) << 16;
		if (n > 1)
			*d |= BIT(28);
		else
			*d &= ~(u32)BIT(28);
		break;
	case 4:
		/* Intel's cache leaf, where a host gives it: EAX[31:26] cores
		 * in the package - 1, [25:14] threads sharing - 1 (all of
		 * them for the last level, one below it). */
		if (*a & 0x1f) {
			u32 sharing = ((*a >> 5) & 7) >= 3 ? (1u << bits) - 1 : 0;
			*a = (*a & 0x3fff) | ((1u << bits) - 1) << 26 | sharing << 14;
		}
		break;
	case 0xb: case 0x1f:
		topo_levels(sub, n, apic_id, TOPO_TYPE_SMT, TOPO_TYPE_CORE, a, b, c, d);
		break;
	case 0x80000001:
		/* ECX[1] CmpLegacy: the HTT count of leaf 1 is cores, not
		 * threads (how AMD parts say "no SMT"). */
		if (n > 1)
			*c |= BIT(1);
		else
			*c &= ~(u32)BIT(1);
		break;
	case 0x80000008:
		/* ECX[15:12] ApicIdCoreIdSize, [7:0] NC = cores - 1. */
		*c = (*c & ~0xf0ffu) | bits << 12 | (n - 1);
		break;
	case 0x8000001d:
		/* EAX[25:14] NumSharingCache - 1: the last level (L3) is shared
		 * by every vCPU, the others are a core's own. */
		if (*a & 0x1f) {
			u32 sharing = ((*a >> 5) & 7) >= 3 ? n - 1 : 0;
			*a = (*a & ~GENMASK(25, 14)) | sharing << 14;
		}
		break;
	case 0x8000001e:
		/* EAX extended APIC ID; EBX[15:8] threads per core - 1, [7:0]
		 * core ID; ECX[10:8] nodes per package - 1, [7:0] node ID. */
		*a = apic_id;
		*b = apic_id & 0xff;
		*c = 0;
		*d = 0;
		break;
	case 0x80000026:
		topo_levels(sub, n, apic_id, AMD_TOPO_TYPE_CORE, AMD_TOPO_TYPE_SOCKET, a, b, c, d);
		break;
	}
}
