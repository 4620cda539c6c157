/* svm/vmcb_clean.c - which VMCB clean bits a VMRUN may set, and which
 * clean-bit group each VMCB field belongs to (APM vol. 2, 15.15).  The rules
 * are summed up in svm/vmcb_clean.h; the run loop (svm/vcpu.c) and the exit
 * handlers that write cached fields are the callers.  Pure: no hardware
 * access, no locking (a vCPU's state is only touched by its own task). */
#include "svm/vmcb_clean.h"

/* The groups of figure 15-4 as byte ranges of the VMCB.  Two entries go
 * beyond the figure, on the safe side: the figure lists the pause filter
 * count but not the threshold that shares its dword, and nested paging as
 * NCR3 and G_PAT without the enable word at 0x090 that says how NCR3 is
 * used.  Counting them in their neighbours' groups costs at most a reload;
 * svmhv sets them once, before the first VMRUN. */
struct clean_range {
	u16 off;
	u16 len;
	u32 groups;
};

#define CTRL(f, g) { offsetof(struct vmcb, control.f), sizeof(((struct vmcb *)0)->control.f), g }
#define SAVE(f, g) { offsetof(struct vmcb, save.f), sizeof(((struct vmcb *)0)->save.f), g }

static const struct clean_range clean_ranges[] = {
	CTRL(intercept_cr,		VMCB_CLEAN_INTERCEPTS),
	CTRL(intercept_dr,		VMCB_CLEAN_INTERCEPTS),
	CTRL(intercept_exceptions,	VMCB_CLEAN_INTERCEPTS),
	CTRL(intercept1,		VMCB_CLEAN_INTERCEPTS),
	CTRL(intercept2,		VMCB_CLEAN_INTERCEPTS),
	CTRL(intercept3,		VMCB_CLEAN_INTERCEPTS),
	CTRL(pause_filter_thresh,	VMCB_CLEAN_INTERCEPTS),
	CTRL(pause_filter_count,	VMCB_CLEAN_INTERCEPTS),
	CTRL(iopm_base_pa,		VMCB_CLEAN_IOPM),
	CTRL(msrpm_base_pa,		VMCB_CLEAN_IOPM),
	CTRL(tsc_offset,		VMCB_CLEAN_INTERCEPTS),
	CTRL(asid,			VMCB_CLEAN_ASID),
	CTRL(vintr,			VMCB_CLEAN_TPR),	/* all of 0x060-0x067 */
	CTRL(np_ctl,			VMCB_CLEAN_NP),
	CTRL(avic_apic_bar,		VMCB_CLEAN_AVIC),
	CTRL(n_cr3,			VMCB_CLEAN_NP),
	CTRL(avic_backing_page,		VMCB_CLEAN_AVIC),
	CTRL(avic_logical_table,	VMCB_CLEAN_AVIC),
	CTRL(avic_physical_table,	VMCB_CLEAN_AVIC),
	SAVE(es,			VMCB_CLEAN_SEG),
	SAVE(cs,			VMCB_CLEAN_SEG),
	SAVE(ss,			VMCB_CLEAN_SEG),
	SAVE(ds,			VMCB_CLEAN_SEG),
	SAVE(gdtr,			VMCB_CLEAN_DT),
	SAVE(idtr,			VMCB_CLEAN_DT),
	SAVE(cpl,			VMCB_CLEAN_SEG),
	SAVE(efer,			VMCB_CLEAN_CRX),
	SAVE(cr4,			VMCB_CLEAN_CRX),
	SAVE(cr3,			VMCB_CLEAN_CRX),
	SAVE(cr0,			VMCB_CLEAN_CRX),
	SAVE(dr7,			VMCB_CLEAN_DRX),
	SAVE(dr6,			VMCB_CLEAN_DRX),
	SAVE(s_cet,			VMCB_CLEAN_CET),
	SAVE(ssp,			VMCB_CLEAN_CET),
	SAVE(isst_addr,			VMCB_CLEAN_CET),
	SAVE(cr2,			VMCB_CLEAN_CR2),
	SAVE(g_pat,			VMCB_CLEAN_NP),
	SAVE(dbgctl,			VMCB_CLEAN_LBR),
	SAVE(br_from,			VMCB_CLEAN_LBR),
	SAVE(br_to,			VMCB_CLEAN_LBR),
	SAVE(last_excp_from,		VMCB_CLEAN_LBR),
	SAVE(last_excp_to,		VMCB_CLEAN_LBR),
};

#undef CTRL
#undef SAVE

void vmcb_clean_init(struct vmcb_clean_state *s, bool supported)
{
	*s = (struct vmcb_clean_state){ .enabled = supported };
	vmcb_clean_forget(s);
}

void vmcb_clean_forget(struct vmcb_clean_state *s)
{
	s->dirty = (u32)VMCB_CLEAN_ALL;
	s->last_cpu = VMCB_CLEAN_NO_CPU;
	s->last_vmcb_pa = 0;
	/* Also undoes a before_vmrun() whose VMRUN is still to come. */
	s->next_cpu = VMCB_CLEAN_NO_CPU;
	s->next_vmcb_pa = 0;
	s->next_clean = 0;
}

u32 vmcb_clean_bits_for_field(size_t vmcb_offset)
{
	for (size_t i = 0; i < ARRAY_SIZE(clean_ranges); i++) {
		const struct clean_range *r = &clean_ranges[i];
		if (vmcb_offset >= r->off && vmcb_offset < (size_t)r->off + r->len)
			return r->groups;
	}
	return 0;
}

u32 vmcb_clean_changed_groups(const struct vmcb *before, const struct vmcb *now)
{
	const u8 *a = (const u8 *)before, *b = (const u8 *)now;
	u32 changed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(clean_ranges); i++) {
		const struct clean_range *r = &clean_ranges[i];
		if (changed & r->groups)
			continue;
		for (u32 k = r->off; k < (u32)r->off + r->len; k++) {
			if (a[k] != b[k]) {
				changed |= r->groups;
				break;
			}
		}
	}
	return changed;
}
