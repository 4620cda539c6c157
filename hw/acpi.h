/* hw/acpi.h - the layouts of the static ACPI tables svmhv reads at boot
 * (drivers/acpi_tables.c parses them) and, later, builds for its guests.
 *
 * Layouts follow the ACPI specification (6.5): RSDP in section 5.2.5,
 * the common header in 5.2.6, RSDT/XSDT in 5.2.7/5.2.8, FADT in 5.2.9,
 * MADT and its interrupt controller structures in 5.2.12 (the MPS INTI
 * flags of an override in 5.2.12.5), the Generic Address Structure in
 * 5.2.3.2; the HPET table comes from the IA-PC HPET specification 1.0a,
 * section 3.2.4. */
#ifndef SVMHV_HW_ACPI_H
#define SVMHV_HW_ACPI_H
#include "lib/types.h"

/* The PM timer's fixed rate (ACPI 6.5, 4.8.3.3); its port is the FADT's. */
#define PM_TIMER_HZ	3579545ULL

#define ACPI_RSDP_SIG		"RSD PTR "	/* 8 bytes, no NUL */
#define ACPI_RSDP_V1_LEN	20	/* bytes covered by the first checksum */
#define ACPI_RSDP_V2_LEN	36	/* size of the revision >= 2 structure */

struct acpi_rsdp {
	/* 0x00 */ char signature[8];
	/* 0x08 */ u8 checksum;		/* over the first 20 bytes */
	/* 0x09 */ char oem_id[6];
	/* 0x0f */ u8 revision;		/* 0: ACPI 1.0, 2: ACPI 2.0 and later */
	/* 0x10 */ u32 rsdt_address;
	/* Revision >= 2 only: */
	/* 0x14 */ u32 length;		/* whole structure, 36 today */
	/* 0x18 */ u64 xsdt_address;
	/* 0x20 */ u8 extended_checksum;	/* over `length` bytes */
	/* 0x21 */ u8 reserved_0x21[3];
} __packed;
_Static_assert(offsetof(struct acpi_rsdp, revision) == 0x0f, "RSDP revision");
_Static_assert(offsetof(struct acpi_rsdp, rsdt_address) == 0x10, "RSDP rsdt");
_Static_assert(offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_LEN, "RSDP v1 size");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 0x18, "RSDP xsdt");
_Static_assert(offsetof(struct acpi_rsdp, extended_checksum) == 0x20, "RSDP xsum");
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_LEN, "RSDP v2 size");

/* The header every system description table starts with. */
struct acpi_sdt_header {
	/* 0x00 */ char signature[4];
	/* 0x04 */ u32 length;		/* whole table including this header */
	/* 0x08 */ u8 revision;
	/* 0x09 */ u8 checksum;		/* all `length` bytes sum to 0 (mod 256) */
	/* 0x0a */ char oem_id[6];
	/* 0x10 */ char oem_table_id[8];
	/* 0x18 */ u32 oem_revision;
	/* 0x1c */ u32 creator_id;
	/* 0x20 */ u32 creator_revision;
} __packed;
_Static_assert(offsetof(struct acpi_sdt_header, length) == 0x04, "SDT length");
_Static_assert(offsetof(struct acpi_sdt_header, checksum) == 0x09, "SDT checksum");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header size");

#define ACPI_SIG_RSDT	"RSDT"		/* followed by 32-bit table addresses */
#define ACPI_SIG_XSDT	"XSDT"		/* followed by 64-bit table addresses */
#define ACPI_SIG_MADT	"APIC"
#define ACPI_SIG_FADT	"FACP"
#define ACPI_SIG_HPET	"HPET"

/* No table svmhv reads is anywhere near this; a larger length is corruption. */
#define ACPI_TABLE_MAX_LEN	(1u << 20)

/* Generic Address Structure. */
struct acpi_gas {
	/* 0x00 */ u8 space_id;
#define ACPI_GAS_SPACE_MEMORY	0
#define ACPI_GAS_SPACE_IO	1
	/* 0x01 */ u8 bit_width;
	/* 0x02 */ u8 bit_offset;
	/* 0x03 */ u8 access_size;
	/* 0x04 */ u64 address;
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS size");

/* MADT: the fixed part, then variable-length entries up to header.length. */
struct acpi_madt {
	/* 0x00 */ struct acpi_sdt_header header;
	/* 0x24 */ u32 lapic_address;
	/* 0x28 */ u32 flags;
#define ACPI_MADT_PCAT_COMPAT	BIT(0)	/* dual 8259 PICs present */
	/* 0x2c */ u8 entries[];
} __packed;
_Static_assert(offsetof(struct acpi_madt, lapic_address) == 0x24, "MADT lapic");
_Static_assert(offsetof(struct acpi_madt, entries) == 0x2c, "MADT entries");

/* The online-capable bit was reserved before MADT revision 5 (ACPI 6.3). */
#define ACPI_MADT_REV_ONLINE_CAPABLE	5

enum acpi_madt_type {
	ACPI_MADT_LAPIC			= 0x0,
	ACPI_MADT_IOAPIC		= 0x1,
	ACPI_MADT_ISO			= 0x2,
	ACPI_MADT_NMI_SOURCE		= 0x3,
	ACPI_MADT_LAPIC_NMI		= 0x4,
	ACPI_MADT_LAPIC_OVERRIDE	= 0x5,
	ACPI_MADT_X2APIC		= 0x9,
	ACPI_MADT_X2APIC_NMI		= 0xa,
};

struct acpi_madt_entry {
	/* 0x00 */ u8 type;
	/* 0x01 */ u8 length;		/* whole entry, >= 2 */
} __packed;

/* Flags of the local APIC and local x2APIC entries. */
#define ACPI_MADT_CPU_ENABLED		BIT(0)
#define ACPI_MADT_CPU_ONLINE_CAPABLE	BIT(1)

struct acpi_madt_lapic {
	/* 0x00 */ struct acpi_madt_entry hdr;
	/* 0x02 */ u8 acpi_uid;
	/* 0x03 */ u8 apic_id;		/* 0xff: no processor behind it */
	/* 0x04 */ u32 flags;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT type 0 size");

struct acpi_madt_ioapic {
	/* 0x00 */ struct acpi_madt_entry hdr;
	/* 0x02 */ u8 ioapic_id;
	/* 0x03 */ u8 reserved_0x03;
	/* 0x04 */ u32 address;
	/* 0x08 */ u32 gsi_base;
} __packed;
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT type 1 size");

struct acpi_madt_iso {
	/* 0x00 */ struct acpi_madt_entry hdr;
	/* 0x02 */ u8 bus;			/* 0: ISA */
	/* 0x03 */ u8 source_irq;
	/* 0x04 */ u32 gsi;
	/* 0x08 */ u16 flags;		/* MPS INTI polarity and trigger */
#define MPS_POLARITY_MASK	0x3
#define MPS_POLARITY_HIGH	0x1
#define MPS_POLARITY_LOW	0x3
#define MPS_TRIGGER_MASK	0xc
#define MPS_TRIGGER_LEVEL	0xc
} __packed;
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "MADT type 2 size");

struct acpi_madt_lapic_nmi {
	/* 0x00 */ struct acpi_madt_entry hdr;
	/* 0x02 */ u8 acpi_uid;		/* 0xff: all processors */
	/* 0x03 */ u16 flags;
	/* 0x05 */ u8 lint;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "MADT type 4 size");

struct acpi_madt_lapic_override {
	/* 0x00 */ struct acpi_madt_entry hdr;
	/* 0x02 */ u16 reserved_0x02;
	/* 0x04 */ u64 address;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "MADT type 5 size");

struct acpi_madt_x2apic {
	/* 0x00 */ struct acpi_madt_entry hdr;
	/* 0x02 */ u16 reserved_0x02;
	/* 0x04 */ u32 x2apic_id;
	/* 0x08 */ u32 flags;
	/* 0x0c */ u32 acpi_uid;
} __packed;
_Static_assert(offsetof(struct acpi_madt_x2apic, x2apic_id) == 4, "MADT type 9 id");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT type 9 size");

struct acpi_madt_x2apic_nmi {
	/* 0x00 */ struct acpi_madt_entry hdr;
	/* 0x02 */ u16 flags;
	/* 0x04 */ u32 acpi_uid;		/* 0xffffffff: all processors */
	/* 0x08 */ u8 lint;
	/* 0x09 */ u8 reserved_0x09[3];
} __packed;
_Static_assert(sizeof(struct acpi_madt_x2apic_nmi) == 12, "MADT type 0xa size");

/* FADT, all of it as of ACPI 6.5 (table 5.9).  svmhv's parser reads up to
 * X_PM_TMR_BLK; the guest tables (vmm/dev/acpi_build.c) fill it all.
 * Older tables are shorter: check header.length before touching a field
 * (ACPI_HAS_FIELD). */
struct acpi_fadt {
	/* 0x00 */ struct acpi_sdt_header header;
	/* 0x24 */ u32 firmware_ctrl;
	/* 0x28 */ u32 dsdt;
	/* 0x2c */ u8 reserved_0x2c;
	/* 0x2d */ u8 preferred_pm_profile;
	/* 0x2e */ u16 sci_int;
	/* 0x30 */ u32 smi_cmd;
	/* 0x34 */ u8 acpi_enable;
	/* 0x35 */ u8 acpi_disable;
	/* 0x36 */ u8 s4bios_req;
	/* 0x37 */ u8 pstate_cnt;
	/* 0x38 */ u32 pm1a_evt_blk;
	/* 0x3c */ u32 pm1b_evt_blk;
	/* 0x40 */ u32 pm1a_cnt_blk;
	/* 0x44 */ u32 pm1b_cnt_blk;
	/* 0x48 */ u32 pm2_cnt_blk;
	/* 0x4c */ u32 pm_tmr_blk;		/* I/O port, 0: no PM timer */
	/* 0x50 */ u32 gpe0_blk;
	/* 0x54 */ u32 gpe1_blk;
	/* 0x58 */ u8 pm1_evt_len;
	/* 0x59 */ u8 pm1_cnt_len;
	/* 0x5a */ u8 pm2_cnt_len;
	/* 0x5b */ u8 pm_tmr_len;		/* 4 when the PM timer exists */
	/* 0x5c */ u8 gpe0_blk_len;
	/* 0x5d */ u8 gpe1_blk_len;
	/* 0x5e */ u8 gpe1_base;
	/* 0x5f */ u8 cst_cnt;
	/* 0x60 */ u16 p_lvl2_lat;
	/* 0x62 */ u16 p_lvl3_lat;
	/* 0x64 */ u16 flush_size;
	/* 0x66 */ u16 flush_stride;
	/* 0x68 */ u8 duty_offset;
	/* 0x69 */ u8 duty_width;
	/* 0x6a */ u8 day_alrm;
	/* 0x6b */ u8 mon_alrm;
	/* 0x6c */ u8 century;
	/* 0x6d */ u16 iapc_boot_arch;		/* table 5.11: */
#define ACPI_IAPC_LEGACY_DEVICES	BIT(0)	/* ISA devices the OS must find by ACPI */
#define ACPI_IAPC_8042			BIT(1)	/* a keyboard controller at 0x60/0x64 */
#define ACPI_IAPC_VGA_NOT_PRESENT	BIT(2)
#define ACPI_IAPC_MSI_NOT_SUPPORTED	BIT(3)
#define ACPI_IAPC_CMOS_RTC_NOT_PRESENT	BIT(5)
	/* 0x6f */ u8 reserved_0x6f;
	/* 0x70 */ u32 flags;
#define ACPI_FADT_WBINVD		BIT(0)	/* WBINVD flushes all caches */
#define ACPI_FADT_PWR_BUTTON		BIT(4)	/* 1: no fixed-feature power button */
#define ACPI_FADT_SLP_BUTTON		BIT(5)	/* 1: no fixed-feature sleep button */
#define ACPI_FADT_TMR_VAL_EXT		BIT(8)	/* PM timer counts 32 bits, not 24 */
#define ACPI_FADT_RESET_REG_SUP		BIT(10)	/* reset_reg/reset_value are valid */
#define ACPI_FADT_HW_REDUCED_ACPI	BIT(20)	/* no fixed hardware, so no PM timer */
	/* 0x74 */ struct acpi_gas reset_reg;
	/* 0x80 */ u8 reset_value;
	/* 0x81 */ u16 arm_boot_arch;
	/* 0x83 */ u8 fadt_minor_version;
	/* 0x84 */ u64 x_firmware_ctrl;
	/* 0x8c */ u64 x_dsdt;
	/* 0x94 */ struct acpi_gas x_pm1a_evt_blk;
	/* 0xa0 */ struct acpi_gas x_pm1b_evt_blk;
	/* 0xac */ struct acpi_gas x_pm1a_cnt_blk;
	/* 0xb8 */ struct acpi_gas x_pm1b_cnt_blk;
	/* 0xc4 */ struct acpi_gas x_pm2_cnt_blk;
	/* 0xd0 */ struct acpi_gas x_pm_tmr_blk;	/* wins over pm_tmr_blk if non-zero */
	/* 0xdc */ struct acpi_gas x_gpe0_blk;
	/* 0xe8 */ struct acpi_gas x_gpe1_blk;
	/* ACPI 5.0 and later: sleep registers of a hardware-reduced platform
	 * (4.8.3.7); SLP_TYPx in bits 4:2 and SLP_EN in bit 5 of the
	 * control register, WAK_STS in bit 7 of the status register. */
	/* 0xf4 */ struct acpi_gas sleep_control_reg;
#define ACPI_SLEEP_CTL_SLP_TYP_SHIFT	2
#define ACPI_SLEEP_CTL_SLP_TYP_MASK	0x1c
#define ACPI_SLEEP_CTL_SLP_EN		BIT(5)
	/* 0x100 */ struct acpi_gas sleep_status_reg;
#define ACPI_SLEEP_STS_WAK_STS		BIT(7)
	/* 0x10c */ u64 hypervisor_vendor_id;		/* ACPI 6.0 */
} __packed;
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_blk) == 0x4c, "FADT PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, pm_tmr_len) == 0x5b, "FADT PM_TMR_LEN");
_Static_assert(offsetof(struct acpi_fadt, flags) == 0x70, "FADT flags");
_Static_assert(offsetof(struct acpi_fadt, x_firmware_ctrl) == 0x84, "FADT X_FIRMWARE_CTRL");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 0xd0, "FADT X_PM_TMR_BLK");
_Static_assert(offsetof(struct acpi_fadt, dsdt) == 0x28, "FADT DSDT");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 0x74, "FADT RESET_REG");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 0x80, "FADT RESET_VALUE");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 0x8c, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 0xf4, "FADT SLEEP_CONTROL_REG");
_Static_assert(offsetof(struct acpi_fadt, sleep_status_reg) == 0x100, "FADT SLEEP_STATUS_REG");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT size (ACPI 6.5, revision 6)");

/* PM1 control register bits (ACPI 6.5, 4.8.3.2.1), for SLP_TYP/SLP_EN of
 * a platform with fixed hardware. */
#define ACPI_PM1_CNT_SCI_EN		BIT(0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT	10
#define ACPI_PM1_CNT_SLP_TYP_MASK	(7u << 10)
#define ACPI_PM1_CNT_SLP_EN		BIT(13)

#define ACPI_SIG_FACS	"FACS"
#define ACPI_SIG_DSDT	"DSDT"

/* FACS (ACPI 6.5, 5.2.10): in RAM, no checksum, 64-byte aligned. */
struct acpi_facs {
	/* 0x00 */ char signature[4];
	/* 0x04 */ u32 length;			/* 64 or more */
	/* 0x08 */ u32 hardware_signature;
	/* 0x0c */ u32 firmware_waking_vector;
	/* 0x10 */ u32 global_lock;
	/* 0x14 */ u32 flags;
	/* 0x18 */ u64 x_firmware_waking_vector;
	/* 0x20 */ u8 version;			/* 2 since ACPI 4.0 */
	/* 0x21 */ u8 reserved_0x21[3];
	/* 0x24 */ u32 ospm_flags;
	/* 0x28 */ u8 reserved_0x28[24];
} __packed;
_Static_assert(offsetof(struct acpi_facs, version) == 0x20, "FACS version");
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS size");
#define ACPI_FACS_ALIGN	64

struct acpi_hpet {
	/* 0x00 */ struct acpi_sdt_header header;
	/* 0x24 */ u32 event_timer_block_id;
	/* 0x28 */ struct acpi_gas base_address;	/* system memory */
	/* 0x34 */ u8 hpet_number;
	/* 0x35 */ u16 min_tick;
	/* 0x37 */ u8 page_protection;
} __packed;
_Static_assert(offsetof(struct acpi_hpet, base_address) == 0x28, "HPET base");
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET size");

/* True when a table of `len` bytes is long enough to hold `field`. */
#define ACPI_HAS_FIELD(type, field, len) \
	(offsetof(type, field) + sizeof(((type *)0)->field) <= (size_t)(len))

#endif
