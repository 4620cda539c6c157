/* vmm/hypercall.c - the hypercalls (hw/svmhv_hypercall.h, explained in
 * docs/hypercalls.md).  Arguments come in the exit record already cut to
 * 32 bits outside long mode; results go back in ret[], nret of them. */
#include "vmm/vmm.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "drivers/timer.h"
#include "hw/svmhv_hypercall.h"
#include "hw/lapic.h"
#include "vmm/pvipi.h"
#include "vmm/dev/lapic.h"
#include "vmm/dev/apic_msg.h"

static __attribute__((noinline)) s64 hc_console_write(struct vm *vm, u64 gpa, u64 len)
{
	const u8 *p = len <= HC_CONSOLE_MAX ? vm_gpa_to_host(vm, gpa, len) : NULL;
	if (!p || gpa >= vm->ram_size)
		return -EFAULT;
	for (u64 i = 0; i < len; i++)
		vm_console_putc(vm, (char)p[i]);
	return 0;
}

static __attribute__((noinline)) s64 hc_test_result(struct vm *vm, u64 result, u64 name_gpa, u64 value)
{
	char name[HC_TEST_NAME_MAX + 1];
	memset(name, 0, sizeof(name));
	for (u32 i = 0; i < HC_TEST_NAME_MAX; i++) {
		if (vm_read(vm, name_gpa + i, &name[i], 1)) {
			if (!i)
				return -EFAULT;
			break;
		}
		if (!name[i])
			break;
		if ((u8)name[i] < 0x20 || (u8)name[i] > 0x7e)
			name[i] = '?';
	}
	const char *word = result == HC_TR_PASS ? "ok" : result == HC_TR_SKIP ? "skip" : "not ok";
	vm_console_flush(vm);
	kprintf("guest %s: %s %s (value %#lx)\n", vm->cfg.name, word, name, value);
	u64 f = spin_lock_irqsave(&vm->lock);
	if (vm->nresults < VM_MAX_RESULTS) {
		struct vm_result *gr = &vm->results[vm->nresults++];
		memcpy(gr->name, name, sizeof(gr->name));
		gr->result = (u8)(result > HC_TR_SKIP ? HC_TR_FAIL : result);
		gr->value = value;
	}
	if (result == HC_TR_PASS)
		vm->results_pass++;
	else if (result == HC_TR_SKIP)
		vm->results_skip++;
	else
		vm->results_fail++;
	spin_unlock_irqrestore(&vm->lock, f);
	return 0;
}

static __attribute__((noinline)) s64 hc_timer(struct vcpu *v, u64 us, u64 vec)
{
	if (us == 0) {
		/* Cancelling also withdraws an expiry the guest has not taken
		 * yet (docs/hypercalls.md). */
		vtimer_cancel(&v->timers, &v->hc_timer);
		if (v->hc_timer_vector)
			vcpu_irq_withdraw(v, v->hc_timer_vector);
		return 0;
	}
	if (vec < HC_TIMER_VEC_MIN || vec > HC_TIMER_VEC_MAX || us > HC_TIMER_US_MAX)
		return -EINVAL;
	v->hc_timer_vector = (u8)vec;
	vtimer_arm(&v->timers, &v->hc_timer, rdtsc() + ns_to_tsc(us * 1000));
	return 0;
}

/* HC_TIMER's expiry, from the vCPU's timer queue. */
void vcpu_hc_timer_fire(struct vtimer *t, u64 now)
{
	struct vcpu *v = container_of(t, struct vcpu, hc_timer);
	vcpu_irq_raise_local(v, v->hc_timer_vector, false);
}

/* KVM_HC_SEND_IPI: an IPI from ICR word h->args[3] to each APIC ID the
 * bitmaps name (vmm/pvipi.h), each one as a physical-destination ICR
 * write would send it. */
struct pv_ipi_ctx {
	struct vm *vm;
	struct vcpu *src;
	struct apic_msg msg;
};

static bool pv_ipi_one(void *arg, u32 id)
{
	struct pv_ipi_ctx *c = arg;
	c->msg.dest = id;
	return vm_apic_send(c->vm, c->src, &c->msg) != 0;
}

static __attribute__((noinline)) s64 hc_kvm_send_ipi(struct vcpu *v, const struct vmm_exit_hypercall *h)
{
	struct vm *vm = v->vm;
	if (!v->lapic)
		return -ENOSYS;		/* not offered without local APICs */
	if (h->cpl != 0)
		return -KVM_EPERM;
	u32 icr = (u32)h->args[3];
	if (pvipi_check_icr(icr))
		return -EINVAL;
	struct pvipi_req r = {
		.bitmap = { h->args[0], h->args[1] }, .min = (u32)h->args[2], .icr = icr,
		.long_mode = h->long_mode,
	};
	/* The highest APIC ID any vCPU has now (the guest may change xAPIC
	 * IDs); never the x2APIC broadcast ID. */
	u32 max_id = 0;
	for (u32 i = 0; i < vm->nvcpus; i++)
		if (vm->vcpus[i] && vm->vcpus[i]->lapic)
			max_id = MAX(max_id, vcpu_lapic_id(vm->vcpus[i]));
	max_id = MIN(max_id, LAPIC_BCAST_X2APIC - 1);
	struct pv_ipi_ctx c = {
		.vm = vm, .src = v,
		.msg = {
			.vector = (u8)(icr & ICR_VECTOR),
			.delivery = (u8)((icr & ICR_DM) >> ICR_DM_SHIFT),
			.shorthand = ICR_SH_NONE,
			.logical = false,
			.level = (icr & ICR_TRIGGER_LEVEL) != 0,
			.assert = (icr & ICR_LEVEL_ASSERT) != 0,
			.x2apic = true,		/* a 32-bit physical ID */
		},
	};
	return pvipi_for_each(&r, max_id, pv_ipi_one, &c);
}

static __attribute__((noinline, cold)) int hc_exit(struct vm *vm, struct vmm_exit_hypercall *h)
{
	vm->exit_status = h->long_mode ? (s64)h->args[0] : (s64)(s32)h->args[0];
	vm_console_flush(vm);
	vm_request_stop(vm, STOP_HYPERCALL, "exit hypercall with status %ld", vm->exit_status);
	h->nret = 0;	/* RAX keeps the number */
	return 1;
}

int vmm_hypercall(struct vcpu *v, struct vmm_exit *x)
{
	struct vmm_exit_hypercall *h = &x->u.hypercall;
	struct vm *vm = v->vm;
	s64 ret = 0;
	h->nret = 1;
	switch (h->nr) {
	case HC_NOP:		/* also answered inline: vmm_hypercall_is_null */
		break;
	case HC_CONSOLE_WRITE:
		ret = hc_console_write(vm, h->args[0], h->args[1]);
		break;
	case HC_EXIT:
		return hc_exit(vm, h);
	case HC_TEST_RESULT:
		ret = hc_test_result(vm, h->args[0], h->args[1], h->args[2]);
		break;
	case HC_INFO:
		ret = v->index;
		h->ret[1] = vm->nvcpus;
		h->ret[2] = vm->ram_size;
		h->nret = 3;
		break;
	case HC_TIMER:
		ret = hc_timer(v, h->args[0], h->args[1]);
		break;
	case HC_YIELD:
		v->want_yield = true;
		break;
	case KVM_HC_SEND_IPI:
		ret = hc_kvm_send_ipi(v, h);
		break;
	default:
		ret = -ENOSYS;
		break;
	}
	h->ret[0] = (u64)ret;
	return 0;
}
