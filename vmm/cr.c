/* vmm/cr.c - a guest's MOV to CR4, which the backend intercepts so that
 * a value the CPU must refuse raises #GP in the guest rather than reach
 * the VMCB: an emulating CPU (QEMU 7.2's TCG) answers a reserved CR4 bit
 * in a guest with VMEXIT_INVALID, and any CPU refuses such a CR4 at the
 * next VMRUN.  The bits that exist follow the CPUID the guest sees
 * (vmm/cpuid.c), so a feature it is not shown (PCID on QEMU's EPYC) cannot
 * be switched on either.  Rules in vmm/cr_rules.c; called by
 * vmm_handle_exit (vmm/exit.c). */
#include "vmm/vmm.h"
#include "vmm/cr_rules.h"
#include "kernel/cpuinfo.h"

/* From leaves 1 and 7 as vmm_cpuid answers them; the same for every vCPU
 * of the VM and for its whole life (IA32_MISC_ENABLE's CPUID limit hides
 * leaf 7 from leaf 0's maximum, not the features), so kept in the VM. */
static u64 guest_cr4_allowed(struct vcpu *v)
{
	struct vm *vm = v->vm;
	u64 a = READ_ONCE(vm->cr4_allowed);
	if (a)
		return a;
	struct vmm_exit_cpuid q1 = { .leaf = 1 }, q7 = { .leaf = 7 };
	vmm_cpuid(v, &q1);
	if (cpu_info.max_leaf >= 7)
		vmm_cpuid(v, &q7);
	struct cr4_cpuid c = { .leaf1_ecx = q1.ecx, .leaf1_edx = q1.edx,
			       .leaf7_ebx = q7.ebx, .leaf7_ecx = q7.ecx };
	a = cr4_allowed(&c);
	WRITE_ONCE(vm->cr4_allowed, a);
	return a;
}

void vmm_cr_write(struct vcpu *v, struct vmm_exit *x)
{
	const struct vmm_exit_cr *w = &x->u.cr;
	if (w->cr != 4) {
		vm_request_stop(v->vm, STOP_ERROR, "MOV to CR%u intercepted, but only CR4 writes are "
				"emulated", w->cr);
		return;
	}
	struct cr4_ctx c = {
		.allowed = guest_cr4_allowed(v),
		.cr0 = vmm_backend->get_reg(v, VMM_REG_CR0),
		.cr3 = vmm_backend->get_reg(v, VMM_REG_CR3),
		.efer = vmm_backend->get_reg(v, VMM_REG_EFER),
	};
	u64 old = vmm_backend->get_reg(v, VMM_REG_CR4);
	int vec = cr4_write_check(&c, old, w->value);
	if (vec) {
		x->inject = (struct vmm_event){ .valid = 1, .vector = (u8)vec, .has_error = 1, .error = 0 };
		return;
	}
	vmm_backend->set_reg(v, VMM_REG_CR4, w->value);
	if (cr4_write_flushes(old, w->value))
		vmm_backend->flush(v);
}
