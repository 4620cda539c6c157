/* kernel/mb2.c - reads the multiboot2 boot information into struct
 * boot_info.  The loader is outside the kernel's control, so every length
 * is checked against the structure's bounds before anything is read:
 * damage that leaves the kernel unsure of memory or of its command line is
 * an error; damage to optional tags is a warning and the tag is dropped.
 * Called once by the boot path; also compiled into the host tests. */
#include "kernel/mb2.h"
#include "kernel/printk.h"
#include "lib/string.h"

/* Fields are read through byte copies: tags are 8-byte aligned but an mmap
 * entry_size that is not a multiple of 8 would misalign what follows. */
static u32 rd32(const u8 *p)
{
	u32 v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;
	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

/* One tag being looked at: where it is and how much of it may be read. */
struct tag_ref {
	const u8 *p;	/* tag start */
	u32 type;
	u32 size;	/* as given, already checked to lie inside the info */
	u32 off;	/* offset from the start of the info, for messages */
};

/* Parse state beyond what boot_info records. */
struct mb2_state {
	bool seen_cmdline, seen_loader, seen_meminfo, seen_mmap;
	bool seen_rsdp_v1, seen_rsdp_v2;
	bool warned_modules;
};

static const char *tag_name(u32 type)
{
	switch (type) {
	case MB2_TAG_END:           return "end";
	case MB2_TAG_CMDLINE:       return "command line";
	case MB2_TAG_LOADER_NAME:   return "boot loader name";
	case MB2_TAG_MODULE:        return "module";
	case MB2_TAG_BASIC_MEMINFO: return "basic memory info";
	case MB2_TAG_BOOTDEV:       return "BIOS boot device";
	case MB2_TAG_MMAP:          return "memory map";
	case MB2_TAG_VBE:           return "VBE info";
	case MB2_TAG_FRAMEBUFFER:   return "framebuffer";
	case MB2_TAG_ELF_SECTIONS:  return "ELF sections";
	case MB2_TAG_APM:           return "APM table";
	case MB2_TAG_EFI32:         return "EFI32 system table";
	case MB2_TAG_EFI64:         return "EFI64 system table";
	case MB2_TAG_SMBIOS:        return "SMBIOS";
	case MB2_TAG_ACPI_OLD:      return "ACPI 1.0 RSDP";
	case MB2_TAG_ACPI_NEW:      return "ACPI 2.0 RSDP";
	case MB2_TAG_NETWORK:       return "network";
	case MB2_TAG_EFI_MMAP:      return "EFI memory map";
	case MB2_TAG_EFI_BS:        return "EFI boot services not terminated";
	case MB2_TAG_EFI32_IH:      return "EFI32 image handle";
	case MB2_TAG_EFI64_IH:      return "EFI64 image handle";
	case MB2_TAG_LOAD_BASE_ADDR: return "load base address";
	default:                    return "unknown";
	}
}

const char *mb2_mmap_type_name(u32 type)
{
	switch (type) {
	case MB2_MMAP_AVAILABLE:        return "available";
	case MB2_MMAP_RESERVED:         return "reserved";
	case MB2_MMAP_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case MB2_MMAP_NVS:              return "ACPI NVS";
	case MB2_MMAP_BADRAM:           return "bad RAM";
	default:                        return "unknown";
	}
}

/* A second copy of a tag the spec allows once: the first one wins. */
static bool duplicate(const struct tag_ref *t, bool *seen)
{
	if (*seen) {
		pr_warn("multiboot2: duplicate %s tag (type %u) at offset 0x%x, keeping the first\n",
			tag_name(t->type), t->type, t->off);
		return true;
	}
	*seen = true;
	return false;
}

/* Returns the string at `at` bytes into the tag, or NULL (after pr_err) if
 * it is not NUL-terminated before the tag ends. */
static const char *tag_string(const struct tag_ref *t, u32 at)
{
	const char *s = (const char *)t->p + at;
	u32 room = t->size > at ? t->size - at : 0;

	if (room == 0 || strnlen(s, room) == room) {
		pr_err("multiboot2: %s tag (type %u) at offset 0x%x: string is not NUL-terminated within its 0x%x bytes\n",
		       tag_name(t->type), t->type, t->off, t->size);
		return NULL;
	}
	return s;
}

static int parse_string_tag(const struct tag_ref *t, const char **dst, bool *seen)
{
	const char *s = tag_string(t, offsetof(struct mb2_tag_string, string));

	if (!s)
		return -EINVAL;
	if (!duplicate(t, seen))
		*dst = s;
	return 0;
}

static int parse_module(const struct tag_ref *t, struct boot_info *bi, struct mb2_state *st)
{
	const char *s;
	u32 start, end;

	if (t->size < offsetof(struct mb2_tag_module, string) + 1) {
		pr_err("multiboot2: module tag at offset 0x%x is 0x%x bytes, need at least 0x%x\n",
		       t->off, t->size, (u32)offsetof(struct mb2_tag_module, string) + 1);
		return -EINVAL;
	}
	start = rd32(t->p + offsetof(struct mb2_tag_module, mod_start));
	end = rd32(t->p + offsetof(struct mb2_tag_module, mod_end));
	s = tag_string(t, offsetof(struct mb2_tag_module, string));
	if (!s)
		return -EINVAL;
	if (start > end) {
		pr_err("multiboot2: module '%s' at offset 0x%x ends (0x%x) before it starts (0x%x)\n",
		       s, t->off, end, start);
		return -EINVAL;
	}
	if (bi->module_count >= MB2_MAX_MODULES) {
		if (!st->warned_modules)
			pr_warn("multiboot2: more than %u modules, ignoring '%s' and any after it\n",
				MB2_MAX_MODULES, s);
		st->warned_modules = true;
		return 0;
	}
	bi->modules[bi->module_count].start = start;
	bi->modules[bi->module_count].end = end;
	bi->modules[bi->module_count].string = s;
	bi->module_count++;
	return 0;
}

static void parse_meminfo(const struct tag_ref *t, struct boot_info *bi, struct mb2_state *st)
{
	if (t->size < sizeof(struct mb2_tag_meminfo)) {
		pr_warn("multiboot2: basic memory info tag at offset 0x%x is 0x%x bytes, need 0x%x (ignored)\n",
			t->off, t->size, (u32)sizeof(struct mb2_tag_meminfo));
		return;
	}
	if (duplicate(t, &st->seen_meminfo))
		return;
	bi->has_meminfo = true;
	bi->mem_lower_kib = rd32(t->p + offsetof(struct mb2_tag_meminfo, mem_lower));
	bi->mem_upper_kib = rd32(t->p + offsetof(struct mb2_tag_meminfo, mem_upper));
}

static int parse_mmap(const struct tag_ref *t, struct boot_info *bi, struct mb2_state *st)
{
	const u32 hdr = offsetof(struct mb2_tag_mmap, entries);
	u32 esize, n, i;

	if (t->size < hdr) {
		pr_err("multiboot2: memory map tag at offset 0x%x is 0x%x bytes, need at least 0x%x\n",
		       t->off, t->size, hdr);
		return -EINVAL;
	}
	esize = rd32(t->p + offsetof(struct mb2_tag_mmap, entry_size));
	if (esize < sizeof(struct mb2_mmap_raw)) {
		pr_err("multiboot2: memory map tag at offset 0x%x has entry_size %u, need at least %u\n",
		       t->off, esize, (u32)sizeof(struct mb2_mmap_raw));
		return -EINVAL;
	}
	n = (t->size - hdr) / esize;
	if ((t->size - hdr) % esize)
		pr_warn("multiboot2: memory map tag at offset 0x%x: %u trailing bytes after %u entries of %u bytes (ignored)\n",
			t->off, (t->size - hdr) % esize, n, esize);
	if (duplicate(t, &st->seen_mmap))
		return 0;
	if (n > MB2_MAX_MMAP)
		pr_warn("multiboot2: memory map has %u entries, keeping the first %u\n",
			n, MB2_MAX_MMAP);

	for (i = 0; i < n && bi->mmap_count < MB2_MAX_MMAP; i++) {
		const u8 *e = t->p + hdr + (size_t)i * esize;
		u64 base = rd64(e + offsetof(struct mb2_mmap_raw, base));
		u64 len = rd64(e + offsetof(struct mb2_mmap_raw, len));
		u32 type = rd32(e + offsetof(struct mb2_mmap_raw, type));

		if (len == 0)
			continue;
		/* A range that wraps past 2^64 cannot be trusted for anything. */
		if (base + len < base) {
			pr_warn("multiboot2: memory map entry %u [0x%llx + 0x%llx] wraps past the top of memory (ignored)\n",
				i, (unsigned long long)base, (unsigned long long)len);
			continue;
		}
		bi->mmap[bi->mmap_count].base = base;
		bi->mmap[bi->mmap_count].len = len;
		bi->mmap[bi->mmap_count].type = type;
		bi->mmap_count++;
	}
	return 0;
}

static void parse_framebuffer(const struct tag_ref *t, struct boot_info *bi)
{
	const u32 common = offsetof(struct mb2_tag_framebuffer, color_info);
	struct mb2_framebuffer fb;
	const u8 *ci = t->p + common;

	if (t->size < common) {
		pr_warn("multiboot2: framebuffer tag at offset 0x%x is 0x%x bytes, need at least 0x%x (ignored)\n",
			t->off, t->size, common);
		return;
	}
	memset(&fb, 0, sizeof(fb));
	fb.addr = rd64(t->p + offsetof(struct mb2_tag_framebuffer, addr));
	fb.pitch = rd32(t->p + offsetof(struct mb2_tag_framebuffer, pitch));
	fb.width = rd32(t->p + offsetof(struct mb2_tag_framebuffer, width));
	fb.height = rd32(t->p + offsetof(struct mb2_tag_framebuffer, height));
	fb.bpp = t->p[offsetof(struct mb2_tag_framebuffer, bpp)];
	fb.type = t->p[offsetof(struct mb2_tag_framebuffer, type)];
	if (fb.type == MB2_FB_RGB) {
		if (t->size < common + MB2_FB_RGB_INFO_SIZE) {
			pr_warn("multiboot2: RGB framebuffer tag at offset 0x%x is 0x%x bytes, need 0x%x for the color layout (ignored)\n",
				t->off, t->size, common + MB2_FB_RGB_INFO_SIZE);
			return;
		}
		fb.red_pos = ci[0];
		fb.red_size = ci[1];
		fb.green_pos = ci[2];
		fb.green_size = ci[3];
		fb.blue_pos = ci[4];
		fb.blue_size = ci[5];
	}
	if (bi->has_fb) {
		pr_warn("multiboot2: duplicate framebuffer tag (type %u) at offset 0x%x, keeping the first\n",
			t->type, t->off);
		return;
	}
	bi->fb = fb;
	bi->has_fb = true;
}

static void parse_rsdp(const struct tag_ref *t, u32 need, const u8 **dst, u32 *dst_len, bool *seen)
{
	const u32 hdr = sizeof(struct mb2_tag);
	u32 len = t->size - hdr;

	if (len < need) {
		pr_warn("multiboot2: %s tag at offset 0x%x holds 0x%x bytes, an RSDP needs 0x%x (ignored)\n",
			tag_name(t->type), t->off, len, need);
		return;
	}
	if (duplicate(t, seen))
		return;
	*dst = t->p + hdr;
	*dst_len = len;
}

static int parse_tag(const struct tag_ref *t, struct boot_info *bi, struct mb2_state *st)
{
	switch (t->type) {
	case MB2_TAG_CMDLINE:
		return parse_string_tag(t, &bi->cmdline, &st->seen_cmdline);
	case MB2_TAG_LOADER_NAME:
		return parse_string_tag(t, &bi->loader_name, &st->seen_loader);
	case MB2_TAG_MODULE:
		return parse_module(t, bi, st);
	case MB2_TAG_BASIC_MEMINFO:
		parse_meminfo(t, bi, st);
		return 0;
	case MB2_TAG_MMAP:
		return parse_mmap(t, bi, st);
	case MB2_TAG_FRAMEBUFFER:
		parse_framebuffer(t, bi);
		return 0;
	case MB2_TAG_ACPI_OLD:
		parse_rsdp(t, MB2_RSDP_V1_SIZE, &bi->rsdp_v1, &bi->rsdp_v1_len, &st->seen_rsdp_v1);
		return 0;
	case MB2_TAG_ACPI_NEW:
		parse_rsdp(t, MB2_RSDP_V2_SIZE, &bi->rsdp_v2, &bi->rsdp_v2_len, &st->seen_rsdp_v2);
		return 0;
	case MB2_TAG_EFI32:
	case MB2_TAG_EFI64:
	case MB2_TAG_EFI_MMAP:
		bi->efi_boot = true;
		return 0;
	default:
		/* Tags the kernel has no use for, and types newer than the
		 * spec this was written against. */
		pr_debug("multiboot2: skipping %s tag (type %u) at offset 0x%x\n",
			 tag_name(t->type), t->type, t->off);
		return 0;
	}
}

int mb2_parse(const void *mbi, size_t avail, struct boot_info *out)
{
	const u8 *base = mbi;
	struct mb2_state st;
	u32 total;
	u64 off;	/* u64: aligning the last tag's end may pass 2^32 - 1 */
	bool ended = false;
	int ret = -EINVAL;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));

	if (!mbi) {
		pr_err("multiboot2: no boot information (NULL pointer)\n");
		goto out;
	}
	/* Spec 3.6.1: the information and every tag start 8-byte aligned. */
	if ((uintptr_t)mbi & 7) {
		pr_err("multiboot2: boot information at 0x%lx is not 8-byte aligned\n",
		       (unsigned long)(uintptr_t)mbi);
		goto out;
	}
	if (avail < sizeof(struct mb2_info_header)) {
		pr_err("multiboot2: only %lu bytes of boot information readable, the header alone is 8\n",
		       (unsigned long)avail);
		goto out;
	}
	total = rd32(base + offsetof(struct mb2_info_header, total_size));
	/* The smallest valid information is the header plus an end tag. */
	if (total < sizeof(struct mb2_info_header) + sizeof(struct mb2_tag)) {
		pr_err("multiboot2: total_size 0x%x is too small (at least 0x10: header and end tag)\n",
		       total);
		goto out;
	}
	if (total > avail) {
		pr_err("multiboot2: total_size 0x%x is larger than the 0x%lx bytes known to be readable\n",
		       total, (unsigned long)avail);
		goto out;
	}
	out->total_size = total;

	off = sizeof(struct mb2_info_header);
	while (total - off >= sizeof(struct mb2_tag)) {
		struct tag_ref t;

		t.p = base + off;
		t.off = (u32)off;
		t.type = rd32(t.p + offsetof(struct mb2_tag, type));
		t.size = rd32(t.p + offsetof(struct mb2_tag, size));
		if (t.size < sizeof(struct mb2_tag)) {
			pr_err("multiboot2: tag %u at offset 0x%x has size 0x%x, less than its 8-byte header\n",
			       t.type, t.off, t.size);
			goto out;
		}
		if (t.size > total - off) {
			pr_err("multiboot2: tag %u at offset 0x%x has size 0x%x past the end (total 0x%x)\n",
			       t.type, t.off, t.size, total);
			goto out;
		}
		if (t.type == MB2_TAG_END) {
			if (t.size != sizeof(struct mb2_tag))
				pr_warn("multiboot2: end tag at offset 0x%x has size 0x%x, expected 8\n",
					t.off, t.size);
			ended = true;
			break;
		}
		if (parse_tag(&t, out, &st))
			goto out;
		/* size excludes the padding; the next tag is 8-byte aligned. */
		off = ALIGN_UP(off + t.size, 8);
		if (off > total)
			break;
	}
	if (!ended) {
		pr_err("multiboot2: no end tag within total_size 0x%x\n", total);
		goto out;
	}
	ret = 0;
out:
	if (!out->cmdline)
		out->cmdline = "";
	if (!out->loader_name)
		out->loader_name = "";
	return ret;
}

void mb2_dump(const struct boot_info *bi)
{
	u32 i;

	pr_info("multiboot2: %u bytes from '%s'%s, cmdline '%s'\n", bi->total_size,
		bi->loader_name, bi->efi_boot ? " (UEFI)" : "", bi->cmdline);
	if (bi->has_meminfo)
		pr_info("multiboot2: lower memory %u KiB, upper memory %u KiB\n",
			bi->mem_lower_kib, bi->mem_upper_kib);
	for (i = 0; i < bi->mmap_count; i++) {
		const struct mb2_mmap_entry *e = &bi->mmap[i];

		pr_info("  mmap [0x%016llx-0x%016llx] %s\n", (unsigned long long)e->base,
			(unsigned long long)(e->base + e->len - 1), mb2_mmap_type_name(e->type));
	}
	for (i = 0; i < bi->module_count; i++)
		pr_info("  module [0x%llx-0x%llx) '%s'\n", (unsigned long long)bi->modules[i].start,
			(unsigned long long)bi->modules[i].end, bi->modules[i].string);
	if (bi->rsdp_v1 || bi->rsdp_v2)
		pr_info("  ACPI RSDP copies:%s%s\n", bi->rsdp_v1 ? " v1" : "", bi->rsdp_v2 ? " v2" : "");
	if (bi->has_fb)
		pr_info("  framebuffer 0x%llx %ux%u, %u bpp, pitch %u, type %u\n",
			(unsigned long long)bi->fb.addr, bi->fb.width, bi->fb.height, bi->fb.bpp,
			bi->fb.pitch, bi->fb.type);
}
