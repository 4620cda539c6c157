/* vmm/cpuid_topo.h - the CPU topology a VM's CPUID describes, so that it
 * agrees with the vCPU count and with the MADT (vmm/dev/acpi.c: local
 * APIC IDs 0..n-1, the vCPU's index): one package of n cores with one
 * thread each, one node, the last-level cache shared by all.  Applied by
 * vmm/cpuid.c over the host's values of the leaves that carry topology
 * (AMD APM vol. 3, appendix E: leaves 1, 0x80000001 CmpLegacy,
 * 0x80000008 ECX, 0x8000001D/0x8000001E, 0x80000026; Intel SDM vol. 2A,
 * CPUID: leaves 4, 0xB, 0x1F).  Pure; host test tests/host/test_cpuid_topo.c. */
#ifndef SVMHV_VMM_CPUID_TOPO_H
#define SVMHV_VMM_CPUID_TOPO_H
#include "lib/types.h"

/* APIC ID bits that number the cores: ceil(log2(n)), 0 for one vCPU. */
u32 cpuid_topo_core_bits(u32 nvcpus);

/* Whether `leaf` is one cpuid_topo_apply changes. */
bool cpuid_topo_leaf(u32 leaf);

/* Rewrites the topology fields of the host's answer to (leaf, sub) for a
 * VM of `nvcpus` vCPUs, asked by the vCPU whose APIC ID is `apic_id`;
 * every other field is left as it was. */
void cpuid_topo_apply(u32 leaf, u32 sub, u32 nvcpus, u32 apic_id, u32 *a, u32 *b, u32 *c, u32 *d);
#endif
