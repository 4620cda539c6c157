/* vmm/loader/mb1.c - Multiboot v1 images and boot information (see
 * vmm/loader/mb1.h).  Rules are the Multiboot specification 0.6.96's,
 * cited by section.  The image is outside input: every offset and size is
 * checked, in 64-bit arithmetic so nothing wraps, before it is used.
 *
 * The ELF32 checks repeat, in small, what svm/guest_cfg.c does for svmhv's
 * own guests: that file logs through the kernel's printk and is being
 * moved by the vmm/ restructuring, so it is not called from here; the
 * two can merge once vmm/loader/ owns ELF loading. */
#include "vmm/loader/mb1.h"
#include "hw/elf.h"
#include "lib/printf.h"
#include "lib/string.h"

#define FOUR_GIB	(1ULL << 32)
#define PAGE_4K		4096u

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* RAM the image may use: the guest's, but never past 4 GiB (a 32-bit
 * protected-mode entry with paging off). */
static u64 mb1_ram_limit(u64 ram_size)
{
	return MIN(ram_size, FOUR_GIB);
}

/* ---- ELF32 ---- */

int mb1_elf32_check(const u8 *img, size_t len, u64 ram_size, struct mb1_image *out,
		    char *why, size_t why_len)
{
	u64 limit = mb1_ram_limit(ram_size);
	struct elf32_ehdr eh;
	u64 lo = ~0ULL, hi = 0;
	bool entry_ok = false;
	u32 entry = 0;
	unsigned int nload = 0;

	if (len < sizeof(eh) || memcmp(img, "\177ELF", 4) != 0) {
		ksnprintf(why, why_len, "not an ELF file, and the multiboot header has no address fields (flag 16)");
		return -EINVAL;
	}
	memcpy(&eh, img, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS32 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_type != ET_EXEC || eh.e_machine != EM_386) {
		ksnprintf(why, why_len, "ELF file is not a little-endian i386 executable (class %u, type %u, machine %u)",
			  eh.e_ident[EI_CLASS], eh.e_type, eh.e_machine);
		return -EINVAL;
	}
	if (eh.e_phentsize != sizeof(struct elf32_phdr) || eh.e_phnum == 0 ||
	    (u64)eh.e_phoff + (u64)eh.e_phnum * sizeof(struct elf32_phdr) > len) {
		ksnprintf(why, why_len, "ELF program headers (%u at offset %u, %u bytes each) are not inside the %zu-byte file",
			  eh.e_phnum, eh.e_phoff, eh.e_phentsize, len);
		return -EINVAL;
	}

	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		struct elf32_phdr ph;
		u64 end;

		memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_DYNAMIC || ph.p_type == PT_INTERP) {
			ksnprintf(why, why_len, "ELF program header %u asks for dynamic linking", i);
			return -EINVAL;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz || (u64)ph.p_offset + ph.p_filesz > len) {
			ksnprintf(why, why_len, "ELF segment %u: file bytes [%u, +%u) outside the file or above memsz %u",
				  i, ph.p_offset, ph.p_filesz, ph.p_memsz);
			return -EINVAL;
		}
		end = (u64)ph.p_paddr + ph.p_memsz;
		if (end > limit) {
			ksnprintf(why, why_len, "ELF segment %u at 0x%x (+0x%x) does not fit the guest's 0x%llx bytes of RAM",
				  i, ph.p_paddr, ph.p_memsz, (unsigned long long)limit);
			return -EINVAL;
		}
		/* Overlap with an earlier PT_LOAD (quadratic, phnum is small). */
		for (unsigned int j = 0; j < i; j++) {
			struct elf32_phdr o;

			memcpy(&o, img + eh.e_phoff + (size_t)j * sizeof(o), sizeof(o));
			if (o.p_type != PT_LOAD || o.p_memsz == 0)
				continue;
			if (ph.p_paddr < (u64)o.p_paddr + o.p_memsz && o.p_paddr < end) {
				ksnprintf(why, why_len, "ELF segments %u and %u overlap", j, i);
				return -EINVAL;
			}
		}
		/* The entry is a virtual address; with paging off the CPU
		 * fetches it physically, so map it through its segment. */
		if (!entry_ok && eh.e_entry >= ph.p_vaddr && (u64)eh.e_entry < (u64)ph.p_vaddr + ph.p_memsz) {
			entry = eh.e_entry - ph.p_vaddr + ph.p_paddr;
			entry_ok = true;
		}
		lo = MIN(lo, (u64)ph.p_paddr);
		hi = MAX(hi, end);
		nload++;
	}
	if (nload == 0) {
		ksnprintf(why, why_len, "ELF file has no loadable segment");
		return -EINVAL;
	}
	if (!entry_ok) {
		ksnprintf(why, why_len, "ELF entry point 0x%x is in no loadable segment", eh.e_entry);
		return -EINVAL;
	}
	out->entry = entry;
	out->image_start = (u32)lo;
	out->image_end = hi;
	return 0;
}

/* ---- header ---- */

/* The a.out kludge (3.1.3): the header's address fields say which file
 * bytes go where. */
static int mb1_check_aout(const u8 *img, size_t len, u64 ram_size, const u8 *h,
			  struct mb1_image *out, char *why, size_t why_len)
{
	u32 header_addr = rd32(h + offsetof(struct mb1_header, header_addr));
	u32 load_addr = rd32(h + offsetof(struct mb1_header, load_addr));
	u32 load_end = rd32(h + offsetof(struct mb1_header, load_end_addr));
	u32 bss_end = rd32(h + offsetof(struct mb1_header, bss_end_addr));
	u32 entry = rd32(h + offsetof(struct mb1_header, entry_addr));
	u64 limit = mb1_ram_limit(ram_size);
	u64 load_off, load_size, data_end, mem_end;

	/* load_addr <= header_addr, and the text starts at the file offset
	 * of the header minus their distance. */
	if (load_addr > header_addr || header_addr - load_addr > out->header_offset) {
		ksnprintf(why, why_len, "a.out fields: load_addr 0x%x and header_addr 0x%x put the text before the file's start (header at offset %u)",
			  load_addr, header_addr, out->header_offset);
		return -EINVAL;
	}
	load_off = out->header_offset - (header_addr - load_addr);
	/* load_end_addr 0: text and data run to the end of the file. */
	if (load_end == 0) {
		load_size = len - load_off;
	} else {
		if (load_end <= header_addr) {
			ksnprintf(why, why_len, "a.out fields: load_end_addr 0x%x does not lie past header_addr 0x%x",
				  load_end, header_addr);
			return -EINVAL;
		}
		load_size = (u64)load_end - load_addr;
		if (load_off + load_size > len) {
			ksnprintf(why, why_len, "a.out fields: %llu bytes to load from offset %llu, but the file has %zu",
				  (unsigned long long)load_size, (unsigned long long)load_off, len);
			return -EINVAL;
		}
	}
	data_end = (u64)load_addr + load_size;
	/* bss_end_addr 0: no bss; else it follows the data. */
	mem_end = data_end;
	if (bss_end) {
		if (bss_end < data_end) {
			ksnprintf(why, why_len, "a.out fields: bss_end_addr 0x%x lies below the end of the data 0x%llx",
				  bss_end, (unsigned long long)data_end);
			return -EINVAL;
		}
		mem_end = bss_end;
	}
	if (mem_end > limit) {
		ksnprintf(why, why_len, "a.out image [0x%x, 0x%llx) does not fit the guest's 0x%llx bytes of RAM",
			  load_addr, (unsigned long long)mem_end, (unsigned long long)limit);
		return -EINVAL;
	}
	if (entry < load_addr || entry >= data_end) {
		ksnprintf(why, why_len, "a.out fields: entry_addr 0x%x is outside the loaded text and data [0x%x, 0x%llx)",
			  entry, load_addr, (unsigned long long)data_end);
		return -EINVAL;
	}
	out->aout = true;
	out->load_offset = (u32)load_off;
	out->load_addr = load_addr;
	out->load_size = (u32)load_size;
	out->bss_size = (u32)(mem_end - data_end);
	out->entry = entry;
	out->image_start = load_addr;
	out->image_end = mem_end;
	return 0;
}

/* Flags svmhv honours among the required ones (3.1.2): page-aligned
 * modules (the caller's layout is checked for it) and memory information
 * (always given).  A video mode (bit 2) needs a framebuffer svmhv does
 * not emulate. */
#define MB1_HF_SUPPORTED	(MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO)

int mb1_parse(const u8 *img, size_t len, u64 ram_size, struct mb1_image *out,
	      char *why, size_t why_len)
{
	size_t search = MIN(len, (size_t)MB1_SEARCH_LEN);
	bool bad_sum = false;
	u32 bad_sum_off = 0;
	const u8 *h = NULL;
	u32 flags, unsupported;
	size_t need;

	memset(out, 0, sizeof(*out));
	if (why_len)
		why[0] = '\0';
	for (size_t off = 0; off + MB1_HEADER_BASE_LEN <= search; off += MB1_HEADER_ALIGN) {
		const u8 *p = img + off;

		if (rd32(p) != MB1_HEADER_MAGIC)
			continue;
		if ((u32)(rd32(p) + rd32(p + 4) + rd32(p + 8)) != 0) {
			if (!bad_sum) {
				bad_sum = true;
				bad_sum_off = (u32)off;
			}
			continue;
		}
		h = p;
		out->header_offset = (u32)off;
		break;
	}
	if (!h) {
		if (bad_sum) {
			ksnprintf(why, why_len, "multiboot header at offset %u has a bad checksum", bad_sum_off);
			return -EINVAL;
		}
		ksnprintf(why, why_len, "no multiboot v1 header (magic 0x%x) in the first %u bytes",
			  MB1_HEADER_MAGIC, MB1_SEARCH_LEN);
		return -ENOENT;
	}

	flags = rd32(h + 4);
	out->flags = flags;
	unsupported = flags & MB1_HF_REQUIRED_MASK & ~(u32)MB1_HF_SUPPORTED;
	if (unsupported) {
		ksnprintf(why, why_len, "multiboot header requires flags 0x%x that svmhv does not provide%s",
			  unsupported, (unsupported & MB1_HF_VIDEO_MODE) ? " (bit 2: a video mode)" : "");
		return -EINVAL;
	}

	/* The fields the flags make valid must lie inside the 8 KiB window
	 * and the file (3.1.1: the header is contained completely). */
	need = (flags & MB1_HF_AOUT_KLUDGE) ? MB1_HEADER_AOUT_LEN : MB1_HEADER_BASE_LEN;
	if (out->header_offset + need > search) {
		ksnprintf(why, why_len, "multiboot header at offset %u: its %zu bytes run past the first %u bytes or the file",
			  out->header_offset, need, MB1_SEARCH_LEN);
		return -EINVAL;
	}

	/* With the address fields they win over any executable format,
	 * as loaders have always done (3.1.3). */
	if (flags & MB1_HF_AOUT_KLUDGE)
		return mb1_check_aout(img, len, ram_size, h, out, why, why_len);
	return mb1_elf32_check(img, len, ram_size, out, why, why_len);
}

int mb1_load(const u8 *img, size_t len, const struct mb1_image *im, u8 *guest_ram,
	     u64 ram_size)
{
	struct elf32_ehdr eh;

	if ((u64)im->image_end > ram_size)
		return -EINVAL;
	if (im->aout) {
		if ((u64)im->load_offset + im->load_size > len)
			return -EINVAL;
		memcpy(guest_ram + im->load_addr, img + im->load_offset, im->load_size);
		memset(guest_ram + im->load_addr + im->load_size, 0, im->bss_size);
		return 0;
	}
	/* Re-read the headers mb1_elf32_check accepted. */
	memcpy(&eh, img, sizeof(eh));
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		struct elf32_phdr ph;

		memcpy(&ph, img + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if ((u64)ph.p_paddr + ph.p_memsz > ram_size)
			return -EINVAL;
		memcpy(guest_ram + ph.p_paddr, img + ph.p_offset, ph.p_filesz);
		memset(guest_ram + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
	}
	return 0;
}

/* ---- boot information ---- */

struct mb1_out {
	u8 *buf;
	size_t cap, off;
	u32 gpa;
};

/* Reserves n bytes (aligned to `align`) and returns their offset, or -1. */
static long mb1_reserve(struct mb1_out *o, size_t n, size_t align)
{
	size_t off = ALIGN_UP(o->off, align);

	if (off > o->cap || n > o->cap - off)
		return -1;
	memset(o->buf + off, 0, n);
	o->off = off + n;
	return (long)off;
}

/* Copies a string with its NUL; returns its guest address, or 0 when it
 * does not fit (0 is never a valid result: the info struct comes first). */
static u32 mb1_put_str(struct mb1_out *o, const char *s)
{
	size_t n = strlen(s) + 1;
	long off = mb1_reserve(o, n, 1);

	if (off < 0)
		return 0;
	memcpy(o->buf + off, s, n);
	return o->gpa + (u32)off;
}

/* KiB of available RAM from `from` on, across touching available ranges,
 * up to `cap` (3.3: mem_lower and mem_upper). */
static u32 mb1_avail_kib(const struct mb1_layout *l, u64 from, u64 cap)
{
	u64 end = from;
	bool grew = true;

	while (grew) {
		grew = false;
		for (u32 i = 0; i < l->nmem; i++) {
			const struct mb1_mem_desc *m = &l->mem[i];

			if (m->type != MB1_MMAP_AVAILABLE)
				continue;
			if (m->base <= end && m->base + m->len > end) {
				end = m->base + m->len;
				grew = true;
			}
		}
		if (end >= cap)
			break;
	}
	end = MIN(end, cap);
	return (u32)((end - from) / 1024);
}

int mb1_build_info(const struct mb1_layout *l, u8 *buf, size_t cap, size_t *used,
		   char *why, size_t why_len)
{
	struct mb1_out o = { .buf = buf, .cap = cap, .gpa = l->info_gpa };
	struct mb1_info info;
	long off_info, off_mmap = 0, off_mods;

	if (why_len)
		why[0] = '\0';
	if (!IS_ALIGNED(l->info_gpa, 8) || l->info_gpa == 0) {
		ksnprintf(why, why_len, "multiboot info address 0x%x is not 8-byte aligned and non-zero", l->info_gpa);
		return -EINVAL;
	}
	/* Everything written must be addressable by the 32-bit pointers. */
	if ((u64)l->info_gpa + cap > FOUR_GIB)
		o.cap = (size_t)(FOUR_GIB - l->info_gpa);

	for (u32 i = 0; i < l->nmods; i++) {
		const struct mb1_mod_desc *m = &l->mods[i];

		if (m->end < m->start) {
			ksnprintf(why, why_len, "module %u ends (0x%x) before it starts (0x%x)", i, m->end, m->start);
			return -EINVAL;
		}
		if (l->page_align_mods && !IS_ALIGNED(m->start, PAGE_4K)) {
			ksnprintf(why, why_len, "module %u at 0x%x is not 4 KiB aligned, which the image's flag 0 requires",
				  i, m->start);
			return -EINVAL;
		}
	}
	for (u32 i = 0; i < l->nmem; i++) {
		if (l->mem[i].len == 0 || l->mem[i].base + l->mem[i].len < l->mem[i].base) {
			ksnprintf(why, why_len, "memory range %u (0x%llx, 0x%llx bytes) is empty or wraps", i,
				  (unsigned long long)l->mem[i].base, (unsigned long long)l->mem[i].len);
			return -EINVAL;
		}
	}

	off_info = mb1_reserve(&o, sizeof(info), 8);
	if (off_info < 0)
		goto nospace;
	memset(&info, 0, sizeof(info));
	info.flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS;
	/* Lower memory ends at 640 KiB whatever the map says (3.3). */
	info.mem_lower = mb1_avail_kib(l, 0, 640 * 1024);
	info.mem_upper = mb1_avail_kib(l, 1024 * 1024, FOUR_GIB);

	if (l->nmem) {
		off_mmap = mb1_reserve(&o, (size_t)l->nmem * sizeof(struct mb1_mmap_entry), 8);
		if (off_mmap < 0)
			goto nospace;
		for (u32 i = 0; i < l->nmem; i++) {
			struct mb1_mmap_entry e = {
				.size = sizeof(e) - sizeof(e.size),
				.base_addr = l->mem[i].base,
				.length = l->mem[i].len,
				.type = l->mem[i].type,
			};

			memcpy(buf + off_mmap + (size_t)i * sizeof(e), &e, sizeof(e));
		}
		info.flags |= MB1_INFO_MEM_MAP;
		info.mmap_addr = l->info_gpa + (u32)off_mmap;
		info.mmap_length = l->nmem * (u32)sizeof(struct mb1_mmap_entry);
	}

	off_mods = mb1_reserve(&o, (size_t)l->nmods * sizeof(struct mb1_module), 8);
	if (off_mods < 0)
		goto nospace;
	info.mods_count = l->nmods;
	info.mods_addr = l->info_gpa + (u32)off_mods;
	for (u32 i = 0; i < l->nmods; i++) {
		struct mb1_module m = {
			.mod_start = l->mods[i].start,
			.mod_end = l->mods[i].end,
		};

		m.string = mb1_put_str(&o, l->mods[i].string ? l->mods[i].string : "");
		if (!m.string)
			goto nospace;
		memcpy(buf + off_mods + (size_t)i * sizeof(m), &m, sizeof(m));
	}

	/* kvm-unit-tests reads cmdline without looking at the flag: always
	 * a valid string, empty if need be. */
	info.cmdline = mb1_put_str(&o, l->cmdline ? l->cmdline : "");
	if (!info.cmdline)
		goto nospace;
	if (l->loader_name) {
		info.boot_loader_name = mb1_put_str(&o, l->loader_name);
		if (!info.boot_loader_name)
			goto nospace;
		info.flags |= MB1_INFO_LOADER_NAME;
	}
	memcpy(buf + off_info, &info, sizeof(info));
	*used = o.off;
	return 0;

nospace:
	ksnprintf(why, why_len, "multiboot info does not fit %zu bytes at 0x%x (%u modules, %u memory ranges)",
		  cap, l->info_gpa, l->nmods, l->nmem);
	return -ENOSPC;
}
