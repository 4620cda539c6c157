/* vmm/dev/acpi_build.c - builds a guest's static ACPI tables (see
 * vmm/dev/acpi_build.h).  Section numbers are ACPI 6.5's.  Tables are laid
 * out one after the other, each 16-byte aligned (the FACS 64), in this
 * order: RSDP, XSDT, RSDT, FADT, FACS, MADT, DSDT. */
#include "vmm/dev/acpi_build.h"
#include "lib/string.h"

#define ACPI_OEM_ID		"SVMHV "	/* 6 bytes */
#define ACPI_OEM_TABLE_ID	"SVMHVVM "	/* 8 bytes */
#define ACPI_CREATOR_ID		"SVMH"
#define ACPI_FADT_REVISION	6	/* ACPI 6.x FADT, 276 bytes */
#define ACPI_FADT_MINOR		5	/* ... as of 6.5 */
#define ACPI_MADT_REVISION	5	/* flags bit 1 means online-capable (6.3+) */
#define ACPI_DSDT_REVISION	2	/* AML integers are 64 bits wide */
#define ACPI_ROOT_ENTRIES	2	/* FADT, MADT */

/* The DSDT's AML body, its largest form (see acpi_emit_dsdt_aml). */
#define ACPI_DSDT_AML_MAX	16

struct acpi_cursor {
	u8 *buf;
	size_t cap, off;
	paddr_t base;
};

/* Reserves len bytes at a GPA aligned to `align`; the bytes are zeroed.
 * Returns the offset into buf, or -1 if they do not fit. */
static long acpi_alloc(struct acpi_cursor *c, size_t len, size_t align)
{
	paddr_t gpa = ALIGN_UP(c->base + c->off, align);
	size_t off = (size_t)(gpa - c->base);

	if (off > c->cap || len > c->cap - off)
		return -1;
	memset(c->buf + off, 0, len);
	c->off = off + len;
	return (long)off;
}

static u8 acpi_sum(const u8 *p, size_t len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* The common header (5.2.6); the checksum is set by acpi_seal. */
static void acpi_header(u8 *p, const char *sig, u32 len, u8 rev)
{
	struct acpi_sdt_header *h = (void *)p;

	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, 8);
	h->oem_revision = 1;
	memcpy(&h->creator_id, ACPI_CREATOR_ID, 4);
	h->creator_revision = 1;
}

static void acpi_seal(u8 *p)
{
	struct acpi_sdt_header *h = (void *)p;

	h->checksum = 0;
	h->checksum = (u8)-acpi_sum(p, h->length);
}

/* An I/O-space Generic Address Structure (5.2.3.2); access_size 1..4
 * means byte..qword. */
static struct acpi_gas acpi_gas_io(u16 port, u8 bits)
{
	struct acpi_gas g = { 0 };

	if (!port)
		return g;
	g.space_id = ACPI_GAS_SPACE_IO;
	g.bit_width = bits;
	g.access_size = bits == 8 ? 1 : bits == 16 ? 2 : 3;
	g.address = port;
	return g;
}

/* AML integer (20.2.3): ZeroOp, OneOp, or BytePrefix and the byte. */
static size_t acpi_aml_byte_int(u8 *p, u8 v)
{
	if (v == 0) {
		p[0] = 0x00;		/* ZeroOp */
		return 1;
	}
	if (v == 1) {
		p[0] = 0x01;		/* OneOp */
		return 1;
	}
	p[0] = 0x0a;			/* BytePrefix */
	p[1] = v;
	return 2;
}

/* Name(\_S5_, Package(4) { typ, typ, 0, 0 }): the S5 sleep type an OS
 * writes to SLP_TYPa/SLP_TYPb to power off (7.4.2). */
static size_t acpi_emit_dsdt_aml(u8 *p, u8 s5_typ)
{
	size_t n = 0, pkg_start;

	p[n++] = 0x08;				/* NameOp (20.2.5.1) */
	p[n++] = 0x5c;				/* RootChar '\' (20.2.2) */
	p[n++] = '_'; p[n++] = 'S';		/* NameSeg "_S5_" */
	p[n++] = '5'; p[n++] = '_';
	p[n++] = 0x12;				/* PackageOp (20.2.5.4) */
	pkg_start = n;
	p[n++] = 0;				/* PkgLength, one byte: set below */
	p[n++] = 4;				/* NumElements */
	n += acpi_aml_byte_int(p + n, s5_typ);	/* SLP_TYPa */
	n += acpi_aml_byte_int(p + n, s5_typ);	/* SLP_TYPb */
	p[n++] = 0x00;				/* reserved: ZeroOp */
	p[n++] = 0x00;				/* reserved: ZeroOp */
	/* PkgLength counts itself and what follows; below 64 it is one byte
	 * with bits 7:6 clear (20.2.4). */
	p[pkg_start] = (u8)(n - pkg_start);
	return n;
}

static size_t acpi_madt_len(u32 ncpus, bool sci_override)
{
	return sizeof(struct acpi_madt) + ncpus * sizeof(struct acpi_madt_lapic) +
	       sizeof(struct acpi_madt_ioapic) +
	       (sci_override ? 2 : 1) * sizeof(struct acpi_madt_iso) +
	       sizeof(struct acpi_madt_lapic_nmi);
}

size_t acpi_build_size(u32 ncpus)
{
	/* Each table may lose up to its alignment to padding. */
	return sizeof(struct acpi_rsdp) + 15 +
	       sizeof(struct acpi_sdt_header) + 8 * ACPI_ROOT_ENTRIES + 15 +
	       sizeof(struct acpi_sdt_header) + 4 * ACPI_ROOT_ENTRIES + 15 +
	       sizeof(struct acpi_fadt) + 15 +
	       sizeof(struct acpi_facs) + ACPI_FACS_ALIGN - 1 +
	       acpi_madt_len(ncpus, true) + 15 +
	       sizeof(struct acpi_sdt_header) + ACPI_DSDT_AML_MAX + 15;
}

static int acpi_check_cfg(const struct acpi_build_cfg *cfg, paddr_t base)
{
	if (cfg->ncpus == 0 || cfg->ncpus > ACPI_BUILD_MAX_CPUS)
		return -EINVAL;
	if (!IS_ALIGNED(base, 16))		/* RSDP rule, 5.2.5.1 */
		return -EINVAL;
	if (cfg->s5_slp_typ > 7)		/* a 3-bit field */
		return -EINVAL;
	for (u32 i = 0; cfg->apic_ids && i < cfg->ncpus; i++) {
		/* 0xff is "no processor" in a type 0 entry (5.2.12.2). */
		if (cfg->apic_ids[i] == 0xff)
			return -EINVAL;
		for (u32 j = 0; j < i; j++)
			if (cfg->apic_ids[j] == cfg->apic_ids[i])
				return -EINVAL;
	}
	return 0;
}

static void acpi_fill_fadt(const struct acpi_build_cfg *cfg, struct acpi_fadt *f,
			   paddr_t facs, paddr_t dsdt)
{
	u32 flags = ACPI_FADT_WBINVD | ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON;

	f->firmware_ctrl = (u32)facs;
	f->dsdt = (u32)dsdt;
	f->x_firmware_ctrl = facs;
	f->x_dsdt = dsdt;
	f->sci_int = cfg->sci_irq;
	/* SMI_CMD 0: no SMM handshake, the platform is in ACPI mode from the
	 * start (5.2.9, SMI_CMD). */
	f->smi_cmd = 0;
	f->pm1a_evt_blk = cfg->pm1a_evt_port;
	f->pm1a_cnt_blk = cfg->pm1a_cnt_port;
	f->pm_tmr_blk = cfg->pm_tmr_port;
	f->pm1_evt_len = cfg->pm1a_evt_port ? 4 : 0;
	f->pm1_cnt_len = cfg->pm1a_cnt_port ? 2 : 0;
	f->pm_tmr_len = cfg->pm_tmr_port ? 4 : 0;
	f->x_pm1a_evt_blk = acpi_gas_io(cfg->pm1a_evt_port, 32);
	f->x_pm1a_cnt_blk = acpi_gas_io(cfg->pm1a_cnt_port, 16);
	f->x_pm_tmr_blk = acpi_gas_io(cfg->pm_tmr_port, 32);
	/* No C2/C3: latencies above 100 and 1000 us say "not supported". */
	f->p_lvl2_lat = 101;
	f->p_lvl3_lat = 1001;
	f->iapc_boot_arch = cfg->iapc_boot_arch;
	f->century = cfg->century;
	if (cfg->pm_tmr_32bit)
		flags |= ACPI_FADT_TMR_VAL_EXT;
	if (cfg->hw_reduced)
		flags |= ACPI_FADT_HW_REDUCED_ACPI;
	if (cfg->reset_port) {
		flags |= ACPI_FADT_RESET_REG_SUP;
		f->reset_reg = acpi_gas_io(cfg->reset_port, 8);
		f->reset_value = cfg->reset_value;
	}
	f->flags = flags;
	f->fadt_minor_version = ACPI_FADT_MINOR;
	f->sleep_control_reg = acpi_gas_io(cfg->sleep_ctl_port, 8);
	f->sleep_status_reg = acpi_gas_io(cfg->sleep_sts_port, 8);
	memcpy(&f->hypervisor_vendor_id, "SVMHV\0\0\0", 8);
}

static void acpi_fill_madt(const struct acpi_build_cfg *cfg, u8 *p, u32 len)
{
	struct acpi_madt *m = (void *)p;
	u8 *e = m->entries;

	acpi_header(p, ACPI_SIG_MADT, len, ACPI_MADT_REVISION);
	m->lapic_address = ACPI_LAPIC_DEFAULT_ADDR;
	m->flags = cfg->pcat_compat ? ACPI_MADT_PCAT_COMPAT : 0;

	/* One enabled local APIC per vCPU, UIDs 0..n-1 (5.2.12.2). */
	for (u32 i = 0; i < cfg->ncpus; i++) {
		struct acpi_madt_lapic *l = (void *)e;

		l->hdr.type = ACPI_MADT_LAPIC;
		l->hdr.length = sizeof(*l);
		l->acpi_uid = (u8)i;
		l->apic_id = cfg->apic_ids ? cfg->apic_ids[i] : (u8)i;
		l->flags = ACPI_MADT_CPU_ENABLED;
		e += sizeof(*l);
	}

	/* The I/O APIC takes GSIs from 0 (5.2.12.3). */
	{
		struct acpi_madt_ioapic *io = (void *)e;

		io->hdr.type = ACPI_MADT_IOAPIC;
		io->hdr.length = sizeof(*io);
		io->ioapic_id = cfg->ioapic_id;
		io->address = cfg->ioapic_addr ? cfg->ioapic_addr : ACPI_IOAPIC_DEFAULT_ADDR;
		io->gsi_base = 0;
		e += sizeof(*io);
	}

	/* The PIT's IRQ 0 arrives on pin 2, as on every PC since the
	 * MP specification (5.2.12.5); flags 0: the bus's own polarity
	 * and trigger, edge and active-high for ISA. */
	{
		struct acpi_madt_iso *iso = (void *)e;

		iso->hdr.type = ACPI_MADT_ISO;
		iso->hdr.length = sizeof(*iso);
		iso->bus = 0;
		iso->source_irq = 0;
		iso->gsi = 2;
		iso->flags = 0;
		e += sizeof(*iso);
	}
	/* The SCI is level-triggered, active-high (5.2.12.5, its example). */
	if (cfg->sci_override) {
		struct acpi_madt_iso *iso = (void *)e;

		iso->hdr.type = ACPI_MADT_ISO;
		iso->hdr.length = sizeof(*iso);
		iso->source_irq = 9;
		iso->gsi = 9;
		iso->flags = MPS_TRIGGER_LEVEL | MPS_POLARITY_HIGH;
		e += sizeof(*iso);
	}
	/* LINT1 of every processor is the NMI input (5.2.12.7). */
	{
		struct acpi_madt_lapic_nmi *nmi = (void *)e;

		nmi->hdr.type = ACPI_MADT_LAPIC_NMI;
		nmi->hdr.length = sizeof(*nmi);
		nmi->acpi_uid = 0xff;
		nmi->flags = 0;
		nmi->lint = 1;
	}
	acpi_seal(p);
}

int acpi_build(const struct acpi_build_cfg *cfg, u8 *buf, size_t cap, paddr_t base,
	       struct acpi_build_out *out)
{
	struct acpi_cursor c = { .buf = buf, .cap = cap, .base = base };
	long o_rsdp, o_xsdt, o_rsdt, o_fadt, o_facs, o_madt, o_dsdt;
	u32 madt_len, dsdt_len;
	u8 aml[ACPI_DSDT_AML_MAX];
	size_t aml_len;
	struct acpi_rsdp *r;
	struct acpi_facs *facs;
	int err;

	err = acpi_check_cfg(cfg, base);
	if (err)
		return err;
	/* The RSDT and the FADT's 32-bit pointers must reach every table. */
	if (base >= BIT(32) || acpi_build_size(cfg->ncpus) > BIT(32) - base)
		return -EINVAL;

	madt_len = (u32)acpi_madt_len(cfg->ncpus, cfg->sci_override);
	aml_len = acpi_emit_dsdt_aml(aml, cfg->s5_slp_typ);
	dsdt_len = (u32)(sizeof(struct acpi_sdt_header) + aml_len);

	o_rsdp = acpi_alloc(&c, sizeof(struct acpi_rsdp), 16);
	o_xsdt = acpi_alloc(&c, sizeof(struct acpi_sdt_header) + 8 * ACPI_ROOT_ENTRIES, 16);
	o_rsdt = acpi_alloc(&c, sizeof(struct acpi_sdt_header) + 4 * ACPI_ROOT_ENTRIES, 16);
	o_fadt = acpi_alloc(&c, sizeof(struct acpi_fadt), 16);
	o_facs = acpi_alloc(&c, sizeof(struct acpi_facs), ACPI_FACS_ALIGN);
	o_madt = acpi_alloc(&c, madt_len, 16);
	o_dsdt = acpi_alloc(&c, dsdt_len, 16);
	if (o_rsdp < 0 || o_xsdt < 0 || o_rsdt < 0 || o_fadt < 0 || o_facs < 0 ||
	    o_madt < 0 || o_dsdt < 0)
		return -ENOSPC;

	out->rsdp = base + (paddr_t)o_rsdp;
	out->xsdt = base + (paddr_t)o_xsdt;
	out->rsdt = base + (paddr_t)o_rsdt;
	out->fadt = base + (paddr_t)o_fadt;
	out->facs = base + (paddr_t)o_facs;
	out->madt = base + (paddr_t)o_madt;
	out->dsdt = base + (paddr_t)o_dsdt;
	out->len = c.off;

	/* DSDT: the header and the AML (5.2.11.1). */
	acpi_header(buf + o_dsdt, ACPI_SIG_DSDT, dsdt_len, ACPI_DSDT_REVISION);
	memcpy(buf + o_dsdt + sizeof(struct acpi_sdt_header), aml, aml_len);
	acpi_seal(buf + o_dsdt);

	acpi_fill_madt(cfg, buf + o_madt, madt_len);

	/* FACS: no checksum; the hardware signature stays 0 (5.2.10). */
	facs = (void *)(buf + o_facs);
	memcpy(facs->signature, ACPI_SIG_FACS, 4);
	facs->length = sizeof(*facs);
	facs->version = 2;

	acpi_header(buf + o_fadt, ACPI_SIG_FADT, sizeof(struct acpi_fadt), ACPI_FADT_REVISION);
	acpi_fill_fadt(cfg, (void *)(buf + o_fadt), out->facs, out->dsdt);
	acpi_seal(buf + o_fadt);

	/* XSDT entries are 64-bit and only 4-byte aligned: stored bytewise
	 * through memcpy (5.2.8). */
	acpi_header(buf + o_xsdt, ACPI_SIG_XSDT,
		    sizeof(struct acpi_sdt_header) + 8 * ACPI_ROOT_ENTRIES, 1);
	memcpy(buf + o_xsdt + 36, &out->fadt, 8);
	memcpy(buf + o_xsdt + 44, &out->madt, 8);
	acpi_seal(buf + o_xsdt);

	acpi_header(buf + o_rsdt, ACPI_SIG_RSDT,
		    sizeof(struct acpi_sdt_header) + 4 * ACPI_ROOT_ENTRIES, 1);
	{
		u32 f32 = (u32)out->fadt, m32 = (u32)out->madt;

		memcpy(buf + o_rsdt + 36, &f32, 4);
		memcpy(buf + o_rsdt + 40, &m32, 4);
	}
	acpi_seal(buf + o_rsdt);

	/* RSDP revision 2: the first checksum over the ACPI 1.0 part, the
	 * extended one over all 36 bytes (5.2.5.3). */
	r = (void *)(buf + o_rsdp);
	memcpy(r->signature, ACPI_RSDP_SIG, 8);
	memcpy(r->oem_id, ACPI_OEM_ID, 6);
	r->revision = 2;
	r->rsdt_address = (u32)out->rsdt;
	r->length = sizeof(*r);
	r->xsdt_address = out->xsdt;
	r->checksum = (u8)-acpi_sum((u8 *)r, ACPI_RSDP_V1_LEN);
	r->extended_checksum = (u8)-acpi_sum((u8 *)r, sizeof(*r));
	return 0;
}
