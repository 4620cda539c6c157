/* svm/svm.c - turning SVM on, on every CPU: the checks (CPUID, VM_CR),
 * EFER.SVME, the VM_HSAVE_PA page and the host save area that VMSAVE and
 * VMLOAD use; the I/O and MSR permission maps shared by all guests; and
 * the per-CPU ASID allocator.
 *
 * Two pages per CPU, not one: VM_HSAVE_PA is the CPU's private area whose
 * layout the APM leaves to the implementation ("software must not access
 * it"), while the host save area is ours and is read and written in memory
 * by the `cached` policy.  Keeping them apart means no implementation's
 * VMRUN can overwrite a field the cache wrote.  The svm suite checks that
 * VMRUN indeed leaves the host save area alone, and reports which bytes
 * of VM_HSAVE_PA it wrote (docs/host-state.md). */
#include "svm/svm.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/extable.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/vmm.h"

bool svm_usable;
const char *svm_unusable_reason = "not initialised";
paddr_t svm_iopm_pa, svm_msrpm_pa;
static struct svm_cpu *svm_cpus[MAX_CPUS];
static volatile u32 svm_cpu_errors;

struct svm_cpu *svm_this_cpu(void)
{
	return svm_cpus[this_cpu_id()];
}

/* Why SVM cannot be used here, by name, or NULL. */
static const char *svm_check_cpu(void)
{
	if (!cpu_info.has_svm)
		return cpu_info.is_amd ?
			"SVM (AMD-V) is absent: CPUID 0x80000001 ECX bit 2 is clear" :
			"SVM (AMD-V) is absent: this is not an AMD CPU (CPUID 0x80000001 ECX bit 2 is clear)";
	if (!(cpu_info.svm_features & SVM_FEAT_NPT))
		return "SVM is present but nested paging (NPT, CPUID 0x8000000A EDX bit 0) is absent";
	u64 vmcr;
	if (rdmsr_safe(MSR_VM_CR, &vmcr))
		return "the VM_CR MSR cannot be read";
	if (vmcr & VM_CR_SVMDIS) {
		if (vmcr & VM_CR_LOCK)
			return "SVM is disabled by the firmware (VM_CR.SVMDIS set and locked): "
			       "enable SVM / AMD-V in the BIOS setup";
		/* Not locked: software may turn it back on. */
		if (wrmsr_safe(MSR_VM_CR, vmcr & ~VM_CR_SVMDIS))
			return "VM_CR.SVMDIS is set and could not be cleared";
	}
	return NULL;
}

static void svm_cpu_enable(void *arg)
{
	struct percpu *pc = this_cpu();
	struct svm_cpu *sc = svm_cpus[pc->cpu_id];
	if (svm_check_cpu()) {
		__atomic_add_fetch(&svm_cpu_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, sc->hsave_pa);
	/* A first VMSAVE gives the area every field, the common ones
	 * (STAR, SYSENTER...) included. */
	svm_vmsave(sc->host_area_pa);
	hoststate_cpu_init(sc);
	gstate_cpu_init(sc);
	sc->enabled = true;
	pc->svm = sc;
}

int svm_init(void)
{
	const char *why = svm_check_cpu();
	if (why) {
		svm_unusable_reason = why;
		return -ENODEV;
	}
	svm_features_init(cpu_info.svm_features);
	/* All ports and all MSRs intercepted: the handlers emulate what
	 * guests may use (IOPM 12 KiB, MSRPM 8 KiB, all bits set). */
	if (frame_alloc(3, 1, &svm_iopm_pa) || frame_alloc(2, 1, &svm_msrpm_pa)) {
		svm_unusable_reason = "out of memory for the permission maps";
		return -ENOMEM;
	}
	memset(phys_to_virt(svm_iopm_pa), 0xff, 3 * 4096);
	memset(phys_to_virt(svm_msrpm_pa), 0xff, 2 * 4096);

	for (u32 c = 0; c < ncpus_online; c++) {
		struct svm_cpu *sc = kzalloc(sizeof(*sc));
		if (!sc) {
			svm_unusable_reason = "out of memory for per-CPU SVM state";
			return -ENOMEM;
		}
		sc->cpu = c;
		sc->hsave_pa = frame_alloc_zeroed();
		sc->host_area_pa = frame_alloc_zeroed();
		sc->host_area = phys_to_virt(sc->host_area_pa);
		sc->scratch_pa = frame_alloc_zeroed();
		sc->scratch = phys_to_virt(sc->scratch_pa);
		sc->next_asid = 1;
		sc->asid_generation = 1;
		svm_cpus[c] = sc;
	}
	svm_cpu_errors = 0;
	for (u32 c = 0; c < ncpus_online; c++) {
		if (c == this_cpu_id())
			svm_cpu_enable(NULL);
		else
			smp_call_on(c, svm_cpu_enable, NULL, true);
	}
	if (svm_cpu_errors) {
		svm_unusable_reason = "SVM could not be enabled on every CPU";
		return -ENODEV;
	}
	hoststate_record_boot(svm_this_cpu());
	svm_usable = true;
	svm_unusable_reason = NULL;
	kprintf("svm: enabled on %u CPUs: EFER.SVME, VM_HSAVE_PA and a host save area per CPU; "
		"%u ASIDs\n", ncpus_online, cpu_info.svm_nasid);
	svm_features_print();
	return 0;
}

/* A vCPU needs an ASID of the CPU it runs on.  ASIDs are handed out per
 * CPU; when they run out, a new generation starts and every vCPU that
 * runs there next gets a fresh one with a TLB flush.  A new ASID is always
 * flushed: its number may have been used by another guest before. */
void svm_asid_assign(struct svm_vcpu *v, struct svm_cpu *sc)
{
	if (v->asid_cpu == sc->cpu && v->asid_generation == sc->asid_generation)
		return;
	if (sc->next_asid >= cpu_info.svm_nasid) {
		sc->asid_generation++;
		sc->next_asid = 1;
	}
	v->asid = sc->next_asid++;
	v->asid_generation = sc->asid_generation;
	v->asid_cpu = sc->cpu;
	v->vmcb->control.asid = v->asid;
	v->vmcb->control.tlb_control = svm_tlb_flush_cmd();
	vmcb_clean_mark_dirty(&v->clean, VMCB_CLEAN_ASID);
}
