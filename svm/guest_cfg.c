/* svm/guest_cfg.c - guest module strings and guest images (see
 * svm/guest_cfg.h).  Both come from outside the hypervisor: a typo in
 * grub.cfg or a damaged ELF file gets a message and a refusal, and the
 * other guests still start.  ELF headers are read with memcpy into local
 * structures, so the image may sit at any alignment, and every offset and
 * size is checked for wrap-around before it is added to anything. */
#include "svm/guest_cfg.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "hw/elf.h"

/* ---------------------------------------------------------------------
 * Module strings
 * --------------------------------------------------------------------- */

#define KEY_SIZE 16
#define VAL_SIZE 96

static const char *const mode_names[] = {
	[GUEST_MODE_UNSET] = "unset",
	[GUEST_MODE_REAL] = "real",
	[GUEST_MODE_PROT] = "prot",
	[GUEST_MODE_LONG] = "long",
};

static const char *const expect_names[] = {
	[GUEST_EXPECT_NONE] = "none",
	[GUEST_EXPECT_EXIT] = "exit",
	[GUEST_EXPECT_SHUTDOWN] = "shutdown",
	[GUEST_EXPECT_NPF] = "npf",
	[GUEST_EXPECT_TIMEOUT] = "timeout",
	[GUEST_EXPECT_INVALID] = "invalid",
};

const char *guest_mode_name(enum guest_mode mode)
{
	if ((unsigned int)mode < ARRAY_SIZE(mode_names))
		return mode_names[mode];
	return "?";
}

const char *guest_expect_name(enum guest_expect expect)
{
	if ((unsigned int)expect < ARRAY_SIZE(expect_names))
		return expect_names[expect];
	return "?";
}

u64 guest_cfg_ram_bytes(const struct guest_cfg *cfg)
{
	return cfg->mem_mib << 20;
}

bool guest_cfg_is_guest(const char *s)
{
	struct kv_iter it = { s };
	char key[8];
	bool has_val, cut;

	if (!kv_next(&it, key, sizeof(key), NULL, 0, &has_val, &cut))
		return false;
	return !has_val && !cut && strcmp(key, "guest") == 0;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int set_name(struct guest_cfg *c, const char *val)
{
	size_t i, n = strlen(val);

	if (n == 0 || n >= sizeof(c->name)) {
		pr_err("guest: name=%s: want 1 to %lu characters\n", val,
		       (unsigned long)(sizeof(c->name) - 1));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!name_char_ok(val[i])) {
			pr_err("guest: name=%s: character '%c' not allowed (A-Z a-z 0-9 _ -)\n",
			       val, val[i]);
			return -EINVAL;
		}
	}
	memcpy(c->name, val, n + 1);
	return 0;
}

/* parse_u64 without its K/M/G suffixes: "mem=1K" would be 1024 MiB. */
static int parse_plain(const char *s, u64 *out)
{
	size_t n = strlen(s);

	if (n && strchr("kKmMgG", s[n - 1]))
		return -EINVAL;
	return parse_u64(s, out);
}

/* A number in [min, max]; `what` completes "want ..." in the message. */
static int set_range(const char *key, const char *val, u64 min, u64 max,
		     const char *what, u64 *out)
{
	u64 v;
	int ret = parse_plain(val, &v);

	if (ret || v < min || v > max) {
		pr_err("guest: %s=%s: %s%s\n", key, val,
		       ret == -ERANGE ? "too large, " : ret ? "not a number, " : "",
		       what);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int set_mode(struct guest_cfg *c, const char *val)
{
	unsigned int m;

	for (m = GUEST_MODE_REAL; m <= GUEST_MODE_LONG; m++) {
		if (strcmp(val, mode_names[m]) == 0) {
			c->mode = (enum guest_mode)m;
			return 0;
		}
	}
	pr_err("guest: mode=%s: want real, prot or long\n", val);
	return -EINVAL;
}

/* "exit:N" with N a decimal or 0x number, optionally negative. */
static int set_exit_status(struct guest_cfg *c, const char *val, const char *num)
{
	bool neg = false;
	u64 v;

	if (*num == '-') {
		neg = true;
		num++;
	}
	if (*num == '\0' || *num == '-' || parse_plain(num, &v) ||
	    v > (neg ? (1ULL << 63) : (1ULL << 63) - 1)) {
		pr_err("guest: expect=%s: want exit:N with N a signed 64-bit number\n", val);
		return -EINVAL;
	}
	c->expect = GUEST_EXPECT_EXIT;
	/* -(2^63) has no positive twin: negate in unsigned arithmetic. */
	c->expect_status = neg ? (s64)(0 - v) : (s64)v;
	return 0;
}

static int set_expect(struct guest_cfg *c, const char *val)
{
	unsigned int e;

	if (strncmp(val, "exit:", 5) == 0)
		return set_exit_status(c, val, val + 5);
	for (e = GUEST_EXPECT_SHUTDOWN; e <= GUEST_EXPECT_INVALID; e++) {
		if (strcmp(val, expect_names[e]) == 0) {
			c->expect = (enum guest_expect)e;
			c->expect_status = 0;
			return 0;
		}
	}
	pr_err("guest: expect=%s: want exit:N, shutdown, npf, timeout or invalid\n", val);
	return -EINVAL;
}

enum key_id { K_NAME, K_MEM, K_MODE, K_VCPUS, K_CPUS, K_TIMEOUT, K_EXPECT, K_COUNT };

static const char *const key_names[K_COUNT] = {
	[K_NAME] = "name",
	[K_MEM] = "mem",
	[K_MODE] = "mode",
	[K_VCPUS] = "vcpus",
	[K_CPUS] = "cpus",
	[K_TIMEOUT] = "timeout",
	[K_EXPECT] = "expect",
};

static int apply(struct guest_cfg *c, enum key_id k, const char *val)
{
	u64 v;
	int ret;

	switch (k) {
	case K_NAME:
		return set_name(c, val);
	case K_MEM:
		return set_range("mem", val, 1, GUEST_MEM_MAX_MIB,
				 "want MiB in 1..4096", &c->mem_mib);
	case K_MODE:
		return set_mode(c, val);
	case K_VCPUS:
		ret = set_range("vcpus", val, 1, GUEST_VCPUS_MAX, "want 1..64", &v);
		if (!ret)
			c->vcpus = (u32)v;
		return ret;
	case K_CPUS:
		if (parse_cpu_list(val, c->cpus_mask, GUEST_CPU_WORDS)) {
			pr_err("guest: cpus=%s: want a CPU list like 0-3,6 (CPUs 0..%d)\n",
			       val, GUEST_CPU_WORDS * 64 - 1);
			return -EINVAL;
		}
		c->has_cpus = true;
		return 0;
	case K_TIMEOUT:
		return set_range("timeout", val, 0, ~0ULL, "want milliseconds",
				 &c->timeout_ms);
	case K_EXPECT:
		return set_expect(c, val);
	case K_COUNT:
		break;
	}
	return -EINVAL;
}

int guest_cfg_parse(const char *s, struct guest_cfg *out)
{
	struct kv_iter it = { s };
	struct guest_cfg c;
	char key[KEY_SIZE], val[VAL_SIZE];
	bool has_val, cut, seen[K_COUNT] = { false };
	unsigned int k;

	if (!out)
		return -EINVAL;
	if (!guest_cfg_is_guest(s)) {
		pr_err("guest: module string '%s' does not start with the word 'guest'\n",
		       s ? s : "");
		return -EINVAL;
	}
	memset(&c, 0, sizeof(c));
	c.mem_mib = GUEST_MEM_DEFAULT_MIB;
	c.vcpus = 1;

	kv_next(&it, key, sizeof(key), NULL, 0, NULL, NULL);	/* "guest" */
	while (kv_next(&it, key, sizeof(key), val, sizeof(val), &has_val, &cut)) {
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(key, key_names[k]) == 0)
				break;
		if (k == K_COUNT) {
			pr_err("guest: unknown key '%s%s' (known: name mem mode vcpus cpus timeout expect)\n",
			       key, strlen(key) == sizeof(key) - 1 ? "..." : "");
			return -EINVAL;
		}
		if (!has_val || val[0] == '\0') {
			pr_err("guest: %s needs a value (%s=...)\n", key, key);
			return -EINVAL;
		}
		if (cut) {
			pr_err("guest: %s=%s...: value too long\n", key, val);
			return -EINVAL;
		}
		if (seen[k]) {
			pr_err("guest: %s given twice\n", key);
			return -EINVAL;
		}
		seen[k] = true;
		if (apply(&c, (enum key_id)k, val))
			return -EINVAL;
	}
	*out = c;
	return 0;
}

int guest_cfg_set_mode(struct guest_cfg *cfg, enum guest_image_kind kind)
{
	enum guest_mode want;

	switch (kind) {
	case GUEST_IMAGE_FLAT:
		want = GUEST_MODE_REAL;
		break;
	case GUEST_IMAGE_ELF32:
		want = GUEST_MODE_PROT;
		break;
	case GUEST_IMAGE_ELF64:
		want = GUEST_MODE_LONG;
		break;
	default:
		pr_err("guest %s: unknown image kind %d\n", cfg->name, (int)kind);
		return -EINVAL;
	}
	if (cfg->mode != GUEST_MODE_UNSET && cfg->mode != want) {
		pr_err("guest %s: mode=%s but the image is %s, which starts in %s mode\n",
		       cfg->name, mode_names[cfg->mode],
		       kind == GUEST_IMAGE_FLAT ? "a flat binary" :
		       kind == GUEST_IMAGE_ELF32 ? "ELF32" : "ELF64",
		       mode_names[want]);
		return -EINVAL;
	}
	cfg->mode = want;
	return 0;
}

/* ---------------------------------------------------------------------
 * Images (the ELF layout is hw/elf.h)
 * --------------------------------------------------------------------- */

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

static int read_ehdr(const u8 *img, size_t len, struct elf_info *e)
{
	u8 cls = img[EI_CLASS];
	u16 type, machine, ehsize, phentsize, phnum;
	u32 version;

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
	if (cls == ELFCLASS32) {
		struct elf32_ehdr h;

		if (len < sizeof(h)) {
			pr_err("guest image: %lu bytes, too short for an ELF32 header\n",
			       (unsigned long)len);
			return -EINVAL;
		}
		memcpy(&h, img, sizeof(h));
		type = h.e_type;
		machine = h.e_machine;
		version = h.e_version;
		ehsize = h.e_ehsize;
		phentsize = h.e_phentsize;
		phnum = h.e_phnum;
		e->kind = GUEST_IMAGE_ELF32;
		e->entry = h.e_entry;
		e->phoff = h.e_phoff;
		if (machine != EM_386) {
			pr_err("guest image: ELF32 machine %u, want 3 (i386)\n", machine);
			return -EINVAL;
		}
		if (ehsize != sizeof(h) || phentsize != sizeof(struct elf32_phdr)) {
			pr_err("guest image: ELF32 header size %u / program header size %u, want 52 / 32\n",
			       ehsize, phentsize);
			return -EINVAL;
		}
	} else {
		struct elf64_ehdr h;

		if (len < sizeof(h)) {
			pr_err("guest image: %lu bytes, too short for an ELF64 header\n",
			       (unsigned long)len);
			return -EINVAL;
		}
		memcpy(&h, img, sizeof(h));
		type = h.e_type;
		machine = h.e_machine;
		version = h.e_version;
		ehsize = h.e_ehsize;
		phentsize = h.e_phentsize;
		phnum = h.e_phnum;
		e->kind = GUEST_IMAGE_ELF64;
		e->entry = h.e_entry;
		e->phoff = h.e_phoff;
		if (machine != EM_X86_64) {
			pr_err("guest image: ELF64 machine %u, want 62 (x86-64)\n", machine);
			return -EINVAL;
		}
		if (ehsize != sizeof(h) || phentsize != sizeof(struct elf64_phdr)) {
			pr_err("guest image: ELF64 header size %u / program header size %u, want 64 / 56\n",
			       ehsize, phentsize);
			return -EINVAL;
		}
	}
	if (type != ET_EXEC) {
		pr_err("guest image: ELF type %u, want 2 (a static executable)\n", type);
		return -EINVAL;
	}
	if (version != EV_CURRENT) {
		pr_err("guest image: ELF version %u, want 1\n", version);
		return -EINVAL;
	}
	if (phnum == 0 || phnum > GUEST_ELF_MAX_PHDRS) {
		pr_err("guest image: %u program headers, want 1..%d\n", phnum,
		       GUEST_ELF_MAX_PHDRS);
		return -EINVAL;
	}
	if (!fits(e->phoff, (u64)phnum * phentsize, len)) {
		pr_err("guest image: program headers at 0x%lx (%u of %u bytes) run past the end of the file (%lu bytes)\n",
		       e->phoff, phnum, phentsize, (unsigned long)len);
		return -EINVAL;
	}
	e->phnum = phnum;
	return 0;
}

static void read_seg(const u8 *img, const struct elf_info *e, unsigned int i, struct seg *s)
{
	if (e->kind == GUEST_IMAGE_ELF32) {
		struct elf32_phdr p;

		memcpy(&p, img + e->phoff + (u64)i * sizeof(p), sizeof(p));
		s->type = p.p_type;
		s->flags = p.p_flags;
		s->offset = p.p_offset;
		s->vaddr = p.p_vaddr;
		s->paddr = p.p_paddr;
		s->filesz = p.p_filesz;
		s->memsz = p.p_memsz;
	} else {
		struct elf64_phdr p;

		memcpy(&p, img + e->phoff + (u64)i * sizeof(p), sizeof(p));
		s->type = p.p_type;
		s->flags = p.p_flags;
		s->offset = p.p_offset;
		s->vaddr = p.p_vaddr;
		s->paddr = p.p_paddr;
		s->filesz = p.p_filesz;
		s->memsz = p.p_memsz;
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

static int check_flat(size_t len, u64 ram_size)
{
	if (ram_size <= GUEST_FLAT_LOAD || len > ram_size - GUEST_FLAT_LOAD) {
		pr_err("guest image: flat binary of %lu bytes does not fit in RAM (0x%lx bytes) from 0x%lx\n",
		       (unsigned long)len, ram_size, (u64)GUEST_FLAT_LOAD);
		return -EINVAL;
	}
	return 0;
}

static bool has_elf_magic(const u8 *img, size_t len)
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

int guest_image_kind(const u8 *img, size_t len, u64 ram_size)
{
	struct elf_info e;
	int ret;

	if (!img || len == 0) {
		pr_err("guest image: empty\n");
		return -EINVAL;
	}
	if (has_elf_magic(img, len)) {
		ret = check_elf_image(img, len, ram_size, &e);
		return ret ? ret : e.kind;
	}
	ret = check_flat(len, ram_size);
	return ret ? ret : GUEST_IMAGE_FLAT;
}

int guest_elf_load(const u8 *img, size_t len, u8 *guest_ram, u64 ram_size, u64 *entry)
{
	struct elf_info e;
	struct seg s;
	unsigned int i;
	int ret;

	if (!img || !guest_ram || !entry)
		return -EINVAL;
	if (!has_elf_magic(img, len)) {
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

int guest_flat_load(const u8 *img, size_t len, u8 *guest_ram, u64 ram_size, u64 *entry)
{
	if (!img || len == 0 || !guest_ram || !entry)
		return -EINVAL;
	if (check_flat(len, ram_size))
		return -EINVAL;
	memcpy(guest_ram + GUEST_FLAT_LOAD, img, len);
	*entry = GUEST_FLAT_LOAD;
	return 0;
}
