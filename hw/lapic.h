/* hw/lapic.h - the local APIC's registers, in address order, with the
 * bits of each under it: used by the host driver (drivers/lapic.c) and by
 * the guest's virtual local APIC (vmm/dev/lapic_core.c).
 *
 * Offsets are the xAPIC MMIO offsets from the APIC base (AMD APM vol. 2,
 * "Local APIC" in the interrupts chapter, table "APIC Registers"; Intel SDM
 * vol. 3A, table "Local APIC Register Address Map"); in x2APIC mode register
 * `off` is MSR X2APIC_MSR_BASE + off / 16 (APM vol. 2, "x2APIC"; SDM vol. 3A,
 * "x2APIC Register Address Space"), except that the ICR is one 64-bit MSR
 * and DFR, ICR_HI, APR and RRD have no MSR. */
#ifndef SVMHV_HW_LAPIC_H
#define SVMHV_HW_LAPIC_H
#include "lib/types.h"

#define LAPIC_DEFAULT_BASE	0xfee00000ULL	/* after reset, until software moves it */
#define LAPIC_MMIO_SIZE		0x1000

/* MSR_APIC_BASE (0x1b, kernel/cpu.h) bits (SDM vol. 3A "IA32_APIC_BASE MSR"; APM vol. 2
 * "APIC Base Address Register").  Bits 7:0, 9 and those above MAXPHYADDR
 * are reserved: a write setting them raises #GP. */
#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_EXTD		BIT(10)	/* x2APIC mode */
#define APIC_BASE_EN		BIT(11)
#define APIC_BASE_ADDR		GENMASK(51, 12)

#define X2APIC_MSR_BASE		0x800
#define X2APIC_MSR_LAST		0x8ff

/* Registers */
#define LAPIC_ID		0x020	/* xAPIC: ID in bits 31:24, writable; x2APIC: all 32 bits, read-only */
#define  LAPIC_XAPIC_ID_SHIFT	24
#define LAPIC_VERSION		0x030	/* read-only */
#define  LAPIC_VERSION_VER	GENMASK(7, 0)	/* 0x1x: integrated APIC */
#define  LAPIC_VERSION_MAXLVT(v)	(((v) >> 16) & 0xff)	/* number of LVT entries - 1 */
#define  LAPIC_VERSION_MAXLVT_SHIFT	16
#define  LAPIC_VERSION_DIRECTED_EOI	BIT(24)	/* SDM "EOI-broadcast suppression" supported */
#define  LAPIC_VERSION_EAS	BIT(31)	/* AMD: extended APIC register space present */
#define LAPIC_TPR		0x080	/* task priority: class 7:4, subclass 3:0 */
#define  LAPIC_PRIO_MASK	GENMASK(7, 0)
#define  LAPIC_PRIO_CLASS	GENMASK(7, 4)
#define LAPIC_APR		0x090	/* arbitration priority, read-only; xAPIC only (no MSR) */
#define LAPIC_PPR		0x0a0	/* processor priority, read-only */
#define LAPIC_EOI		0x0b0	/* write-only; x2APIC: a non-zero write is #GP */
#define LAPIC_RRD		0x0c0	/* remote read, read-only; xAPIC only (no MSR) */
#define LAPIC_LDR		0x0d0	/* logical destination: xAPIC writable, x2APIC read-only */
#define  LAPIC_LDR_XAPIC_ID	GENMASK(31, 24)
#define  LAPIC_LDR_XAPIC_SHIFT	24
#define  LAPIC_LDR_X2APIC_CLUSTER	GENMASK(31, 16)	/* x2APIC: ID[19:4] */
#define  LAPIC_LDR_X2APIC_BITS	GENMASK(15, 0)	/* x2APIC: 1 << ID[3:0] */
#define LAPIC_DFR		0x0e0	/* destination format; xAPIC only (no MSR) */
#define  LAPIC_DFR_MODEL	GENMASK(31, 28)
#define  LAPIC_DFR_FLAT		0xffffffffu	/* model 1111b, the reset value */
#define  LAPIC_DFR_CLUSTER	0x0fffffffu	/* model 0000b */
#define  LAPIC_DFR_RESERVED_ONES	GENMASK(27, 0)	/* read as 1 */
#define LAPIC_SVR		0x0f0	/* spurious interrupt vector */
#define  LAPIC_SVR_VECTOR	GENMASK(7, 0)
#define  LAPIC_SVR_ENABLE	BIT(8)	/* APIC software enable */
#define  LAPIC_SVR_FOCUS_DISABLE	BIT(9)	/* focus processor checking off */
#define  LAPIC_SVR_EOI_SUPPRESS	BIT(12)	/* only with LAPIC_VERSION_DIRECTED_EOI */
#define  LAPIC_SVR_RESET	0xffu
#define LAPIC_ISR0		0x100	/* 8 registers, 0x10 apart, 32 vectors each; read-only */
#define LAPIC_TMR0		0x180	/* trigger mode, read-only */
#define LAPIC_IRR0		0x200	/* interrupt request, read-only */
#define  LAPIC_VEC_REGS		8	/* 256 bits as 8 x 32 */
#define LAPIC_ESR		0x280	/* error status: a write latches, then reads; x2APIC: non-zero write is #GP */
#define  LAPIC_ESR_SEND_CS	BIT(0)
#define  LAPIC_ESR_RECV_CS	BIT(1)
#define  LAPIC_ESR_SEND_ACCEPT	BIT(2)
#define  LAPIC_ESR_RECV_ACCEPT	BIT(3)
#define  LAPIC_ESR_REDIRECTABLE	BIT(4)	/* lowest priority IPI not supported */
#define  LAPIC_ESR_SEND_ILLEGAL	BIT(5)	/* sent vector 0-15 */
#define  LAPIC_ESR_RECV_ILLEGAL	BIT(6)	/* received vector 0-15 */
#define  LAPIC_ESR_ILLEGAL_REG	BIT(7)	/* xAPIC: access to a reserved register */
#define LAPIC_LVT_CMCI		0x2f0	/* Intel only, MAXLVT >= 6; reserved here */
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310	/* xAPIC only: destination in bits 31:24 */
#define  LAPIC_ICR_HI_DEST_SHIFT	24
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_LVT_THERMAL	0x330	/* exists when MAXLVT >= 5 */
#define LAPIC_LVT_PERF		0x340	/* exists when MAXLVT >= 4 */
#define LAPIC_LVT_LINT0		0x350
#define LAPIC_LVT_LINT1		0x360
#define LAPIC_LVT_ERROR		0x370
#define LAPIC_TIMER_INIT	0x380	/* initial count */
#define LAPIC_TIMER_CUR		0x390	/* current count, read-only */
#define LAPIC_TIMER_DIV		0x3e0	/* divide configuration */
#define  LAPIC_TIMER_DIV_16	0x3
#define  LAPIC_TIMER_DIV_MASK	(BIT(3) | GENMASK(1, 0))	/* bits 3,1:0; bit 2 is 0 */
#define LAPIC_SELF_IPI		0x3f0	/* x2APIC only (MSR 0x83f), write-only: vector in 7:0 */
#define LAPIC_LAST_REG		0x3f0

/* LVT entry bits (SDM vol. 3A figure "Local Vector Table"; APM vol. 2
 * "Local Vector Table").  Which bits each entry has: */
#define LVT_VECTOR		GENMASK(7, 0)
#define LVT_DM			GENMASK(10, 8)	/* not in timer and error entries */
#define  LVT_DM_SHIFT		8
#define LVT_DM_FIXED		(0u << 8)
#define LVT_DM_SMI		(2u << 8)
#define LVT_DM_NMI		(4u << 8)
#define LVT_DM_INIT		(5u << 8)
#define LVT_DM_EXTINT		(7u << 8)
#define LVT_DELIVERY_STATUS	BIT(12)	/* read-only; 0 in a model that delivers at once */
#define LVT_ACTIVE_LOW		BIT(13)	/* LINT0/1 only */
#define LVT_REMOTE_IRR		BIT(14)	/* LINT0/1 only, read-only */
#define LVT_LEVEL		BIT(15)	/* LINT0/1 only */
#define LVT_MASKED		BIT(16)
#define LVT_TIMER_MODE		GENMASK(18, 17)	/* timer only */
#define  LVT_TIMER_ONESHOT	(0u << 17)
#define LVT_TIMER_PERIODIC	BIT(17)
#define LVT_TIMER_TSC_DEADLINE	BIT(18)	/* mode 10b: fires when the TSC reaches IA32_TSC_DEADLINE */
#define  LVT_TIMER_MODE_RESERVED	(3u << 17)
/* Writable bits per entry (the rest read as 0 or are read-only) */
#define LVT_TIMER_WMASK		(LVT_VECTOR | LVT_MASKED | LVT_TIMER_MODE)
#define LVT_THERMAL_WMASK	(LVT_VECTOR | LVT_DM | LVT_MASKED)
#define LVT_PERF_WMASK		(LVT_VECTOR | LVT_DM | LVT_MASKED)
#define LVT_LINT_WMASK		(LVT_VECTOR | LVT_DM | LVT_ACTIVE_LOW | LVT_LEVEL | LVT_MASKED)
#define LVT_ERROR_WMASK		(LVT_VECTOR | LVT_MASKED)

#define MSR_TSC_DEADLINE	0x6e0

/* ICR bits (SDM vol. 3A "Interrupt Command Register"; APM vol. 2
 * "Interrupt Command Register").  Low word; the destination is ICR_HI
 * 31:24 in xAPIC mode, bits 63:32 of MSR 0x830 in x2APIC mode. */
#define ICR_VECTOR		GENMASK(7, 0)
#define ICR_DM			GENMASK(10, 8)
#define  ICR_DM_SHIFT		8
#define ICR_DM_FIXED		(0u << 8)
#define ICR_DM_LOWEST		(1u << 8)
#define ICR_DM_SMI		(2u << 8)
#define ICR_DM_REMOTE_READ	(3u << 8)	/* reserved on AMD and in x2APIC */
#define ICR_DM_NMI		(4u << 8)
#define ICR_DM_INIT		(5u << 8)
#define ICR_DM_STARTUP		(6u << 8)
#define ICR_DM_EXTINT		(7u << 8)	/* not valid in an IPI */
#define ICR_DEST_LOGICAL	BIT(11)
#define ICR_BUSY		BIT(12)	/* xAPIC delivery status; absent in x2APIC */
#define ICR_LEVEL_ASSERT	BIT(14)
#define ICR_TRIGGER_LEVEL	BIT(15)
#define ICR_SHORTHAND		GENMASK(19, 18)
#define  ICR_SHORTHAND_SHIFT	18
#define  ICR_SH_NONE		0
#define  ICR_SH_SELF		1
#define  ICR_SH_ALL		2
#define  ICR_SH_ALL_BUT_SELF	3
#define ICR_LO_WMASK		(ICR_VECTOR | ICR_DM | ICR_DEST_LOGICAL | ICR_LEVEL_ASSERT | \
				 ICR_TRIGGER_LEVEL | ICR_SHORTHAND)
#define ICR_X2APIC_DEST_SHIFT	32

#define LAPIC_BCAST_XAPIC	0xffu		/* physical and logical broadcast, 8-bit destinations */
#define LAPIC_BCAST_X2APIC	0xffffffffu	/* the same, 32-bit destinations */

/* x2APIC access rules (SDM vol. 3A table "Local APIC Register Address Map
 * Supported by x2APIC"; APM vol. 2 "x2APIC"): RDMSR/WRMSR of anything not
 * listed raises #GP, as do writes to the read-only and reads of the
 * write-only ones.
 *   read/write: TPR 0x808, SVR 0x80f, ESR 0x828 (write 0 only), ICR 0x830
 *               (64 bits), LVTs 0x832-0x837, initial count 0x838, DCR 0x83e
 *   read-only:  ID 0x802, version 0x803, PPR 0x80a, LDR 0x80d, ISR
 *               0x810-0x817, TMR 0x818-0x81f, IRR 0x820-0x827, current
 *               count 0x839
 *   write-only: EOI 0x80b (write 0 only), SELF_IPI 0x83f
 *   absent:     APR 0x809, RRD 0x80c, DFR 0x80e, ICR_HI 0x831, and CMCI
 *               0x82f when MAXLVT < 6
 * Bits 63:32 of every register but the ICR are reserved (#GP if set). */

/* Register offset <-> x2APIC MSR, and the rule that makes the MMIO
 * offsets 16 bytes apart. */
#define LAPIC_X2APIC_MSR(off)	(X2APIC_MSR_BASE + (off) / 16)
#define LAPIC_X2APIC_OFF(msr)	(((msr) - X2APIC_MSR_BASE) * 16)
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_ID) == 0x802, "x2APIC ID is MSR 0x802");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_TPR) == 0x808, "x2APIC TPR is MSR 0x808");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_EOI) == 0x80b, "x2APIC EOI is MSR 0x80b");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_LDR) == 0x80d, "x2APIC LDR is MSR 0x80d");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_SVR) == 0x80f, "x2APIC SVR is MSR 0x80f");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_IRR0) == 0x820, "x2APIC IRR starts at MSR 0x820");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_ESR) == 0x828, "x2APIC ESR is MSR 0x828");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_ICR_LO) == 0x830, "x2APIC ICR is MSR 0x830");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_LVT_TIMER) == 0x832, "x2APIC LVT timer is MSR 0x832");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_TIMER_CUR) == 0x839, "x2APIC current count is MSR 0x839");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_TIMER_DIV) == 0x83e, "x2APIC divide config is MSR 0x83e");
_Static_assert(LAPIC_X2APIC_MSR(LAPIC_SELF_IPI) == 0x83f, "x2APIC SELF IPI is MSR 0x83f");
_Static_assert(LAPIC_X2APIC_OFF(0x830) == LAPIC_ICR_LO, "MSR -> offset inverts offset -> MSR");

#endif
