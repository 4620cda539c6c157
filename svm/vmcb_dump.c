/* svm/vmcb_dump.c - print a VMCB field by field.
 *
 * Called when an exit cannot be handled (unknown or invalid exit code, a
 * failed VMRUN) so the log shows the guest state by name, not a hex blob.
 * Pure file: only kprintf.
 */
#include "lib/types.h"
#include "kernel/printk.h"
#include "svm/exitcodes.h"
#include "svm/vmcb.h"

static void dump_seg(const char *name, const struct vmcb_seg *s)
{
	kprintf("  %s sel=%04x attr=%04x limit=%08x base=%016lx\n",
		name, s->selector, s->attrib, s->limit, s->base);
}

static void dump_control(const struct vmcb_control *c)
{
	unsigned int i, n;

	kprintf("  intercept cr=%08x dr=%08x excp=%08x word1=%08x word2=%08x word3=%08x\n",
		c->intercept_cr, c->intercept_dr, c->intercept_exceptions,
		c->intercept1, c->intercept2, c->intercept3);
	kprintf("  pause_filter thresh=%u count=%u iopm=%016lx msrpm=%016lx\n",
		c->pause_filter_thresh, c->pause_filter_count,
		c->iopm_base_pa, c->msrpm_base_pa);
	kprintf("  tsc_offset=%016lx asid=%u tlb_control=%02x clean=%08x\n",
		c->tsc_offset, c->asid, c->tlb_control, c->clean);
	kprintf("  vintr=%016lx int_shadow=%lx np_ctl=%lx n_cr3=%016lx virt_ctl=%lx\n",
		c->vintr, c->int_shadow, c->np_ctl, c->n_cr3, c->virt_ctl);
	kprintf("  exitcode=0x%03lx (%s) exitinfo1=%016lx exitinfo2=%016lx\n",
		c->exitcode, svm_exit_name(c->exitcode), c->exitinfo1, c->exitinfo2);
	kprintf("  exitintinfo=%016lx eventinj=%016lx nrip=%016lx\n",
		c->exitintinfo, c->eventinj, c->nrip);

	/* The CPU writes at most 15 bytes; a corrupt count must not overrun. */
	n = MIN(c->insn_len, (u8)sizeof(c->insn_bytes));
	kprintf("  insn_len=%u insn=", c->insn_len);
	for (i = 0; i < n; i++)
		kprintf("%02x", c->insn_bytes[i]);
	kprintf("\n");

	if (c->vintr & (VMCB_VINTR_AVIC_ENABLE | VMCB_VINTR_X2AVIC_ENABLE))
		kprintf("  avic bar=%016lx backing=%016lx logical=%016lx physical=%016lx\n",
			c->avic_apic_bar, c->avic_backing_page,
			c->avic_logical_table, c->avic_physical_table);
	if (c->np_ctl & (VMCB_NP_SEV | VMCB_NP_SEV_ES))
		kprintf("  sev ghcb=%016lx vmsa=%016lx\n", c->ghcb_gpa, c->vmsa_pa);
}

static void dump_save(const struct vmcb_save *s)
{
	dump_seg("es", &s->es);
	dump_seg("cs", &s->cs);
	dump_seg("ss", &s->ss);
	dump_seg("ds", &s->ds);
	dump_seg("fs", &s->fs);
	dump_seg("gs", &s->gs);
	dump_seg("gdtr", &s->gdtr);
	dump_seg("ldtr", &s->ldtr);
	dump_seg("idtr", &s->idtr);
	dump_seg("tr", &s->tr);
	kprintf("  cpl=%u efer=%016lx rflags=%016lx\n", s->cpl, s->efer, s->rflags);
	kprintf("  rip=%016lx rsp=%016lx rax=%016lx\n", s->rip, s->rsp, s->rax);
	kprintf("  cr0=%016lx cr2=%016lx cr3=%016lx cr4=%016lx\n",
		s->cr0, s->cr2, s->cr3, s->cr4);
	kprintf("  dr6=%016lx dr7=%016lx g_pat=%016lx dbgctl=%lx\n",
		s->dr6, s->dr7, s->g_pat, s->dbgctl);
	kprintf("  star=%016lx lstar=%016lx cstar=%016lx sfmask=%016lx\n",
		s->star, s->lstar, s->cstar, s->sfmask);
	kprintf("  kernel_gs_base=%016lx sysenter_cs=%lx sysenter_esp=%016lx sysenter_eip=%016lx\n",
		s->kernel_gs_base, s->sysenter_cs, s->sysenter_esp, s->sysenter_eip);
	kprintf("  br_from=%016lx br_to=%016lx last_excp_from=%016lx last_excp_to=%016lx\n",
		s->br_from, s->br_to, s->last_excp_from, s->last_excp_to);
	kprintf("  s_cet=%016lx ssp=%016lx isst_addr=%016lx spec_ctrl=%lx\n",
		s->s_cet, s->ssp, s->isst_addr, s->spec_ctrl);
}

void vmcb_dump(const struct vmcb *v)
{
	kprintf("vmcb %p control:\n", (const void *)v);
	dump_control(&v->control);
	kprintf("vmcb %p save:\n", (const void *)v);
	dump_save(&v->save);
}
