/* drivers/acpi_tables.c - reads the static ACPI tables: RSDP -> RSDT or
 * XSDT -> MADT (CPUs, I/O APICs, interrupt overrides), FADT (PM timer) and
 * HPET.  Called once by the boot code with a copy of the RSDP; the result
 * feeds SMP bring-up and interrupt routing.
 *
 * Firmware tables are outside input: every length is checked before the
 * bytes behind it are touched, and a table is read only through a mapping
 * of exactly the length it claims.  Without a sound MADT the whole parse
 * fails and the kernel keeps to the boot CPU; a broken FADT or HPET table
 * is skipped with a warning. */
#include "drivers/acpi_tables.h"
#include "kernel/printk.h"
#include "lib/string.h"

#define ACPI_SDT_HDR_LEN	((u32)sizeof(struct acpi_sdt_header))

/* A table mapped over its whole length, with its checksum verified. */
struct acpi_table {
	const u8 *base;
	u32 len;
	paddr_t pa;
};

/* Physical addresses of the tables svmhv reads, 0 when absent. */
struct acpi_found {
	paddr_t madt;
	paddr_t fadt;
	paddr_t hpet;
};

int acpi_checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* Firmware strings go to the serial console: keep them printable. */
static void acpi_copy_printable(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = src[i];

		dst[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	dst[n] = '\0';
}

static unsigned long long acpi_ull(paddr_t pa)
{
	return (unsigned long long)pa;
}

/* Maps [pa, pa + len), refusing address 0 and ranges that wrap. */
static const void *acpi_map_range(acpi_map_fn map, void *ctx, paddr_t pa, size_t len)
{
	if (pa == 0 || len == 0 || pa + len < pa)
		return NULL;
	return map(ctx, pa, len);
}

/* Maps the table with signature `sig` at pa: its header first, to learn
 * the length, then all of it.  Problems are logged at `level`, so the
 * caller decides whether they are errors or warnings. */
static int acpi_load_table(acpi_map_fn map, void *ctx, paddr_t pa, const char *sig,
			   int level, struct acpi_table *t)
{
	const struct acpi_sdt_header *h;
	const u8 *base;
	char found[5];
	u32 len;

	h = acpi_map_range(map, ctx, pa, sizeof(*h));
	if (!h) {
		klog(level, "acpi: %s at 0x%llx cannot be mapped\n", sig, acpi_ull(pa));
		return -EFAULT;
	}
	if (memcmp(h->signature, sig, sizeof(h->signature)) != 0) {
		acpi_copy_printable(found, h->signature, sizeof(h->signature));
		klog(level, "acpi: expected %s at 0x%llx, found signature '%s'\n",
		     sig, acpi_ull(pa), found);
		return -EINVAL;
	}
	len = h->length;
	if (len < ACPI_SDT_HDR_LEN || len > ACPI_TABLE_MAX_LEN) {
		klog(level, "acpi: %s at 0x%llx has an implausible length of %u bytes (allowed %u..%u)\n",
		     sig, acpi_ull(pa), len, ACPI_SDT_HDR_LEN, ACPI_TABLE_MAX_LEN);
		return -EINVAL;
	}
	/* From here on only `base` is used: it covers exactly `len` bytes
	 * whatever the mapper did with the header mapping. */
	base = acpi_map_range(map, ctx, pa, len);
	if (!base) {
		klog(level, "acpi: %s at 0x%llx: its %u bytes cannot be mapped\n",
		     sig, acpi_ull(pa), len);
		return -EFAULT;
	}
	if (!acpi_checksum_ok(base, len)) {
		klog(level, "acpi: %s at 0x%llx (%u bytes) has a bad checksum\n",
		     sig, acpi_ull(pa), len);
		return -EIO;
	}
	t->base = base;
	t->len = len;
	t->pa = pa;
	return 0;
}

/* Checks the RSDP copy and returns the RSDT address and, when the v2 part
 * is present and sound, the XSDT address (else 0). */
static int acpi_parse_rsdp(const u8 *rsdp, size_t rsdp_len, struct acpi_info *out,
			   paddr_t *rsdt_pa, paddr_t *xsdt_pa)
{
	const struct acpi_rsdp *r = (const void *)rsdp;

	*rsdt_pa = 0;
	*xsdt_pa = 0;
	if (rsdp_len < ACPI_RSDP_V1_LEN) {
		pr_err("acpi: RSDP copy is %u bytes, a v1 RSDP needs %u\n",
		       (unsigned)rsdp_len, ACPI_RSDP_V1_LEN);
		return -EINVAL;
	}
	if (memcmp(r->signature, ACPI_RSDP_SIG, sizeof(r->signature)) != 0) {
		char sig[9];

		acpi_copy_printable(sig, r->signature, sizeof(r->signature));
		pr_err("acpi: RSDP signature is '%s', not '%s'\n", sig, ACPI_RSDP_SIG);
		return -EINVAL;
	}
	if (!acpi_checksum_ok(rsdp, ACPI_RSDP_V1_LEN)) {
		pr_err("acpi: RSDP checksum is bad\n");
		return -EIO;
	}
	out->revision = r->revision;
	acpi_copy_printable(out->oem_id, r->oem_id, sizeof(r->oem_id));
	*rsdt_pa = r->rsdt_address;

	/* Revision 1 was never assigned; 2 and later carry the XSDT. */
	if (r->revision < 2)
		return 0;
	if (rsdp_len < ACPI_RSDP_V2_LEN) {
		pr_warn("acpi: RSDP revision %u but only %u bytes were passed, using the RSDT\n",
			r->revision, (unsigned)rsdp_len);
		return 0;
	}
	if (r->length < ACPI_RSDP_V2_LEN) {
		pr_err("acpi: RSDP revision %u has length %u, below %u\n",
		       r->revision, r->length, ACPI_RSDP_V2_LEN);
		return -EINVAL;
	}
	if (r->length > rsdp_len) {
		pr_warn("acpi: RSDP length %u exceeds the %u bytes passed, cannot check it, using the RSDT\n",
			r->length, (unsigned)rsdp_len);
		return 0;
	}
	if (!acpi_checksum_ok(rsdp, r->length)) {
		pr_err("acpi: RSDP extended checksum is bad\n");
		return -EIO;
	}
	*xsdt_pa = r->xsdt_address;
	return 0;
}

/* Picks the XSDT when there is a sound one, else the RSDT. */
static int acpi_find_root(acpi_map_fn map, void *ctx, paddr_t rsdt_pa, paddr_t xsdt_pa,
			  struct acpi_table *root, struct acpi_info *out)
{
	int err;

	if (xsdt_pa) {
		if (acpi_load_table(map, ctx, xsdt_pa, ACPI_SIG_XSDT, LOG_WARN, root) == 0) {
			out->xsdt_used = true;
			return 0;
		}
		if (!rsdt_pa) {
			pr_err("acpi: XSDT unusable and the RSDP gives no RSDT\n");
			return -ENODEV;
		}
		pr_warn("acpi: XSDT unusable, falling back to the RSDT at 0x%llx\n",
			acpi_ull(rsdt_pa));
	}
	if (!rsdt_pa) {
		pr_err("acpi: RSDP gives no RSDT address\n");
		return -ENODEV;
	}
	err = acpi_load_table(map, ctx, rsdt_pa, ACPI_SIG_RSDT, LOG_ERR, root);
	if (err)
		pr_err("acpi: no usable RSDT or XSDT\n");
	return err;
}

/* Records where the tables svmhv reads are; the first of each kind wins. */
static void acpi_scan_root(acpi_map_fn map, void *ctx, const struct acpi_table *root,
			   bool xsdt, struct acpi_found *found)
{
	const char *name = xsdt ? ACPI_SIG_XSDT : ACPI_SIG_RSDT;
	u32 esz = xsdt ? 8 : 4;
	u32 body = root->len - ACPI_SDT_HDR_LEN;
	u32 n = body / esz;

	if (body % esz)
		pr_warn("acpi: %s length %u ends in a partial entry, ignored\n", name, root->len);

	for (u32 i = 0; i < n; i++) {
		const u8 *e = root->base + ACPI_SDT_HDR_LEN + i * esz;
		const struct acpi_sdt_header *h;
		paddr_t pa, *slot;

		/* Entries are only 4-byte aligned in an XSDT: copy them out. */
		if (xsdt) {
			u64 v;

			memcpy(&v, e, sizeof(v));
			pa = v;
		} else {
			u32 v;

			memcpy(&v, e, sizeof(v));
			pa = v;
		}
		if (!pa) {
			pr_warn("acpi: %s entry %u is null, skipped\n", name, i);
			continue;
		}
		h = acpi_map_range(map, ctx, pa, sizeof(*h));
		if (!h) {
			pr_warn("acpi: %s entry %u (0x%llx) cannot be mapped, skipped\n",
				name, i, acpi_ull(pa));
			continue;
		}
		if (memcmp(h->signature, ACPI_SIG_MADT, 4) == 0)
			slot = &found->madt;
		else if (memcmp(h->signature, ACPI_SIG_FADT, 4) == 0)
			slot = &found->fadt;
		else if (memcmp(h->signature, ACPI_SIG_HPET, 4) == 0)
			slot = &found->hpet;
		else
			continue;
		if (*slot) {
			char sig[5];

			acpi_copy_printable(sig, h->signature, 4);
			pr_warn("acpi: second %s table at 0x%llx ignored, using the one at 0x%llx\n",
				sig, acpi_ull(pa), acpi_ull(*slot));
			continue;
		}
		*slot = pa;
	}
}

/* Smallest length of each MADT entry type svmhv reads; 0: not read. */
static const u8 acpi_madt_min_len[] = {
	[ACPI_MADT_LAPIC]		= sizeof(struct acpi_madt_lapic),
	[ACPI_MADT_IOAPIC]		= sizeof(struct acpi_madt_ioapic),
	[ACPI_MADT_ISO]			= sizeof(struct acpi_madt_iso),
	[ACPI_MADT_LAPIC_NMI]		= sizeof(struct acpi_madt_lapic_nmi),
	[ACPI_MADT_LAPIC_OVERRIDE]	= sizeof(struct acpi_madt_lapic_override),
	[ACPI_MADT_X2APIC]		= sizeof(struct acpi_madt_x2apic),
	[ACPI_MADT_X2APIC_NMI]		= sizeof(struct acpi_madt_x2apic_nmi),
};

struct acpi_madt_state {
	struct acpi_info *out;
	u8 revision;		/* MADT revision: decides what the flags mean */
	u32 cpus_over_limit;
};

static void acpi_add_cpu(struct acpi_madt_state *s, u32 off, u32 apic_id, u32 uid,
			 u32 flags, bool x2apic)
{
	struct acpi_info *out = s->out;
	bool enabled = flags & ACPI_MADT_CPU_ENABLED;
	bool online_capable = s->revision >= ACPI_MADT_REV_ONLINE_CAPABLE &&
			      (flags & ACPI_MADT_CPU_ONLINE_CAPABLE);
	u32 invalid_id = x2apic ? 0xffffffffu : 0xffu;
	struct acpi_cpu *c;

	if (!enabled && !online_capable) {
		out->ncpus_disabled++;
		return;
	}
	if (apic_id == invalid_id) {
		pr_warn("acpi: MADT entry at offset %u: APIC ID 0x%x is not a valid CPU, skipped\n",
			off, apic_id);
		return;
	}
	for (u32 i = 0; i < out->ncpus; i++) {
		if (out->cpus[i].apic_id == apic_id) {
			pr_warn("acpi: MADT entry at offset %u: APIC ID %u is listed twice, duplicate dropped\n",
				off, apic_id);
			return;
		}
	}
	if (out->ncpus == ACPI_MAX_CPUS) {
		s->cpus_over_limit++;
		return;
	}
	c = &out->cpus[out->ncpus++];
	c->apic_id = apic_id;
	c->acpi_uid = uid;
	c->x2apic_entry = x2apic;
	c->enabled = enabled;
	c->online_capable = online_capable;
}

/* One entry whose length has been checked against the table and its type. */
static void acpi_madt_entry(struct acpi_madt_state *s, u32 off, const struct acpi_madt_entry *e)
{
	struct acpi_info *out = s->out;

	switch (e->type) {
	case ACPI_MADT_LAPIC: {
		const struct acpi_madt_lapic *l = (const void *)e;

		acpi_add_cpu(s, off, l->apic_id, l->acpi_uid, l->flags, false);
		break;
	}
	case ACPI_MADT_X2APIC: {
		const struct acpi_madt_x2apic *x = (const void *)e;

		acpi_add_cpu(s, off, x->x2apic_id, x->acpi_uid, x->flags, true);
		break;
	}
	case ACPI_MADT_IOAPIC: {
		const struct acpi_madt_ioapic *io = (const void *)e;
		struct acpi_ioapic *d;

		if (out->nioapics == ACPI_MAX_IOAPICS) {
			pr_warn("acpi: MADT entry at offset %u: I/O APIC %u beyond the limit of %u, ignored\n",
				off, io->ioapic_id, ACPI_MAX_IOAPICS);
			break;
		}
		d = &out->ioapics[out->nioapics++];
		d->id = io->ioapic_id;
		d->addr = io->address;
		d->gsi_base = io->gsi_base;
		break;
	}
	case ACPI_MADT_ISO: {
		const struct acpi_madt_iso *iso = (const void *)e;
		struct acpi_iso *d;

		if (out->nisos == ACPI_MAX_ISOS) {
			pr_warn("acpi: MADT entry at offset %u: override of IRQ %u beyond the limit of %u, ignored\n",
				off, iso->source_irq, ACPI_MAX_ISOS);
			break;
		}
		d = &out->isos[out->nisos++];
		d->bus = iso->bus;
		d->source_irq = iso->source_irq;
		d->gsi = iso->gsi;
		d->flags = iso->flags;
		break;
	}
	case ACPI_MADT_LAPIC_NMI:
	case ACPI_MADT_X2APIC_NMI:
		out->lapic_nmi_count++;
		break;
	case ACPI_MADT_LAPIC_OVERRIDE: {
		const struct acpi_madt_lapic_override *o = (const void *)e;

		if (!o->address) {
			pr_warn("acpi: MADT entry at offset %u: local APIC address override is 0, ignored\n",
				off);
			break;
		}
		out->lapic_addr = o->address;
		break;
	}
	default:
		break;		/* NMI sources, SAPIC, GIC ...: nothing svmhv uses */
	}
}

static int acpi_parse_madt(const struct acpi_table *t, struct acpi_info *out)
{
	const struct acpi_madt *m = (const void *)t->base;
	struct acpi_madt_state s = { .out = out };
	u32 off = offsetof(struct acpi_madt, entries);

	if (t->len < off) {
		pr_err("acpi: MADT is %u bytes, shorter than its fixed part (%u)\n", t->len, off);
		return -EINVAL;
	}
	s.revision = m->header.revision;
	out->lapic_addr = m->lapic_address;
	out->pcat_compat = m->flags & ACPI_MADT_PCAT_COMPAT;

	/* An entry that does not fit means the table cannot be trusted: an
	 * ID read from the middle of some other entry is worse than running
	 * on the boot CPU alone, so the whole MADT is refused. */
	while (off < t->len) {
		const struct acpi_madt_entry *e = (const void *)(t->base + off);
		u32 left = t->len - off;

		if (left < sizeof(*e)) {
			pr_err("acpi: MADT has a stray byte at offset %u, too short for an entry\n", off);
			return -EINVAL;
		}
		if (e->length < sizeof(*e)) {
			pr_err("acpi: MADT entry at offset %u (type %u) has length %u, below 2\n",
			       off, e->type, e->length);
			return -EINVAL;
		}
		if (e->length > left) {
			pr_err("acpi: MADT entry at offset %u (type %u, length %u) runs past the table end at %u\n",
			       off, e->type, e->length, t->len);
			return -EINVAL;
		}
		if (e->type < ARRAY_SIZE(acpi_madt_min_len) && e->length < acpi_madt_min_len[e->type]) {
			pr_err("acpi: MADT entry at offset %u: type %u needs %u bytes, has %u\n",
			       off, e->type, acpi_madt_min_len[e->type], e->length);
			return -EINVAL;
		}
		acpi_madt_entry(&s, off, e);
		off += e->length;
	}

	if (s.cpus_over_limit)
		pr_warn("acpi: MADT lists %u more usable CPUs than the limit of %u, ignored\n",
			s.cpus_over_limit, ACPI_MAX_CPUS);
	if (out->ncpus == 0) {
		pr_err("acpi: MADT lists no usable CPU (%u disabled)\n", out->ncpus_disabled);
		return -ENODEV;
	}
	if (!out->lapic_addr) {
		pr_err("acpi: MADT gives no local APIC address\n");
		return -EINVAL;
	}
	return 0;
}

static void acpi_parse_fadt(const struct acpi_table *t, struct acpi_info *out)
{
	const struct acpi_fadt *f = (const void *)t->base;
	u32 flags = 0, port = 0;

	if (!ACPI_HAS_FIELD(struct acpi_fadt, pm_tmr_len, t->len)) {
		pr_warn("acpi: FADT is only %u bytes, too short for the PM timer fields, skipped\n",
			t->len);
		return;
	}
	out->has_fadt = true;
	if (ACPI_HAS_FIELD(struct acpi_fadt, flags, t->len))
		flags = f->flags;
	if (flags & ACPI_FADT_HW_REDUCED_ACPI)
		return;		/* no fixed hardware: the PM timer fields mean nothing */

	/* The 64-bit block wins when it is set (ACPI 5.2.9), but svmhv can
	 * only use an I/O port; the legacy field is always one. */
	if (ACPI_HAS_FIELD(struct acpi_fadt, x_pm_tmr_blk, t->len) && f->x_pm_tmr_blk.address) {
		u64 addr = f->x_pm_tmr_blk.address;

		if (f->x_pm_tmr_blk.space_id == ACPI_GAS_SPACE_IO && addr <= 0xffff)
			port = (u32)addr;
		else
			pr_warn("acpi: FADT X_PM_TMR_BLK (space %u, address 0x%llx) is not an I/O port, trying PM_TMR_BLK\n",
				f->x_pm_tmr_blk.space_id, acpi_ull(addr));
	}
	if (!port && f->pm_tmr_blk) {
		if (f->pm_tmr_len != 4)
			pr_warn("acpi: FADT PM_TMR_LEN is %u, not 4: no PM timer\n", f->pm_tmr_len);
		else if (f->pm_tmr_blk > 0xffff)
			pr_warn("acpi: FADT PM_TMR_BLK 0x%x is not an I/O port: no PM timer\n",
				f->pm_tmr_blk);
		else
			port = f->pm_tmr_blk;
	}
	out->pm_timer_port = port;
	out->pm_timer_32bit = port && (flags & ACPI_FADT_TMR_VAL_EXT);
}

static void acpi_parse_hpet(const struct acpi_table *t, struct acpi_info *out)
{
	const struct acpi_hpet *h = (const void *)t->base;

	if (t->len < sizeof(*h)) {
		pr_warn("acpi: HPET table is only %u bytes, skipped\n", t->len);
		return;
	}
	if (h->base_address.space_id != ACPI_GAS_SPACE_MEMORY || !h->base_address.address) {
		pr_warn("acpi: HPET base (space %u, address 0x%llx) is not a memory address, skipped\n",
			h->base_address.space_id, acpi_ull(h->base_address.address));
		return;
	}
	out->has_hpet = true;
	out->hpet_addr = h->base_address.address;
}

static void acpi_report(const struct acpi_info *out)
{
	pr_info("acpi: revision %u, OEM '%s', %s: %u CPU(s) (%u disabled), %u I/O APIC(s), %u override(s), LAPIC at 0x%llx\n",
		out->revision, out->oem_id, out->xsdt_used ? "XSDT" : "RSDT",
		out->ncpus, out->ncpus_disabled, out->nioapics, out->nisos,
		acpi_ull(out->lapic_addr));
	if (out->pm_timer_port)
		pr_info("acpi: PM timer at port 0x%x, %u bits\n",
			out->pm_timer_port, out->pm_timer_32bit ? 32 : 24);
	if (out->has_hpet)
		pr_info("acpi: HPET at 0x%llx\n", acpi_ull(out->hpet_addr));
}

int acpi_parse(const u8 *rsdp, size_t rsdp_len, acpi_map_fn map, void *ctx,
	       struct acpi_info *out)
{
	struct acpi_found found = { 0 };
	struct acpi_table root, t;
	paddr_t rsdt_pa, xsdt_pa;
	int err;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!rsdp || !map) {
		pr_err("acpi: no RSDP or no way to map tables\n");
		err = -EINVAL;
		goto fail;
	}

	err = acpi_parse_rsdp(rsdp, rsdp_len, out, &rsdt_pa, &xsdt_pa);
	if (err)
		goto fail;
	err = acpi_find_root(map, ctx, rsdt_pa, xsdt_pa, &root, out);
	if (err)
		goto fail;
	acpi_scan_root(map, ctx, &root, out->xsdt_used, &found);

	if (!found.madt) {
		pr_err("acpi: no MADT (APIC) table in the %s\n", out->xsdt_used ? "XSDT" : "RSDT");
		err = -ENODEV;
		goto fail;
	}
	err = acpi_load_table(map, ctx, found.madt, ACPI_SIG_MADT, LOG_ERR, &t);
	if (err)
		goto fail;
	err = acpi_parse_madt(&t, out);
	if (err)
		goto fail;

	if (found.fadt) {
		if (acpi_load_table(map, ctx, found.fadt, ACPI_SIG_FADT, LOG_WARN, &t) == 0)
			acpi_parse_fadt(&t, out);
		else
			pr_warn("acpi: FADT skipped, no PM timer from it\n");
	}
	if (found.hpet) {
		if (acpi_load_table(map, ctx, found.hpet, ACPI_SIG_HPET, LOG_WARN, &t) == 0)
			acpi_parse_hpet(&t, out);
		else
			pr_warn("acpi: HPET table skipped\n");
	}
	acpi_report(out);
	return 0;

fail:
	memset(out, 0, sizeof(*out));
	pr_err("acpi: tables unusable (error %d)\n", err);
	return err;
}
