/* vmm/loader/elf.c - the ELF loader: checks an ELF32 or ELF64 executable
 * strictly (it comes from outside: a damaged file gets a message and a
 * refusal, and the other guests still start) and copies its PT_LOAD
 * segments into guest RAM.  Headers are read with memcpy into local
 * structures, so the image may sit at any alignment, and both classes are
 * widened to one shape so that one checker serves both.  Every offset and
 * size is checked for wrap-around before it is added to anything. */
#include "vmm/loader/loader.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "hw/elf.h"

/* Both classes widened to one shape. */
struct elf_info {
	int kind;
	u64 entry, phoff;
	unsigned int phnum;
};
struct seg {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz;
};

static const u8 elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

/* a + b <= limit without wrapping. */
static bool fits(u64 a, u64 b, u64 limit)
{
	return a <= limit && b <= limit - a;
}

/* What tells the classes apart. */
static const struct elf_class {
	int kind;
	const char *name;
	u16 machine;
	const char *machine_name;
	u16 ehsize, phentsize;
} elf_classes[] = {
	[ELFCLASS32] = { GUEST_IMAGE_ELF32, "ELF32", EM_386, "i386",
			 sizeof(struct elf32_ehdr), sizeof(struct elf32_phdr) },
	[ELFCLASS64] = { GUEST_IMAGE_ELF64, "ELF64", EM_X86_64, "x86-64",
			 sizeof(struct elf64_ehdr), sizeof(struct elf64_phdr) },
};

/* The file header of either class, widened. */
struct ehdr {
	u16 type, machine, ehsize, phentsize, phnum;
	u32 version;
	u64 entry, phoff;
};

#define WIDEN_EHDR(h, w)							\
	((w)->type = (h).e_type, (w)->machine = (h).e_machine,		\
	 (w)->version = (h).e_version, (w)->ehsize = (h).e_ehsize,	\
	 (w)->phentsize = (h).e_phentsize, (w)->phnum = (h).e_phnum,	\
	 (w)->entry = (h).e_entry, (w)->phoff = (h).e_phoff)
#define WIDEN_PHDR(p, s)							\
	((s)->type = (p).p_type, (s)->flags = (p).p_flags,		\
	 (s)->offset = (p).p_offset, (s)->vaddr = (p).p_vaddr,		\
	 (s)->paddr = (p).p_paddr, (s)->filesz = (p).p_filesz,		\
	 (s)->memsz = (p).p_memsz)

static int read_ehdr(const u8 *img, size_t len, struct elf_info *e)
{
	u8 cls = img[EI_CLASS];
	struct ehdr h;

	if (cls != ELFCLASS32 && cls != ELFCLASS64) {
		pr_err("guest image: ELF class %u, want 1 (ELF32) or 2 (ELF64)\n", cls);
		return -EINVAL;
	}
	if (img[EI_DATA] != ELFDATA2LSB) {
		pr_err("guest image: ELF data encoding %u, want 1 (little-endian)\n",
		       img[EI_DATA]);
		return -EINVAL;
	}
	if (img[EI_VERSION] != EV_CURRENT) {
		pr_err("guest image: ELF ident version %u, want 1\n", img[EI_VERSION]);
		return -EINVAL;
	}
	const struct elf_class *c = &elf_classes[cls];
	if (len < c->ehsize) {
		pr_err("guest image: %lu bytes, too short for an %s header\n",
		       (unsigned long)len, c->name);
		return -EINVAL;
	}
	if (cls == ELFCLASS32) {
		struct elf32_ehdr h32;
		memcpy(&h32, img, sizeof(h32));
		WIDEN_EHDR(h32, &h);
	} else {
		struct elf64_ehdr h64;
		memcpy(&h64, img, sizeof(h64));
		WIDEN_EHDR(h64, &h);
	}
	e->kind = c->kind;
	e->entry = h.entry;
	e->phoff = h.phoff;
	if (h.machine != c->machine) {
		pr_err("guest image: %s machine %u, want %u (%s)\n", c->name, h.machine,
		       c->machine, c->machine_name);
		return -EINVAL;
	}
	if (h.ehsize != c->ehsize || h.phentsize != c->phentsize) {
		pr_err("guest image: %s header size %u / program header size %u, want %u / %u\n",
		       c->name, h.ehsize, h.phentsize, c->ehsize, c->phentsize);
		return -EINVAL;
	}
	if (h.type != ET_EXEC) {
		pr_err("guest image: ELF type %u, want 2 (a static executable)\n", h.type);
		return -EINVAL;
	}
	if (h.version != EV_CURRENT) {
		pr_err("guest image: ELF version %u, want 1\n", h.version);
		return -EINVAL;
	}
	if (h.phnum == 0 || h.phnum > GUEST_ELF_MAX_PHDRS) {
		pr_err("guest image: %u program headers, want 1..%d\n", h.phnum,
		       GUEST_ELF_MAX_PHDRS);
		return -EINVAL;
	}
	if (!fits(e->phoff, (u64)h.phnum * h.phentsize, len)) {
		pr_err("guest image: program headers at 0x%lx (%u of %u bytes) run past the end of the file (%lu bytes)\n",
		       e->phoff, h.phnum, h.phentsize, (unsigned long)len);
		return -EINVAL;
	}
	e->phnum = h.phnum;
	return 0;
}

static void read_seg(const u8 *img, const struct elf_info *e, unsigned int i, struct seg *s)
{
	if (e->kind == GUEST_IMAGE_ELF32) {
		struct elf32_phdr p;
		memcpy(&p, img + e->phoff + (u64)i * sizeof(p), sizeof(p));
		WIDEN_PHDR(p, s);
	} else {
		struct elf64_phdr p;
		memcpy(&p, img + e->phoff + (u64)i * sizeof(p), sizeof(p));
		WIDEN_PHDR(p, s);
	}
}

/* Everything guest_image_kind() promises about an ELF image. */
static int check_elf(const u8 *img, size_t len, u64 ram_size, struct elf_info *e)
{
	struct seg s, t;
	unsigned int i, j, nload = 0;
	bool entry_ok = false;
	int ret;

	ret = read_ehdr(img, len, e);
	if (ret)
		return ret;

	for (i = 0; i < e->phnum; i++) {
		read_seg(img, e, i, &s);
		if (s.type == PT_DYNAMIC || s.type == PT_INTERP) {
			pr_err("guest image: program header %u asks for dynamic linking (type %u)\n",
			       i, s.type);
			return -EINVAL;
		}
		if (s.type != PT_LOAD)
			continue;
		if (s.filesz > s.memsz) {
			pr_err("guest image: segment %u: filesz 0x%lx > memsz 0x%lx\n",
			       i, s.filesz, s.memsz);
			return -EINVAL;
		}
		if (!fits(s.offset, s.filesz, len)) {
			pr_err("guest image: segment %u: file bytes 0x%lx+0x%lx run past the end of the file (%lu bytes)\n",
			       i, s.offset, s.filesz, (unsigned long)len);
			return -EINVAL;
		}
		if (s.vaddr != s.paddr) {
			pr_err("guest image: segment %u: vaddr 0x%lx != paddr 0x%lx (guests run identity-mapped)\n",
			       i, s.vaddr, s.paddr);
			return -EINVAL;
		}
		if (s.memsz == 0)
			continue;	/* nothing to load, nowhere */
		if (!fits(s.paddr, s.memsz, ram_size)) {
			pr_err("guest image: segment %u: 0x%lx+0x%lx does not fit in guest RAM (0x%lx bytes)\n",
			       i, s.paddr, s.memsz, ram_size);
			return -EINVAL;
		}
		nload++;
		for (j = 0; j < i; j++) {
			read_seg(img, e, j, &t);
			if (t.type != PT_LOAD || t.memsz == 0)
				continue;
			/* Both end within RAM, so neither sum wraps. */
			if (s.paddr < t.paddr + t.memsz && t.paddr < s.paddr + s.memsz) {
				pr_err("guest image: segments %u and %u overlap at 0x%lx\n",
				       j, i, MAX(s.paddr, t.paddr));
				return -EINVAL;
			}
		}
		if ((s.flags & PF_X) && e->entry >= s.paddr && e->entry - s.paddr < s.filesz)
			entry_ok = true;
	}
	if (nload == 0) {
		pr_err("guest image: no PT_LOAD segment with memory\n");
		return -EINVAL;
	}
	if (!entry_ok) {
		pr_err("guest image: entry point 0x%lx is not in the file bytes of an executable segment\n",
		       e->entry);
		return -EINVAL;
	}
	return 0;
}

bool guest_elf_magic(const u8 *img, size_t len)
{
	return len >= sizeof(elf_magic) && memcmp(img, elf_magic, sizeof(elf_magic)) == 0;
}

/* check_elf() behind the length check its first read needs. */
static int check_elf_image(const u8 *img, size_t len, u64 ram_size, struct elf_info *e)
{
	if (len < EI_NIDENT) {
		pr_err("guest image: %lu bytes, too short for an ELF header\n",
		       (unsigned long)len);
		return -EINVAL;
	}
	return check_elf(img, len, ram_size, e);
}

int guest_elf_load(const u8 *img, size_t len, u8 *guest_ram, u64 ram_size, u64 *entry)
{
	struct elf_info e;
	struct seg s;
	unsigned int i;
	int ret;

	if (!img || !guest_ram || !entry)
		return -EINVAL;
	if (!guest_elf_magic(img, len)) {
		pr_err("guest image: not an ELF file\n");
		return -EINVAL;
	}
	ret = check_elf_image(img, len, ram_size, &e);
	if (ret)
		return ret;
	for (i = 0; i < e.phnum; i++) {
		read_seg(img, &e, i, &s);
		if (s.type != PT_LOAD || s.memsz == 0)
			continue;
		memcpy(guest_ram + s.paddr, img + s.offset, s.filesz);
		memset(guest_ram + s.paddr + s.filesz, 0, s.memsz - s.filesz);
	}
	*entry = e.entry;
	return 0;
}

int guest_elf_check(const u8 *img, size_t len, u64 ram_size)
{
	struct elf_info e;
	int ret = check_elf_image(img, len, ram_size, &e);
	return ret ? ret : e.kind;
}
