/* vmm/exit.c - the core's side of an exit: the backend decoded it into a
 * struct vmm_exit (vmm/exit.h), this answers it by reason - port and MMIO
 * accesses through the VM's I/O buses to a device, CPUID (cpuid.c), MSRs
 * (msr.c), hypercalls (hypercall.c), HLT, and the reasons that stop the
 * VM.  The backend then applies the answer.  Returns 0 to resume, non-zero
 * when the VM stops. */
#include "vmm/vmm.h"
#include "vmm/dev/dev.h"
#include "vmm/dev/lapic.h"
#include "kernel/printk.h"
#include "kernel/cpu.h"

/* IN/OUT: the device registered for the port, else reads see all ones
 * and writes are dropped (and counted).  Also the backend's fused path's
 * (vmm/vmm.h). */
void vmm_io(struct vcpu *v, struct vmm_exit_io *io)
{
	u64 mask = io->size == 4 ? 0xffffffffULL : io->size == 2 ? 0xffffULL : 0xffULL;
	struct vm *vm = v->vm;
	if (io->string) {
		/* INS/OUTS are not emulated: treated as dropped, not as data. */
		vm->io_dropped++;
		return;
	}
	const struct vmm_bus_range *r = vmm_bus_find_hinted(&vm->pio, io->port);
	if (io->in) {
		u64 val = mask;		/* nothing there: all ones */
		if (r)
			val = r->dev->ops->read(r->dev, v, io->port, io->size);
		else
			vm->io_unhandled_reads++;
		io->data = val & mask;
	} else if (r) {
		r->dev->ops->write(r->dev, v, io->port, io->size, io->data & mask);
	} else {
		vm->io_dropped++;
	}
}

static void handle_mmio(struct vcpu *v, struct vmm_exit_mmio *m)
{
	struct vm *vm = v->vm;
	if (vcpu_apic_page_hit(v, m->gpa)) {	/* per vCPU, not on the VM's bus */
		if (m->write)
			vcpu_lapic_mmio_write(v, m->gpa, m->size, m->data);
		else
			m->data = vcpu_lapic_mmio_read(v, m->gpa, m->size);
		return;
	}
	const struct vmm_bus_range *r = vmm_bus_find_hinted(&vm->mmio, m->gpa);
	if (m->write) {
		if (r)
			r->dev->ops->write(r->dev, v, m->gpa, m->size, m->data);
	} else {
		m->data = r ? r->dev->ops->read(r->dev, v, m->gpa, m->size) : ~0ULL;
	}
}

static __attribute__((noinline, cold)) int handle_stop(struct vcpu *v, struct vmm_exit *x);

static const char *const access_names[] = {
	[VMM_ACCESS_READ] = "read", [VMM_ACCESS_WRITE] = "write", [VMM_ACCESS_FETCH] = "instruction fetch",
};

static inline int vmm_handle_exit(struct vcpu *v, struct vmm_exit *x)
{
	switch (x->reason) {
	case VMM_EXIT_HYPERCALL:
		return vmm_hypercall(v, x);
	case VMM_EXIT_CPUID:
		vmm_cpuid(v, &x->u.cpuid);
		return 0;
	case VMM_EXIT_MSR:
		vmm_msr(v, x);
		return 0;
	case VMM_EXIT_IO:
		vmm_io(v, &x->u.io);
		return 0;
	case VMM_EXIT_MMIO:
		handle_mmio(v, &x->u.mmio);
		return 0;
	case VMM_EXIT_HLT:
		v->halted = true;
		return 0;
	case VMM_EXIT_CR_WRITE:
		vmm_cr_write(v, x);
		return 0;
	case VMM_EXIT_NONE:
		return 0;
	default:
		return handle_stop(v, x);
	}
}

/* The reasons that stop the VM: off the hot path. */
static __attribute__((noinline, cold)) int handle_stop(struct vcpu *v, struct vmm_exit *x)
{
	struct vm *vm = v->vm;
	switch (x->reason) {
	case VMM_EXIT_SHUTDOWN:
		vm_request_stop(vm, STOP_SHUTDOWN, "triple fault (shutdown) on vCPU %u near RIP %#lx",
				v->index, x->rip);
		return 1;
	case VMM_EXIT_NPF:
		vm_request_stop(vm, STOP_NPF, "%s outside its RAM at GPA %#lx (RIP %#lx, error %#lx)",
				access_names[x->u.npf.access % ARRAY_SIZE(access_names)], x->u.npf.gpa,
				x->rip, x->u.npf.error);
		return 1;
	case VMM_EXIT_INVALID:
		vm_request_stop(vm, STOP_INVALID, "VMEXIT_INVALID: inconsistent guest state");
		return 1;
	case VMM_EXIT_UNHANDLED:
		vm_request_stop(vm, STOP_UNHANDLED, "unhandled exit %#lx (%s)", x->u.unhandled.code,
				vmm_backend->exit_name(x->u.unhandled.code));
		return 1;
	case VMM_EXIT_STOPPED:
	default:
		return 1;
	}
}

int vcpu_handle_exit(struct vcpu *v, struct vmm_exit *x)
{
	struct vcpu_trace *tr = v->trace;
	if (__builtin_expect(tr != NULL, 0) && tr->n < tr->cap) {
		tr->rec[tr->n].t_h0 = rdtsc();
		tr->rec[tr->n].reason = x->reason;
	}
	int stop = vmm_handle_exit(v, x);
	if (vmm_backend->vcpu_complete(v, x))
		stop = 1;
	if (__builtin_expect(tr != NULL, 0) && tr->n < tr->cap)
		tr->rec[tr->n++].t_h1 = rdtsc();
	if (!stop)
		vcpu_yield_if_asked(v);
	return stop;
}
