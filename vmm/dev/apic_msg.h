/* vmm/dev/apic_msg.h - one interrupt message on the (virtual) APIC bus: what
 * a local APIC's ICR write or an I/O APIC redirection entry sends, and what
 * a local APIC accepts.  Produced by lapic_core.c and ioapic_core.c, routed
 * by the glue: for each local APIC, vlapic_msg_targets() then vlapic_accept().
 * Field meanings follow the ICR (SDM vol. 3A "Interrupt Command Register")
 * and the redirection entry (82093AA datasheet 3.2.4), which share them. */
#ifndef SVMHV_VMM_DEV_APIC_MSG_H
#define SVMHV_VMM_DEV_APIC_MSG_H
#include "lib/types.h"

/* Delivery modes, the 3-bit field of the ICR and of a redirection entry */
enum apic_dm {
	APIC_DM_FIXED = 0,
	APIC_DM_LOWEST = 1,	/* the glue picks one target among those that match */
	APIC_DM_SMI = 2,
	APIC_DM_REMOTE_READ = 3,	/* reserved here: never produced */
	APIC_DM_NMI = 4,
	APIC_DM_INIT = 5,
	APIC_DM_STARTUP = 6,
	APIC_DM_EXTINT = 7,
};

struct apic_msg {
	u8 vector;		/* fixed/lowest: the vector; STARTUP: the start page */
	u8 delivery;		/* enum apic_dm */
	u8 shorthand;		/* ICR_SH_* (hw/lapic.h); ICR_SH_NONE from an I/O APIC */
	bool logical;		/* destination mode */
	bool level;		/* trigger mode: level */
	bool assert;		/* ICR level bit; INIT with level && !assert is INIT de-assert */
	bool x2apic;		/* dest is a 32-bit x2APIC destination, else 8-bit */
	u32 dest;
};

#endif
