/* vmm/dev/acpi_pm_core.c - the PM1 registers, the PM timer and the reset
 * register of vmm/dev/acpi_pm_core.h.  Pure: the kernel and
 * tests/host/test_acpi_pm.c. */
#include "vmm/dev/acpi_pm_core.h"
#include "hw/acpi.h"
#include "lib/muldiv.h"

void acpi_pm_init(struct acpi_pm *pm, u8 s5_slp_typ, bool tmr_32bit, u8 reset_value)
{
	pm->en = 0;
	pm->cnt = ACPI_PM1_CNT_SCI_EN;
	pm->s5_slp_typ = s5_slp_typ;
	pm->tmr_32bit = tmr_32bit;
	pm->reset_value = reset_value;
}

u32 acpi_pm_timer_count(const struct acpi_pm *pm, u64 tsc, u64 tsc_hz)
{
	if (!tsc_hz)
		return 0;
	/* tsc * 3579545 / tsc_hz saturates only when the quotient passes
	 * 2^64, which would take a TSC slower than the PM timer itself. */
	u64 t = mul_div_u64(tsc, ACPI_PM_TIMER_HZ, tsc_hz);
	return pm->tmr_32bit ? (u32)t : (u32)(t & 0xffffff);
}

static u8 acpi_pm_read_byte(const struct acpi_pm *pm, u32 off, u32 timer)
{
	switch (off) {
	case ACPI_PM_EN:	return (u8)pm->en;
	case ACPI_PM_EN + 1:	return (u8)(pm->en >> 8);
	case ACPI_PM_CNT:	return (u8)pm->cnt;
	case ACPI_PM_CNT + 1:	return (u8)(pm->cnt >> 8);
	case ACPI_PM_TMR ... ACPI_PM_TMR + 3:
		return (u8)(timer >> ((off - ACPI_PM_TMR) * 8));
	default:		return 0;	/* PM1_STS: no events */
	}
}

u32 acpi_pm_read(const struct acpi_pm *pm, u32 off, u32 size, u32 timer)
{
	u32 v = 0;
	for (u32 i = 0; i < size && i < 4; i++)
		v |= (u32)acpi_pm_read_byte(pm, off + i, timer) << (i * 8);
	return v;
}

enum acpi_pm_action acpi_pm_write(struct acpi_pm *pm, u32 off, u32 size, u32 val)
{
	bool cnt_written = false;
	u16 cnt = pm->cnt;
	for (u32 i = 0; i < size && i < 4; i++) {
		u8 b = (u8)(val >> (i * 8));
		switch (off + i) {
		case ACPI_PM_EN:
			pm->en = (u16)((pm->en & 0xff00) | b) & ACPI_PM1_EN_MASK;
			break;
		case ACPI_PM_EN + 1:
			pm->en = (u16)((pm->en & 0x00ff) | b << 8) & ACPI_PM1_EN_MASK;
			break;
		case ACPI_PM_CNT:
			cnt = (u16)((cnt & 0xff00) | b);
			cnt_written = true;
			break;
		case ACPI_PM_CNT + 1:
			cnt = (u16)((cnt & 0x00ff) | b << 8);
			cnt_written = true;
			break;
		default:	/* PM1_STS (nothing to clear), the timer, gaps */
			break;
		}
	}
	if (!cnt_written)
		return ACPI_PM_NONE;
	/* SCI_EN stays set (no SMI_CMD to leave ACPI mode by); SLP_EN is
	 * write-only and reads 0 (4.8.3.2.1). */
	pm->cnt = (u16)((cnt & ~ACPI_PM1_CNT_SLP_EN) | ACPI_PM1_CNT_SCI_EN);
	if (!(cnt & ACPI_PM1_CNT_SLP_EN))
		return ACPI_PM_NONE;
	u8 typ = (u8)((cnt & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT);
	/* Only \_S5 is in the DSDT; any other sleep type is not offered and
	 * the write does nothing, as on a board without that state. */
	return typ == pm->s5_slp_typ ? ACPI_PM_POWEROFF : ACPI_PM_NONE;
}

enum acpi_pm_action acpi_pm_reset_write(const struct acpi_pm *pm, u8 val)
{
	return val == pm->reset_value ? ACPI_PM_RESET : ACPI_PM_NONE;
}
