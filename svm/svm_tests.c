/* svm/svm_tests.c - KTAP suites for the SVM layer (the host-state suites
 * are svm/hoststate_tests.c):
 *   svm       - SVM on every CPU, the two host pages kept apart (VMRUN's own
 *               host-state writes never touch the VMSAVE area), ASIDs, a
 *               guest's round trip through entry, hypercall and exit;
 *   guests    - the guest modules GRUB loaded, each checked against its
 *               expect= and every result it reported itself (dynamic). */
#include "svm/svm.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/ktest.h"
#include "lib/rand.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/percpu.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "kernel/smp.h"
#include "lib/string.h"
#include "sched/task_check.h"
#include "mm/vmm.h"
#include "drivers/timer.h"

#define EMBEDDED(name) extern const u8 guest_img_##name[], guest_img_##name##_end[]
EMBEDDED(k_exit42);
#define IMG(name) guest_img_##name, (size_t)(guest_img_##name##_end - guest_img_##name)


/* ---------------- svm ---------------- */

static volatile u32 svme_missing;
static void check_svme(void *arg)
{
	if (!(rdmsr(MSR_EFER) & EFER_SVME) || !rdmsr(MSR_VM_HSAVE_PA))
		__atomic_add_fetch(&svme_missing, 1, __ATOMIC_RELAXED);
}

static void enabled_on_every_cpu(struct ktest *t)
{
	svme_missing = 0;
	for (u32 c = 0; c < ncpus_online; c++) {
		if (c == this_cpu_id())
			check_svme(NULL);
		else
			smp_call_on(c, check_svme, NULL, true);
		struct svm_cpu *sc = cpu_table[c]->svm;
		KT_EXPECT(t, sc && sc->enabled, "CPU %u has SVM state", c);
		if (sc)
			KT_EXPECT(t, sc->hsave_pa != sc->host_area_pa, "CPU %u: VM_HSAVE_PA and the host "
				  "save area are distinct pages", c);
	}
	KT_EXPECT(t, svme_missing == 0, "EFER.SVME and VM_HSAVE_PA on every CPU, %u without", svme_missing);
}

/* The fields VMSAVE/VMLOAD move, as offsets in a VMCB-format page. */
struct field_range { u32 off, len; const char *name; };
static const struct field_range vmsave_fields[] = {
	{ 0x400 + offsetof(struct vmcb_save, fs), 16, "FS" },
	{ 0x400 + offsetof(struct vmcb_save, gs), 16, "GS" },
	{ 0x400 + offsetof(struct vmcb_save, ldtr), 16, "LDTR" },
	{ 0x400 + offsetof(struct vmcb_save, tr), 16, "TR" },
	{ 0x400 + offsetof(struct vmcb_save, star), 40, "STAR..KernelGsBase" },
	{ 0x400 + offsetof(struct vmcb_save, sysenter_cs), 24, "SYSENTER" },
};

/* Runs one VMRUN by hand on this CPU with VM_HSAVE_PA filled with a
 * pattern: the host save area must come out byte for byte unchanged, and
 * none of the bytes VMRUN wrote into VM_HSAVE_PA may be a VMSAVE field,
 * which is what would make one shared page unsafe. */
static void vmrun_keeps_off_the_vmsave_area(struct ktest *t)
{
	struct vm *g = vm_create_from_string("guest name=hsave mem=1", IMG(k_exit42));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	struct svm_vcpu *v = to_svm(g->vcpus[0]);
	static u8 before[4096];
	preempt_disable();
	u64 f = irq_save();
	struct svm_cpu *sc = svm_this_cpu();
	u8 *hsave = phys_to_virt(sc->hsave_pa);
	memset(hsave, 0xa5, 4096);
	v->task = current_task();
	svm_asid_assign(v, sc);
	svm_vmsave(sc->host_area_pa);
	memcpy(before, sc->host_area, 4096);
	svm_clgi();
	svm_vmrun(v->vmcb_pa, &v->regs, sc->host_area_pa);
	svm_stgi();
	gstate_cpu_clobbered(sc);
	u64 code = v->vmcb->control.exitcode;
	bool same = !memcmp(before, sc->host_area, 4096);
	u32 written = 0, overlap = 0;
	const char *which = NULL;
	for (u32 i = 0; i < 4096; i++) {
		if (hsave[i] == 0xa5)
			continue;
		written++;
		for (u32 k = 0; k < ARRAY_SIZE(vmsave_fields); k++)
			if (i >= vmsave_fields[k].off && i < vmsave_fields[k].off + vmsave_fields[k].len) {
				overlap++;
				which = vmsave_fields[k].name;
			}
	}
	irq_restore(f);
	preempt_enable();
	ktest_note(t, "exit %s; VMRUN wrote %u bytes of VM_HSAVE_PA, %u of them at VMSAVE field offsets",
		   svm_exit_name(code), written, overlap);
	KT_EXPECT(t, code == SVM_EXIT_VMMCALL, "the guest's VMMCALL exit, found %s", svm_exit_name(code));
	KT_EXPECT(t, same, "the host save area untouched by VMRUN/#VMEXIT");
	KT_EXPECT(t, written > 0, "VMRUN saved host state into VM_HSAVE_PA");
	KT_EXPECT(t, overlap == 0, "no VMRUN host-state write at a VMSAVE field offset (%s)",
		  which ? which : "-");
	vm_destroy(g);
}

static void guest_round_trip(struct ktest *t)
{
	struct vm *g = vm_create_from_string("guest name=rt mem=1", IMG(k_exit42));
	KT_EXPECT(t, g != NULL, "a guest");
	if (!g)
		return;
	vm_start(g);
	vm_wait(g);
	KT_EXPECT(t, g->stop == STOP_HYPERCALL, "stopped by its hypercall, found %s", vm_stop_name(g->stop));
	KT_EXPECT(t, g->exit_status == 42, "exit status 42, found %ld", g->exit_status);
	KT_EXPECT(t, to_svm(g->vcpus[0])->cnt.vmrun >= 1, "at least one VMRUN");
	vm_destroy(g);
}

static void asids_are_unique_then_flushed(struct ktest *t)
{
	struct vm *g = vm_create_from_string("guest name=asid mem=1 vcpus=40", IMG(k_exit42));
	if (!g)
		KT_SKIP(t, "could not create 40 vCPUs");
	struct svm_cpu fake = { .cpu = 999, .next_asid = 1, .asid_generation = 1 };
	u32 nasid = cpu_info.svm_nasid;
	u64 seen[4] = { 0 };
	u32 dup = 0, n = MIN(g->nvcpus, nasid - 1);
	for (u32 i = 0; i < n; i++) {
		struct svm_vcpu *v = to_svm(g->vcpus[i]);
		svm_asid_assign(v, &fake);
		if (v->asid == 0 || (v->asid < 256 && (seen[v->asid / 64] & BIT(v->asid % 64))))
			dup++;
		if (v->asid < 256)
			seen[v->asid / 64] |= BIT(v->asid % 64);
		KT_EXPECT(t, v->vmcb->control.tlb_control != 0, "a new ASID comes with a flush");
	}
	KT_EXPECT(t, dup == 0, "%u distinct non-zero ASIDs, %u duplicates", n, dup);
	if (g->nvcpus > n) {
		struct svm_vcpu *v = to_svm(g->vcpus[n]);
		svm_asid_assign(v, &fake);
		KT_EXPECT(t, fake.asid_generation == 2 && v->asid == 1,
			  "running out starts generation 2 at ASID 1, found gen %u asid %u",
			  fake.asid_generation, v->asid);
	}
	vm_destroy(g);
}

KTEST_SUITE(svm, "svm", KTEST_NEEDS_SVM,
	KTEST_CASE(enabled_on_every_cpu),
	KTEST_CASE(vmrun_keeps_off_the_vmsave_area),
	KTEST_CASE(guest_round_trip),
	KTEST_CASE(asids_are_unique_then_flushed));

/* ---------------- guests (modules) ---------------- */

static u32 guest_cases(struct vm *g)
{
	return 1 + g->nresults;
}

static void report_guest_cases(struct ktest_dyn *d, struct vm *g)
{
	for (u32 i = 0; i < g->nresults; i++) {
		char name[96];
		ksnprintf(name, sizeof(name), "%s: %s", g->cfg.name, g->results[i].name);
		ktest_dyn_result(d, name, g->results[i].result == 0 ? KTEST_PASS :
				 g->results[i].result == 2 ? KTEST_SKIPPED : KTEST_FAIL,
				 "value %#lx", g->results[i].value);
	}
	char name[96];
	ksnprintf(name, sizeof(name), "%s: stops as expected (%s)", g->cfg.name,
		  guest_expect_name(g->cfg.expect));
	ktest_dyn_result(d, name, vm_met_expectation(g) ? KTEST_PASS : KTEST_FAIL,
			 "stopped: %s (%s)", vm_stop_name(g->stop), g->stop_detail);
}

static void run_guest_modules(struct ktest_dyn *d)
{
	struct vm *gs[MB2_MAX_MODULES];
	u32 n = vms_create_from_modules(boot_info.modules, boot_info.module_count,
					   gs, MB2_MAX_MODULES);
	if (!n) {
		ktest_dyn_plan(d, 1);
		ktest_dyn_result(d, "guest modules", KTEST_SKIPPED, "no guest modules were loaded");
		return;
	}
	vms_run_all(gs, n);
	u32 total = 0;
	for (u32 i = 0; i < n; i++)
		total += guest_cases(gs[i]);
	ktest_dyn_plan(d, total);
	for (u32 i = 0; i < n; i++)
		report_guest_cases(d, gs[i]);
	hoststate_print_counters();
	for (u32 i = 0; i < n; i++)
		vm_destroy(gs[i]);
}

KTEST_DYNAMIC_SUITE(guests, "guests", KTEST_NEEDS_SVM | KTEST_EXPLICIT, run_guest_modules);
