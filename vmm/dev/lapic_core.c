/* vmm/dev/lapic_core.c - the pure core of a guest's local APIC (see
 * lapic_core.h for the contract with the glue).
 *
 * References, by section name so they survive renumbering:
 *  - Intel SDM vol. 3A, chapter "Advanced Programmable Interrupt Controller
 *    (APIC)": "Local APIC Status and Location", "Enabling or Disabling the
 *    Local APIC", "Local APIC ID", "Local APIC Version Register", "Local
 *    Vector Table", "Error Handling", "APIC Timer", "Issuing Interprocessor
 *    Interrupts", "Determining IPI Destination", "Interrupt Acceptance for
 *    Fixed Interrupts", "Task and Processor Priorities", "End-of-Interrupt
 *    (EOI)", "Spurious Interrupt", "Extended XAPIC (x2APIC)" and its
 *    "x2APIC State Transitions".
 *  - AMD APM vol. 2, chapter "Advanced Programmable Interrupt Controller
 *    (APIC)": "Local APIC", "Interprocessor Interrupts", "x2APIC".
 * The timer is vmm/dev/lapic_timer.c. */
#include "vmm/dev/lapic_core.h"
#include "vmm/dev/lapic_timer.h"
#include "lib/muldiv.h"

/* ---- 256-bit vector registers (ISR, TMR, IRR) ---- */

static bool vec_test(const u32 *r, unsigned int v)
{
	return r[v / 32] & (1u << (v % 32));
}

static void vec_set(u32 *r, unsigned int v)
{
	r[v / 32] |= 1u << (v % 32);
}

static void vec_clear(u32 *r, unsigned int v)
{
	r[v / 32] &= ~(1u << (v % 32));
}

/* The highest set vector, or -1. */
static int vec_highest(const u32 *r)
{
	for (int i = LAPIC_VEC_REGS - 1; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* ---- modes ---- */

bool vlapic_hw_enabled(const struct vlapic *l)
{
	return l->apic_base & APIC_BASE_EN;
}

bool vlapic_sw_enabled(const struct vlapic *l)
{
	return vlapic_hw_enabled(l) && (l->svr & LAPIC_SVR_ENABLE);
}

bool vlapic_x2apic_mode(const struct vlapic *l)
{
	return vlapic_hw_enabled(l) && (l->apic_base & APIC_BASE_EXTD);
}

bool vlapic_xapic_mode(const struct vlapic *l)
{
	return vlapic_hw_enabled(l) && !(l->apic_base & APIC_BASE_EXTD);
}

u64 vlapic_mmio_base(const struct vlapic *l)
{
	return l->apic_base & APIC_BASE_ADDR;
}

/* x2APIC logical ID from the x2APIC ID (SDM "Logical Destination Mode in
 * x2APIC Mode"): cluster ID[19:4] in 31:16, bit ID[3:0] of 15:0. */
static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

/* ---- reset ---- */

/* The register state after power-up, INIT, or EN=0 (SDM "Local APIC State
 * After Power-Up or Reset"): LVTs masked, DFR all ones, SVR 0xff (software
 * disabled), everything else 0; ID and APIC base are the callers'. */
static void regs_reset(struct vlapic *l)
{
	l->tpr = 0;
	l->ldr = 0;
	l->dfr = LAPIC_DFR_FLAT;
	l->svr = LAPIC_SVR_RESET;
	l->esr = l->esr_pending = 0;
	l->icr_lo = l->icr_hi = 0;
	for (int i = 0; i < LAPIC_NR_LVT; i++)
		l->lvt[i] = LVT_MASKED;
	for (int i = 0; i < LAPIC_VEC_REGS; i++)
		l->isr[i] = l->tmr[i] = l->irr[i] = 0;
	l->tmict = 0;
	l->dcr = 0;
	l->t_running = false;
	l->t_start = 0;
	l->tsc_deadline = 0;
}

void vlapic_init(struct vlapic *l, const struct vlapic_config *cfg)
{
	l->cfg = *cfg;
	if (l->cfg.tsc_hz == 0)
		l->cfg.tsc_hz = 1;
	if (l->cfg.timer_hz == 0)
		l->cfg.timer_hz = 1;
	regs_reset(l);
	l->apic_base = LAPIC_DEFAULT_BASE | APIC_BASE_EN | (cfg->bsp ? APIC_BASE_BSP : 0);
	l->id = cfg->apic_id & 0xff;
}

void vlapic_init_reset(struct vlapic *l)
{
	regs_reset(l);
	if (vlapic_x2apic_mode(l))
		l->ldr = x2apic_ldr(l->id);
}

/* ---- errors ---- */


/* Log an error for the next ESR write to latch and, when the error LVT is
 * unmasked, raise its interrupt (SDM "Error Handling"). */
static void set_error(struct vlapic *l, u32 bits)
{
	l->esr_pending |= bits;
	if (!(l->lvt[LAPIC_LVT_IDX_ERROR] & LVT_MASKED))
		vlapic_accept_local(l, l->lvt[LAPIC_LVT_IDX_ERROR] & LVT_VECTOR, false, true);
}

/* A locally generated fixed interrupt (timer, error, self). */
void vlapic_accept_local(struct vlapic *l, u32 vector, bool level, bool is_error)
{
	vector &= 0xff;
	if (vector < 16) {
		/* "Receive illegal vector"; an illegal error vector only logs. */
		if (is_error)
			l->esr_pending |= LAPIC_ESR_RECV_ILLEGAL;
		else
			set_error(l, LAPIC_ESR_RECV_ILLEGAL);
		return;
	}
	vec_set(l->irr, vector);
	if (level)
		vec_set(l->tmr, vector);
	else
		vec_clear(l->tmr, vector);
}

/* ---- priorities (SDM "Task and Processor Priorities"; APM "Task
 * Priority", "Processor Priority", "Arbitration Priority") ---- */

u32 vlapic_tpr(const struct vlapic *l)
{
	return l->tpr;
}

void vlapic_set_tpr(struct vlapic *l, u32 tpr)
{
	l->tpr = tpr & LAPIC_PRIO_MASK;
}

u32 vlapic_ppr(const struct vlapic *l)
{
	int isrv = vec_highest(l->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & LAPIC_PRIO_CLASS;

	if ((l->tpr & LAPIC_PRIO_CLASS) >= isr_class)
		return l->tpr;
	return isr_class;
}

static u32 vlapic_apr(const struct vlapic *l)
{
	int isrv = vec_highest(l->isr), irrv = vec_highest(l->irr);
	u32 c = (u32)MAX(MAX(isrv, irrv), 0) & LAPIC_PRIO_CLASS;

	if ((l->tpr & LAPIC_PRIO_CLASS) >= c)
		return l->tpr;
	return c;
}

int vlapic_pending_vector(const struct vlapic *l)
{
	int v;

	if (!vlapic_sw_enabled(l))
		return -1;
	v = vec_highest(l->irr);
	if (v < 0 || ((u32)v & LAPIC_PRIO_CLASS) <= (vlapic_ppr(l) & LAPIC_PRIO_CLASS))
		return -1;
	return v;
}

int vlapic_offer_vector(const struct vlapic *l)
{
	int v, isrv;

	if (!vlapic_sw_enabled(l))
		return -1;
	v = vec_highest(l->irr);
	isrv = vec_highest(l->isr);
	if (v < 0 || (isrv >= 0 && ((u32)v & LAPIC_PRIO_CLASS) <= ((u32)isrv & LAPIC_PRIO_CLASS)))
		return -1;
	return v;
}

bool vlapic_tpr_holds(const struct vlapic *l)
{
	return vlapic_offer_vector(l) >= 0 && vlapic_pending_vector(l) < 0;
}

void vlapic_ack(struct vlapic *l, u8 vector)
{
	vec_clear(l->irr, vector);
	vec_set(l->isr, vector);
}

/* EOI: retire the highest in-service vector (SDM "End-of-Interrupt (EOI)");
 * a level one must also reach the I/O APICs, which is the glue's job. */
static void do_eoi(struct vlapic *l, struct vlapic_result *res)
{
	int v = vec_highest(l->isr);

	if (v < 0)
		return;
	vec_clear(l->isr, (unsigned int)v);
	res->eoi = true;
	res->eoi_vector = (u8)v;
	res->eoi_level = vec_test(l->tmr, (unsigned int)v);
}

/* ---- destinations and acceptance ---- */

bool vlapic_match_dest(const struct vlapic *l, u32 dest, bool logical, bool x2apic_fmt)
{
	if (!vlapic_hw_enabled(l))
		return false;
	if (dest == (x2apic_fmt ? LAPIC_BCAST_X2APIC : LAPIC_BCAST_XAPIC))
		return true;
	if (!logical)
		return dest == l->id;
	if (vlapic_x2apic_mode(l)) {
		/* Cluster in 31:16 must be equal, then any common bit in 15:0. */
		return (dest >> 16) == (l->ldr >> 16) && (dest & l->ldr & 0xffff);
	}
	{
		u32 ldr = l->ldr >> LAPIC_LDR_XAPIC_SHIFT, d = dest & 0xff;

		switch (l->dfr >> 28) {
		case 0xf:	/* flat: any common bit of the 8 */
			return (ldr & d) != 0;
		case 0x0:	/* cluster: 7:4 cluster equal, any common bit of 3:0 */
			return (ldr >> 4) == (d >> 4) && (ldr & d & 0xf);
		default:
			return false;
		}
	}
}

bool vlapic_msg_targets(const struct vlapic *l, const struct apic_msg *m, bool self)
{
	switch (m->shorthand) {
	case ICR_SH_SELF:
		return self && vlapic_hw_enabled(l);
	case ICR_SH_ALL:
		return vlapic_hw_enabled(l);
	case ICR_SH_ALL_BUT_SELF:
		return !self && vlapic_hw_enabled(l);
	default:
		return vlapic_match_dest(l, m->dest, m->logical, m->x2apic);
	}
}

/* A software-disabled APIC still takes NMI, SMI, INIT and SIPI but no
 * fixed interrupts (SDM "Enabling or Disabling the Local APIC"); a
 * hardware-disabled one takes nothing. */
enum vlapic_accept vlapic_accept(struct vlapic *l, const struct apic_msg *m)
{
	if (!vlapic_hw_enabled(l))
		return LAPIC_ACC_NONE;
	switch (m->delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		if (!vlapic_sw_enabled(l))
			return LAPIC_ACC_NONE;
		if (m->vector < 16) {
			set_error(l, LAPIC_ESR_RECV_ILLEGAL);
			return LAPIC_ACC_NONE;
		}
		vlapic_accept_local(l, m->vector, m->level, false);
		return LAPIC_ACC_FIXED;
	case APIC_DM_NMI:
		return LAPIC_ACC_NMI;
	case APIC_DM_SMI:
		return LAPIC_ACC_SMI;
	case APIC_DM_INIT:
		/* INIT level de-assert only syncs arbitration IDs. */
		if (m->level && !m->assert)
			return LAPIC_ACC_NONE;
		return LAPIC_ACC_INIT;
	case APIC_DM_STARTUP:
		return LAPIC_ACC_SIPI;
	case APIC_DM_EXTINT:
		return LAPIC_ACC_EXTINT;
	default:
		return LAPIC_ACC_NONE;
	}
}

/* An ICR write sends at once, so delivery status always reads idle. */
static void send_icr(struct vlapic *l, bool x2, struct vlapic_result *res)
{
	struct apic_msg *m = &res->msg;
	u32 dm = (l->icr_lo & ICR_DM) >> ICR_DM_SHIFT;

	*m = (struct apic_msg){
		.vector = l->icr_lo & ICR_VECTOR,
		.delivery = (u8)dm,
		.shorthand = (l->icr_lo & ICR_SHORTHAND) >> ICR_SHORTHAND_SHIFT,
		.logical = l->icr_lo & ICR_DEST_LOGICAL,
		.level = l->icr_lo & ICR_TRIGGER_LEVEL,
		.assert = l->icr_lo & ICR_LEVEL_ASSERT,
		.x2apic = x2,
		.dest = x2 ? l->icr_hi : l->icr_hi >> LAPIC_ICR_HI_DEST_SHIFT,
	};
	if (dm == APIC_DM_REMOTE_READ || dm == APIC_DM_EXTINT)
		return;		/* not an IPI this APIC sends */
	if ((dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST) && m->vector < 16) {
		set_error(l, LAPIC_ESR_SEND_ILLEGAL);
		return;
	}
	res->ipi = true;
}

/* ---- IA32_APIC_BASE (SDM "Local APIC Status and Location", "x2APIC
 * State Transitions"; APM "x2APIC Enable") ---- */

u64 vlapic_apic_base(const struct vlapic *l)
{
	return l->apic_base;
}

int vlapic_set_apic_base(struct vlapic *l, u64 val, u64 now)
{
	u8 pa = l->cfg.maxphyaddr && l->cfg.maxphyaddr < 52 ? l->cfg.maxphyaddr : 52;
	u64 rsvd = GENMASK(7, 0) | BIT(9) | GENMASK(63, pa);
	bool en = val & APIC_BASE_EN, x2 = val & APIC_BASE_EXTD;
	bool was_en = vlapic_hw_enabled(l), was_x2 = vlapic_x2apic_mode(l);

	if (val & rsvd)
		return -EPERM;
	if (x2 && !l->cfg.x2apic)
		return -EPERM;
	if (x2 && !en)
		return -EPERM;		/* EN=0 EXTD=1 is the invalid state */
	if (en && x2 && !was_en)
		return -EPERM;		/* disabled -> x2APIC must go through xAPIC */
	if (en && !x2 && was_x2)
		return -EPERM;		/* x2APIC -> xAPIC must go through disabled */

	vlapic_timer_expire(l, now);
	l->apic_base = (val & (APIC_BASE_ADDR | APIC_BASE_EN | APIC_BASE_EXTD)) |
		       (l->cfg.bsp ? APIC_BASE_BSP : 0);
	if (!en && was_en) {
		/* Disabling loses the APIC's state: re-enabled, it is as after
		 * reset, with the initial ID (kvm-unit-tests apic checks the
		 * ID after a disable/enable cycle). */
		regs_reset(l);
		l->id = l->cfg.apic_id & 0xff;
	}
	if (x2 && !was_x2) {
		/* xAPIC -> x2APIC: the ID becomes the full initial x2APIC ID
		 * and the logical ID is derived from it; the rest stays. */
		l->id = l->cfg.apic_id;
		l->ldr = x2apic_ldr(l->id);
		l->icr_hi = 0;
	}
	return 0;
}

/* ---- register file ---- */

/* Which offsets exist in which mode (SDM table "Local APIC Register
 * Address Map" and "Local APIC Register Address Map Supported by x2APIC";
 * AMD APM "APIC Registers").  R/W = readable/writable in xAPIC MMIO,
 * XR/XW = readable/writable as an x2APIC MSR; no flag in x2APIC means the
 * access is #GP; no flag at all means reserved. */
enum { R = 1, W = 2, XR = 4, XW = 8 };

static u8 reg_access(u32 off)
{
	switch (off) {
	case LAPIC_ID:			return R | W | XR;
	case LAPIC_VERSION:		return R | XR;
	case LAPIC_TPR:			return R | W | XR | XW;
	case LAPIC_APR:			return R;
	case LAPIC_PPR:			return R | XR;
	case LAPIC_EOI:			return R | W | XW;	/* xAPIC read gives 0 */
	case LAPIC_RRD:			return R;
	case LAPIC_LDR:			return R | W | XR;
	case LAPIC_DFR:			return R | W;
	case LAPIC_SVR:			return R | W | XR | XW;
	case LAPIC_ESR:			return R | W | XR | XW;
	case LAPIC_ICR_LO:		return R | W | XR | XW;
	case LAPIC_ICR_HI:		return R | W;
	case LAPIC_LVT_TIMER ... LAPIC_LVT_ERROR:
	case LAPIC_TIMER_INIT:
	case LAPIC_TIMER_DIV:		return R | W | XR | XW;
	case LAPIC_TIMER_CUR:		return R | XR;
	case LAPIC_SELF_IPI:		return XW;
	default:
		if (off >= LAPIC_ISR0 && off < LAPIC_ESR)
			return R | XR;	/* ISR, TMR, IRR */
		return 0;
	}
}

static u32 reg_read(struct vlapic *l, u32 off, u64 now)
{
	bool x2 = vlapic_x2apic_mode(l);

	switch (off) {
	case LAPIC_ID:		return x2 ? l->id : l->id << LAPIC_XAPIC_ID_SHIFT;
	case LAPIC_VERSION:	return VLAPIC_CORE_VERSION;
	case LAPIC_TPR:		return l->tpr;
	case LAPIC_APR:		return vlapic_apr(l);
	case LAPIC_PPR:		return vlapic_ppr(l);
	case LAPIC_LDR:		return l->ldr;
	case LAPIC_DFR:		return l->dfr;
	case LAPIC_SVR:		return l->svr;
	case LAPIC_ESR:		return l->esr;
	case LAPIC_ICR_LO:	return l->icr_lo;	/* delivery status 0: idle */
	case LAPIC_ICR_HI:	return l->icr_hi;
	case LAPIC_TIMER_INIT:	return l->tmict;
	case LAPIC_TIMER_CUR:	return vlapic_timer_current(l, now);
	case LAPIC_TIMER_DIV:	return l->dcr;
	case LAPIC_LVT_TIMER ... LAPIC_LVT_ERROR:
		if (off % 16)
			return 0;
		vlapic_timer_expire(l, now);
		return l->lvt[(off - LAPIC_LVT_TIMER) / 16];
	default:
		if (off >= LAPIC_ISR0 && off < LAPIC_ESR) {
			u32 i = (off - LAPIC_ISR0) / 16;

			vlapic_timer_expire(l, now);	/* IRR shows a due timer */
			if (i < 8)
				return l->isr[i];
			if (i < 16)
				return l->tmr[i - 8];
			return l->irr[i - 16];
		}
		return 0;	/* EOI, RRD */
	}
}

static u32 lvt_wmask(unsigned int idx)
{
	switch (idx) {
	case LAPIC_LVT_IDX_THERMAL:	return LVT_THERMAL_WMASK;
	case LAPIC_LVT_IDX_PERF:	return LVT_PERF_WMASK;
	case LAPIC_LVT_IDX_LINT0:
	case LAPIC_LVT_IDX_LINT1:	return LVT_LINT_WMASK;
	default:			return LVT_ERROR_WMASK;
	}
}

static void write_svr(struct vlapic *l, u32 val)
{
	l->svr = val & (LAPIC_SVR_VECTOR | LAPIC_SVR_ENABLE | LAPIC_SVR_FOCUS_DISABLE);
	/* Software disable masks every LVT entry (SDM "Enabling or Disabling
	 * the Local APIC"); IRR and ISR are kept. */
	if (!(l->svr & LAPIC_SVR_ENABLE))
		for (int i = 0; i < LAPIC_NR_LVT; i++)
			l->lvt[i] |= LVT_MASKED;
}

static void reg_write(struct vlapic *l, u32 off, u32 val, u64 now, struct vlapic_result *res)
{
	bool x2 = vlapic_x2apic_mode(l);

	vlapic_timer_expire(l, now);
	switch (off) {
	case LAPIC_ID:
		l->id = val >> LAPIC_XAPIC_ID_SHIFT;	/* xAPIC only */
		break;
	case LAPIC_TPR:
		vlapic_set_tpr(l, val);
		break;
	case LAPIC_EOI:
		do_eoi(l, res);
		break;
	case LAPIC_LDR:
		l->ldr = val & LAPIC_LDR_XAPIC_ID;
		break;
	case LAPIC_DFR:
		l->dfr = (val & LAPIC_DFR_MODEL) | LAPIC_DFR_RESERVED_ONES;
		break;
	case LAPIC_SVR:
		write_svr(l, val);
		break;
	case LAPIC_ESR:
		/* The write latches the errors logged since the last one. */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		break;
	case LAPIC_ICR_LO:
		l->icr_lo = val & ICR_LO_WMASK;
		send_icr(l, x2, res);
		break;
	case LAPIC_ICR_HI:
		l->icr_hi = val & GENMASK(31, 24);
		break;
	case LAPIC_LVT_TIMER:
		vlapic_write_lvt_timer(l, val, res);
		if (!vlapic_sw_enabled(l))
			l->lvt[LAPIC_LVT_IDX_TIMER] |= LVT_MASKED;
		break;
	case LAPIC_LVT_THERMAL ... LAPIC_LVT_ERROR: {
		unsigned int i = (off - LAPIC_LVT_TIMER) / 16;

		if (off % 16)
			break;
		l->lvt[i] = (val & lvt_wmask(i)) | (l->lvt[i] & LVT_REMOTE_IRR);
		if (!vlapic_sw_enabled(l))
			l->lvt[i] |= LVT_MASKED;
		break;
	}
	case LAPIC_TIMER_INIT:
		vlapic_write_tmict(l, val, now, res);
		break;
	case LAPIC_TIMER_DIV:
		vlapic_write_dcr(l, val, now, res);
		break;
	case LAPIC_SELF_IPI:
		res->msg = (struct apic_msg){
			.vector = val & 0xff, .delivery = APIC_DM_FIXED,
			.shorthand = ICR_SH_SELF, .x2apic = true, .assert = true,
		};
		if (res->msg.vector < 16)
			set_error(l, LAPIC_ESR_SEND_ILLEGAL);
		else
			res->ipi = true;
		break;
	default:
		break;
	}
}

u32 vlapic_mmio_read(struct vlapic *l, u32 off, u64 now)
{
	u8 acc;

	if (!vlapic_xapic_mode(l))
		return ~0u;
	off &= LAPIC_MMIO_SIZE - 1;
	if (off % 16)
		return 0;	/* the upper 12 bytes of each 16 are not register */
	acc = off <= LAPIC_LAST_REG ? reg_access(off) : 0;
	if (!(acc & (R | W)))
		set_error(l, LAPIC_ESR_ILLEGAL_REG);	/* reserved in xAPIC mode */
	if (!(acc & R))
		return 0;
	return reg_read(l, off, now);
}

void vlapic_mmio_write(struct vlapic *l, u32 off, u32 val, u64 now, struct vlapic_result *res)
{
	u8 acc;

	*res = (struct vlapic_result){ 0 };
	if (!vlapic_xapic_mode(l))
		return;
	off &= LAPIC_MMIO_SIZE - 1;
	if (off % 16)
		return;
	acc = off <= LAPIC_LAST_REG ? reg_access(off) : 0;
	if (!(acc & (R | W)))
		set_error(l, LAPIC_ESR_ILLEGAL_REG);	/* reserved in xAPIC mode */
	if (!(acc & W))
		return;		/* read-only registers ignore writes */
	reg_write(l, off, val, now, res);
}

int vlapic_msr_read(struct vlapic *l, u32 msr, u64 now, u64 *val)
{
	u32 off;

	if (!vlapic_x2apic_mode(l) || msr < X2APIC_MSR_BASE || msr > X2APIC_MSR_LAST)
		return -EPERM;
	off = LAPIC_X2APIC_OFF(msr);
	if (off > LAPIC_LAST_REG || !(reg_access(off) & XR))
		return -EPERM;
	if (off == LAPIC_ICR_LO)
		*val = ((u64)l->icr_hi << ICR_X2APIC_DEST_SHIFT) | l->icr_lo;
	else
		*val = reg_read(l, off, now);
	return 0;
}

int vlapic_msr_write(struct vlapic *l, u32 msr, u64 val, u64 now, struct vlapic_result *res)
{
	u32 off;

	*res = (struct vlapic_result){ 0 };
	if (!vlapic_x2apic_mode(l) || msr < X2APIC_MSR_BASE || msr > X2APIC_MSR_LAST)
		return -EPERM;
	off = LAPIC_X2APIC_OFF(msr);
	if (off > LAPIC_LAST_REG || !(reg_access(off) & XW))
		return -EPERM;		/* reserved, read-only, or xAPIC-only */
	if (off == LAPIC_ICR_LO) {
		/* One 64-bit write sends; there is no ICR_HI in x2APIC mode. */
		vlapic_timer_expire(l, now);
		l->icr_hi = (u32)(val >> ICR_X2APIC_DEST_SHIFT);
		l->icr_lo = (u32)val & ICR_LO_WMASK;
		send_icr(l, true, res);
		return 0;
	}
	if (val >> 32)
		return -EPERM;		/* bits 63:32 of a 32-bit register are reserved */
	if ((off == LAPIC_EOI || off == LAPIC_ESR) && val != 0)
		return -EPERM;		/* SDM: non-zero EOI/ESR writes #GP in x2APIC mode */
	if (off == LAPIC_SELF_IPI && (val & ~0xffull))
		return -EPERM;
	reg_write(l, off, (u32)val, now, res);
	return 0;
}
