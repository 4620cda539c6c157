/* tests/host/test_mb1.c - vmm/loader/mb1.c: headers good and bad, the
 * 8 KiB search window, the a.out address fields, ELF32 images, loading,
 * and the boot information read back at the specification's byte offsets
 * the way kvm-unit-tests reads it (docs/kvm-unit-tests.md, "Multiboot
 * info read"), and svmhv's placement of image, modules and information
 * in guest RAM (mb1_boot.c). */
#include "tests/host/host_support.h"
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include "vmm/loader/mb1.h"

#define MiB		(1024u * 1024u)
#define IMG_CAP		(64 * 1024)

static u8 *img;
static size_t img_len;
static char why[MB1_WHY_LEN];
static struct mb1_image im;

static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

static int setup(void **state)
{
	img = calloc(1, IMG_CAP);
	assert_non_null(img);
	img_len = 0;
	memset(why, 0, sizeof(why));
	memset(&im, 0, sizeof(im));
	return 0;
}

static int teardown(void **state)
{
	free(img);
	return 0;
}

/* A multiboot header at `off`: magic, flags, checksum (+ fields). */
static void put_header(size_t off, u32 flags)
{
	put32(img + off, MB1_HEADER_MAGIC);
	put32(img + off + 4, flags);
	put32(img + off + 8, (u32)-(MB1_HEADER_MAGIC + flags));
}

struct seg { u32 offset, paddr, vaddr, filesz, memsz; u32 type; };

/* An ELF32 i386 executable: header, program headers at 52, segments'
 * file bytes filled with a pattern. */
static void build_elf(const struct seg *s, int n, u32 entry, size_t len)
{
	u8 *e = img;

	memcpy(e, "\177ELF", 4);
	e[4] = 1;			/* ELFCLASS32 */
	e[5] = 1;			/* little-endian */
	e[6] = 1;			/* EV_CURRENT */
	put16(e + 16, 2);		/* ET_EXEC */
	put16(e + 18, 3);		/* EM_386 */
	put32(e + 20, 1);
	put32(e + 24, entry);
	put32(e + 28, 52);		/* e_phoff */
	put16(e + 40, 52);		/* e_ehsize */
	put16(e + 42, 32);		/* e_phentsize */
	put16(e + 44, (u16)n);
	for (int i = 0; i < n; i++) {
		u8 *p = e + 52 + 32 * i;

		put32(p + 0, s[i].type ? s[i].type : 1);
		put32(p + 4, s[i].offset);
		put32(p + 8, s[i].vaddr ? s[i].vaddr : s[i].paddr);
		put32(p + 12, s[i].paddr);
		put32(p + 16, s[i].filesz);
		put32(p + 20, s[i].memsz);
		put32(p + 24, 5);	/* R+X */
		for (u32 b = 0; b < s[i].filesz && s[i].offset + b < IMG_CAP; b++)
			img[s[i].offset + b] = (u8)(0x40 + i + b);
	}
	img_len = len;
}

/* Like a kvm-unit-tests .flat: two segments at 4 MiB, the second with a
 * big bss, header flags 0 in .init (here: at 0x1000, inside segment 0). */
static void build_kut_like(void)
{
	struct seg s[2] = {
		{ .offset = 0x1000, .paddr = 0x400000, .filesz = 0x3000, .memsz = 0x3000 },
		{ .offset = 0x4000, .paddr = 0x404000, .filesz = 0x800, .memsz = 0xc34048 },
	};

	build_elf(s, 2, 0x400010, 0x4800);
	put_header(0x1000, 0);
}

static void test_kut_like_elf(void **state)
{
	build_kut_like();
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), 0);
	assert_int_equal(im.header_offset, 0x1000);
	assert_int_equal(im.flags, 0);
	assert_false(im.aout);
	assert_int_equal(im.entry, 0x400010);
	assert_int_equal(im.image_start, 0x400000);
	assert_int_equal(im.image_end, 0x404000 + 0xc34048);
	/* That bss does not fit 16 MiB. */
	assert_int_equal(mb1_parse(img, img_len, 16 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "does not fit"));
}

static void test_bad_checksum(void **state)
{
	build_kut_like();
	put32(img + 0x1008, get32(img + 0x1008) + 1);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "bad checksum"));
	assert_non_null(strstr(why, "4096"));
	/* A good header later in the window is still found. */
	put_header(0x1100, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), 0);
	assert_int_equal(im.header_offset, 0x1100);
}

static void test_header_window(void **state)
{
	struct seg s = { .offset = 0x3000, .paddr = 0x100000, .filesz = 0x100, .memsz = 0x100 };

	build_elf(&s, 1, 0x100000, 0x3100);
	/* At 8192: outside the window. */
	put_header(8192, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "no multiboot"));
	/* Not 4-byte aligned: not a header. */
	memset(img + 8192, 0, 12);
	put_header(0x102, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -ENOENT);
	/* The last aligned spot, 12 bytes: fine. */
	memset(img + 0x102, 0, 12);
	put_header(8192 - 12, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), 0);
	/* There with the address fields, the header runs past 8 KiB. */
	memset(img + 8192 - 12, 0, 12);
	put_header(8192 - 16, MB1_HF_AOUT_KLUDGE);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "run past"));
	/* A file shorter than a header. */
	assert_int_equal(mb1_parse(img, 8, 64 * MiB, &im, why, sizeof(why)), -ENOENT);
}

static void test_flags(void **state)
{
	build_kut_like();
	put_header(0x1000, MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), 0);
	/* Unknown optional bits (17-31) are ignored. */
	put_header(0x1000, BIT(17) | BIT(31));
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), 0);
	/* A video mode is a requirement svmhv cannot meet. */
	put_header(0x1000, MB1_HF_VIDEO_MODE);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "video"));
	/* So is any unknown required bit. */
	put_header(0x1000, BIT(5));
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "0x20"));
}

/* A flat (non-ELF) image loaded at 1 MiB by the address fields, header
 * at file offset 0x40. */
static void build_aout(u32 load_end, u32 bss_end, u32 entry)
{
	u8 *h = img + 0x40;

	img_len = 0x2000;
	for (size_t i = 0; i < img_len; i++)
		img[i] = (u8)(i * 7);
	put_header(0x40, MB1_HF_AOUT_KLUDGE);
	put32(h + 12, 0x100040);	/* header_addr */
	put32(h + 16, 0x100000);	/* load_addr */
	put32(h + 20, load_end);
	put32(h + 24, bss_end);
	put32(h + 28, entry);
}

static void test_aout_good_and_load(void **state)
{
	u8 *ram = calloc(1, 2 * MiB);

	build_aout(0, 0x104000, 0x100080);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), 0);
	assert_true(im.aout);
	assert_int_equal(im.load_offset, 0);
	assert_int_equal(im.load_addr, 0x100000);
	assert_int_equal(im.load_size, 0x2000);	/* load_end 0: the whole file */
	assert_int_equal(im.bss_size, 0x2000);
	assert_int_equal(im.entry, 0x100080);
	assert_int_equal(im.image_end, 0x104000);
	memset(ram, 0xaa, 2 * MiB);
	assert_int_equal(mb1_load(img, img_len, &im, ram, 2 * MiB), 0);
	assert_memory_equal(ram + 0x100000, img, 0x2000);
	for (u32 i = 0x102000; i < 0x104000; i++)
		assert_int_equal(ram[i], 0);
	assert_int_equal(ram[0xfffff], 0xaa);
	assert_int_equal(ram[0x104000], 0xaa);

	/* Header later in the file than in memory: load from an offset. */
	build_aout(0x101000, 0, 0x100000);
	put32(img + 0x40 + 12, 0x100020);
	put32(img + 0x40 + 8, (u32)-(MB1_HEADER_MAGIC + MB1_HF_AOUT_KLUDGE));
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), 0);
	assert_int_equal(im.load_offset, 0x20);
	assert_int_equal(im.load_size, 0x1000);
	assert_int_equal(im.bss_size, 0);
	free(ram);
}

static void test_aout_inconsistent(void **state)
{
	/* load_addr above header_addr. */
	build_aout(0, 0, 0x100080);
	put32(img + 0x40 + 16, 0x100044);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "load_addr"));
	/* Text would start before the file. */
	build_aout(0, 0, 0x100080);
	put32(img + 0x40 + 16, 0xff000);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), -EINVAL);
	/* More to load than the file has. */
	build_aout(0x103000, 0, 0x100080);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "file has"));
	/* load_end before the header. */
	build_aout(0x100010, 0, 0x100008);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), -EINVAL);
	/* bss ends below the data. */
	build_aout(0x101000, 0x100800, 0x100080);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "bss_end_addr"));
	/* Entry outside text and data (in bss). */
	build_aout(0x101000, 0x104000, 0x102000);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "entry_addr"));
	/* Beyond RAM. */
	build_aout(0, 0x300000, 0x100080);
	assert_int_equal(mb1_parse(img, img_len, 2 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "RAM"));
	/* Near 4 GiB: no wrap-around. */
	build_aout(0, 0, 0x100080);
	put32(img + 0x40 + 12, 0xffffff40);
	put32(img + 0x40 + 16, 0xffffff00);
	put32(img + 0x40 + 28, 0xffffff10);
	assert_int_equal(mb1_parse(img, img_len, 8ULL << 30, &im, why, sizeof(why)), -EINVAL);
}

static void test_elf_refusals(void **state)
{
	struct seg two[2] = {
		{ .offset = 0x1000, .paddr = 0x100000, .filesz = 0x1000, .memsz = 0x2000 },
		{ .offset = 0x2000, .paddr = 0x101000, .filesz = 0x100, .memsz = 0x100 },
	};
	struct seg one = { .offset = 0x1000, .paddr = 0x100000, .filesz = 0x1000, .memsz = 0x1000 };

	/* No ELF and no address fields. */
	img_len = 0x1000;
	put_header(0, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not an ELF"));
	/* ELF64. */
	build_elf(&one, 1, 0x100000, 0x2000);
	put_header(0x1000, 0);
	img[4] = 2;
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "i386"));
	/* Overlapping segments. */
	build_elf(two, 2, 0x100000, 0x2100);
	put_header(0x1000, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "overlap"));
	/* Entry in no segment. */
	build_elf(&one, 1, 0x200000, 0x2000);
	put_header(0x1000, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "entry"));
	/* File bytes past the end of the file. */
	build_elf(&one, 1, 0x100000, 0x1800);
	put_header(0x1000, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	/* filesz > memsz. */
	one.memsz = 0x800;
	build_elf(&one, 1, 0x100000, 0x2000);
	put_header(0x1000, 0);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
	/* Dynamic linking. */
	{
		struct seg dyn[2] = { { .offset = 0x1000, .paddr = 0x100000, .filesz = 0x1000, .memsz = 0x1000 },
				      { .type = 3 } };

		build_elf(dyn, 2, 0x100000, 0x2000);
		put_header(0x1000, 0);
		assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, "dynamic"));
	}
	/* Program headers past the end of the file. */
	build_elf(&one, 1, 0x100000, 0x2000);
	put_header(0x1000, 0);
	put16(img + 44, 0x3000);
	assert_int_equal(mb1_parse(img, img_len, 64 * MiB, &im, why, sizeof(why)), -EINVAL);
}

static void test_elf_higher_half_entry_and_load(void **state)
{
	/* Linked at 3 GiB, loaded at 1 MiB: the entry maps to physical. */
	struct seg s[2] = {
		{ .offset = 0x1000, .paddr = 0x100000, .vaddr = 0xc0100000, .filesz = 0x1000, .memsz = 0x1800 },
		{ .offset = 0x2000, .paddr = 0x200000, .vaddr = 0xc0200000, .filesz = 0x10, .memsz = 0x10 },
	};
	u8 *ram = calloc(1, 4 * MiB);

	build_elf(s, 2, 0xc0100020, 0x2010);
	put_header(0x1000, MB1_HF_MEMORY_INFO);
	assert_int_equal(mb1_parse(img, img_len, 4 * MiB, &im, why, sizeof(why)), 0);
	assert_int_equal(im.entry, 0x100020);
	assert_int_equal(im.image_start, 0x100000);
	assert_int_equal(im.image_end, 0x200010);
	memset(ram, 0xaa, 4 * MiB);
	assert_int_equal(mb1_load(img, img_len, &im, ram, 4 * MiB), 0);
	assert_memory_equal(ram + 0x100000, img + 0x1000, 0x1000);
	for (u32 i = 0x101000; i < 0x101800; i++)
		assert_int_equal(ram[i], 0);
	assert_int_equal(ram[0x101800], 0xaa);
	assert_memory_equal(ram + 0x200000, img + 0x2000, 0x10);
	assert_int_equal(ram[0x200010], 0xaa);
	/* A smaller RAM than the image was checked for. */
	assert_int_equal(mb1_load(img, img_len, &im, ram, 0x200000), -EINVAL);
	free(ram);
}

/* ---- boot information ---- */

#define INFO_GPA	0x9000u
static u8 info_buf[4096];

static const struct mb1_mem_desc pc_map[] = {
	{ 0, 0x9fc00, MB1_MMAP_AVAILABLE },
	{ 0x9fc00, 0x400, MB1_MMAP_RESERVED },
	{ 0xe0000, 0x20000, MB1_MMAP_RESERVED },
	{ 0x100000, 0x7ef00000, MB1_MMAP_AVAILABLE },		/* to 2047 MiB */
	{ 0x100000000ULL, 0x40000000, MB1_MMAP_AVAILABLE },	/* above 4 GiB */
};

/* The guest's view: buf as placed at INFO_GPA. */
static const u8 *g(u32 gpa)
{
	assert_true(gpa >= INFO_GPA && gpa < INFO_GPA + sizeof(info_buf));
	return info_buf + (gpa - INFO_GPA);
}

static void test_info_for_layout(void **state)
{
	static const struct mb1_mod_desc mods[] = {
		{ 0x800000, 0x80000b, "env" },
		{ 0x801000, 0x801000, NULL },
	};
	struct mb1_layout l = {
		.info_gpa = INFO_GPA,
		.cmdline = "-smp 2 -- x",
		.loader_name = "svmhv",
		.mods = mods, .nmods = 2,
		.mem = pc_map, .nmem = ARRAY_SIZE(pc_map),
	};
	const u8 *i = info_buf, *e;
	size_t used = 0;

	memset(info_buf, 0xee, sizeof(info_buf));
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), 0);
	assert_true(used > 116 && used < sizeof(info_buf));
	assert_int_equal(get32(i + 0), BIT(0) | BIT(2) | BIT(3) | BIT(6) | BIT(9));
	assert_int_equal(get32(i + 4), 0x9fc00 / 1024);		/* mem_lower: 639 */
	assert_int_equal(get32(i + 8), (0x7f000000 - 0x100000) / 1024);
	assert_string_equal((const char *)g(get32(i + 16)), "-smp 2 -- x");
	assert_int_equal(get32(i + 20), 2);
	e = g(get32(i + 24));
	assert_int_equal(get32(e + 0), 0x800000);
	assert_int_equal(get32(e + 4), 0x80000b);
	assert_string_equal((const char *)g(get32(e + 8)), "env");
	assert_int_equal(get32(e + 12), 0);
	assert_string_equal((const char *)g(get32(e + 16 + 8)), "");
	/* The map: each entry's size field counts the 20 bytes after it. */
	assert_int_equal(get32(i + 44), ARRAY_SIZE(pc_map) * 24);
	e = g(get32(i + 48));
	for (size_t k = 0; k < ARRAY_SIZE(pc_map); k++) {
		assert_int_equal(get32(e), 20);
		assert_int_equal(get64(e + 4), pc_map[k].base);
		assert_int_equal(get64(e + 12), pc_map[k].len);
		assert_int_equal(get32(e + 20), pc_map[k].type);
		e += get32(e) + 4;
	}
	assert_string_equal((const char *)g(get32(i + 64)), "svmhv");
	/* Fields svmhv does not fill are zero, not leftovers. */
	assert_int_equal(get32(i + 12), 0);
	assert_int_equal(get32(i + 52), 0);
	assert_int_equal(get64(i + 88), 0);
}

/* What kvm-unit-tests reads: cmdline without the flag, mem_upper as the
 * end of its page allocator, one module as the environment file. */
static void test_info_kut_facts(void **state)
{
	static const char env[] = "NR_CPUS=2\n";
	static const struct mb1_mem_desc map[] = {
		{ 0, 0xa0000, MB1_MMAP_AVAILABLE },
		{ 0x100000, 64 * MiB - 0x100000, MB1_MMAP_AVAILABLE },
	};
	static u8 ram[64];
	struct mb1_mod_desc mod = { 0x1000000, 0x1000000 + sizeof(env) - 1, "attach for=kut" };
	struct mb1_layout l = { .info_gpa = INFO_GPA, .mem = map, .nmem = 2, .mods = &mod, .nmods = 1 };
	size_t used;

	memcpy(ram, env, sizeof(env) - 1);
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), 0);
	/* cmdline NULL: still a valid, empty string. */
	assert_true(get32(info_buf + 16) != 0);
	assert_string_equal((const char *)g(get32(info_buf + 16)), "");
	assert_int_equal(get32(info_buf + 4), 640);
	assert_int_equal((u64)get32(info_buf + 8) * 1024 + MiB, 64 * MiB);
	assert_true(get32(info_buf) & BIT(6));
	assert_int_equal(get32(info_buf + 20), 1);
	assert_int_equal(get32(g(get32(info_buf + 24)) + 4) - get32(g(get32(info_buf + 24))),
			 sizeof(env) - 1);
	assert_false(get32(info_buf) & BIT(9));

	/* No map at all: mem fields are 0, flag 6 clear, mods_count 0. */
	l.nmem = 0;
	l.nmods = 0;
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), 0);
	assert_int_equal(get32(info_buf), BIT(0) | BIT(2) | BIT(3));
	assert_int_equal(get32(info_buf + 8), 0);
	assert_int_equal(get32(info_buf + 20), 0);
}

static void test_info_mem_upper_rules(void **state)
{
	/* Touching available ranges merge; mem_upper stops at 4 GiB. */
	static const struct mb1_mem_desc map[] = {
		{ 0x100000, 0x100000, MB1_MMAP_AVAILABLE },
		{ 0x200000, 0xfff00000ULL, MB1_MMAP_AVAILABLE },	/* to 4 GiB + 1 MiB */
	};
	static const struct mb1_mem_desc hole[] = {
		{ 0x100000, 0x100000, MB1_MMAP_AVAILABLE },
		{ 0x300000, 0x100000, MB1_MMAP_AVAILABLE },
	};
	struct mb1_layout l = { .info_gpa = INFO_GPA, .mem = map, .nmem = 2 };
	size_t used;

	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), 0);
	assert_int_equal(get32(info_buf + 8), (u32)((0x100000000ULL - MiB) / 1024));
	assert_int_equal(get32(info_buf + 4), 0);		/* nothing at 0 */
	l.mem = hole;
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), 0);
	assert_int_equal(get32(info_buf + 8), 1024);		/* to the first hole */
}

static void test_info_refusals(void **state)
{
	struct mb1_mod_desc bad = { 0x2000, 0x1000, "x" };
	struct mb1_mod_desc unaligned = { 0x2100, 0x3000, "x" };
	struct mb1_mem_desc empty = { 0x100000, 0, MB1_MMAP_AVAILABLE };
	struct mb1_layout l = { .info_gpa = INFO_GPA, .mods = &bad, .nmods = 1 };
	size_t used, full;

	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "module 0"));
	l.mods = &unaligned;
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), 0);
	l.page_align_mods = true;
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "4 KiB"));
	l.page_align_mods = false;
	l.mem = &empty;
	l.nmem = 1;
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), -EINVAL);
	l.nmem = 0;
	l.info_gpa = INFO_GPA + 4;
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), -EINVAL);
	/* Every buffer one byte too small is -ENOSPC, never an overrun. */
	l.info_gpa = INFO_GPA;
	l.mem = pc_map;
	l.nmem = ARRAY_SIZE(pc_map);
	l.cmdline = "console=ttyS0";
	l.loader_name = "svmhv";
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &full, why, sizeof(why)), 0);
	for (size_t cap = 0; cap < full; cap++) {
		u8 *b = malloc(cap ? cap : 1);

		assert_int_equal(mb1_build_info(&l, b, cap, &used, why, sizeof(why)), -ENOSPC);
		free(b);
	}
	/* Info just under 4 GiB: its pointers could not reach past it. */
	l.info_gpa = 0xfffffff8u;
	assert_int_equal(mb1_build_info(&l, info_buf, sizeof(info_buf), &used, why, sizeof(why)), -ENOSPC);
}

/* Random corruption of a good image: parse and load stay in bounds. */
/* ---- svmhv's layout (mb1_boot.c) ---- */

static void test_pc_memory_map(void **state)
{
	struct mb1_mem_desc m[MB1_PC_MAP_MAX];

	assert_int_equal(mb1_pc_memory_map(2047ULL * MiB, m), 4);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(m[k].base, pc_map[k].base);
		assert_int_equal(m[k].len, pc_map[k].len);
		assert_int_equal(m[k].type, pc_map[k].type);
	}
	assert_int_equal(m[3].base, 0x100000);
	assert_int_equal(m[3].len, 2046ULL * MiB);
	assert_int_equal(m[3].type, MB1_MMAP_AVAILABLE);
	/* 1 MiB of RAM: nothing above 1 MiB to describe. */
	assert_int_equal(mb1_pc_memory_map(1 * MiB, m), 3);
	/* Less than conventional memory (not reachable by mem=, but sound). */
	assert_int_equal(mb1_pc_memory_map(0x80000, m), 1);
	assert_int_equal(m[0].len, 0x80000);
}

#define GUEST_RAM	(4 * MiB)

/* The image, modules in order on page boundaries after it, then the info
 * on the next page; read back the way the guest would, from its RAM. */
static void test_boot_layout(void **state)
{
	static const char env[] = "NR_CPUS=2\n";
	u8 *ram = calloc(1, GUEST_RAM), *big = malloc(5000);
	struct seg s[1] = { { .offset = 0x1000, .paddr = 0x100000, .filesz = 0x100, .memsz = 0x1800 } };
	struct mb1_boot_mod mods[2] = {
		{ (const u8 *)env, sizeof(env) - 1, NULL },
		{ big, 5000, "second one" },
	};
	const u8 *i, *e;
	u32 info = 0;

	assert_non_null(ram);
	assert_non_null(big);
	memset(big, 0x5a, 5000);
	build_elf(s, 1, 0x100000, 0x1100);
	put_header(0x1000, MB1_HF_PAGE_ALIGN | MB1_HF_MEMORY_INFO);
	assert_int_equal(mb1_parse(img, img_len, GUEST_RAM, &im, why, sizeof(why)), 0);
	assert_int_equal(im.image_end, 0x101800);
	memset(ram + 0x100000, 0xcc, 0x1800);	/* bss must come back zeroed */
	assert_int_equal(mb1_boot_layout(img, img_len, &im, ram, GUEST_RAM, "a b  c", mods, 2,
					 &info, why, sizeof(why)), 0);
	assert_memory_equal(ram + 0x100000, img + 0x1000, 0x100);
	assert_int_equal(ram[0x100100], 0);
	assert_int_equal(ram[0x1017ff], 0);
	assert_int_equal(info, 0x105000);
	assert_memory_equal(ram + 0x102000, env, sizeof(env) - 1);
	assert_memory_equal(ram + 0x103000, big, 5000);

	i = ram + info;
	assert_int_equal(get32(i + 0), BIT(0) | BIT(2) | BIT(3) | BIT(6) | BIT(9));
	assert_int_equal(get32(i + 4), 639);
	assert_int_equal(get32(i + 8), (GUEST_RAM - MiB) / 1024);
	assert_string_equal((const char *)ram + get32(i + 16), "a b  c");
	assert_int_equal(get32(i + 20), 2);
	e = ram + get32(i + 24);
	assert_int_equal(get32(e + 0), 0x102000);
	assert_int_equal(get32(e + 4), 0x102000 + sizeof(env) - 1);
	assert_string_equal((const char *)ram + get32(e + 8), "");
	assert_int_equal(get32(e + 16), 0x103000);
	assert_int_equal(get32(e + 20), 0x103000 + 5000);
	assert_string_equal((const char *)ram + get32(e + 24), "second one");
	assert_int_equal(get32(i + 44), 4 * 24);
	e = ram + get32(i + 48);
	assert_int_equal(get64(e + 4 + 3 * 24), 0x100000);
	assert_int_equal(get64(e + 12 + 3 * 24), GUEST_RAM - MiB);
	assert_string_equal((const char *)ram + get32(i + 64), "svmhv");

	/* No modules, no command line: the info follows the image. */
	memset(ram, 0, GUEST_RAM);
	assert_int_equal(mb1_boot_layout(img, img_len, &im, ram, GUEST_RAM, NULL, NULL, 0,
					 &info, why, sizeof(why)), 0);
	assert_int_equal(info, 0x102000);
	assert_int_equal(get32(ram + info + 20), 0);
	assert_string_equal((const char *)ram + get32(ram + info + 16), "");

	free(big);
	free(ram);
}

static void test_boot_layout_refusals(void **state)
{
	u8 *ram = calloc(1, GUEST_RAM), *big = calloc(1, 3 * MiB);
	struct seg s[1] = { { .offset = 0x1000, .paddr = 0x100000, .filesz = 0x100, .memsz = 0x1800 } };
	struct mb1_boot_mod mods[MB1_BOOT_MAX_MODS + 1];
	u32 info = 0xdead;

	assert_non_null(ram);
	assert_non_null(big);
	build_elf(s, 1, 0x100000, 0x1100);
	put_header(0x1000, 0);
	assert_int_equal(mb1_parse(img, img_len, GUEST_RAM, &im, why, sizeof(why)), 0);

	/* A module that does not fit the RAM left after the image. */
	mods[0] = (struct mb1_boot_mod){ big, 16, NULL };
	mods[1] = (struct mb1_boot_mod){ big, 3 * MiB, NULL };
	assert_int_equal(mb1_boot_layout(img, img_len, &im, ram, GUEST_RAM, "", mods, 2,
					 &info, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "module 1 (3145728 bytes) does not fit"));
	assert_int_equal(info, 0xdead);
	/* One that fits exactly leaves no room for the information. */
	mods[0] = (struct mb1_boot_mod){ big, GUEST_RAM - 0x102000, NULL };
	assert_int_equal(mb1_boot_layout(img, img_len, &im, ram, GUEST_RAM, "", mods, 1,
					 &info, why, sizeof(why)), -ENOSPC);
	assert_non_null(strstr(why, "no RAM left for the multiboot information"));
	/* Too many modules. */
	for (int k = 0; k <= MB1_BOOT_MAX_MODS; k++)
		mods[k] = (struct mb1_boot_mod){ big, 1, NULL };
	assert_int_equal(mb1_boot_layout(img, img_len, &im, ram, GUEST_RAM, "", mods,
					 MB1_BOOT_MAX_MODS + 1, &info, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "at most 16"));
	/* An image description that does not fit this RAM (parsed for more). */
	assert_int_equal(mb1_boot_layout(img, img_len, &im, ram, 0x100000, "", NULL, 0,
					 &info, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "does not fit"));
	assert_int_equal(info, 0xdead);
	free(big);
	free(ram);
}

static void test_random_corruption(void **state)
{
	u8 *ram = malloc(8 * MiB);
	u8 *good = malloc(0x2200);
	u32 x = 12345;
	struct seg s[2] = {
		{ .offset = 0x1000, .paddr = 0x100000, .filesz = 0x1000, .memsz = 0x1800 },
		{ .offset = 0x2000, .paddr = 0x200000, .filesz = 0x200, .memsz = 0x400 },
	};

	build_elf(s, 2, 0x100000, 0x2200);
	put_header(0x1000, 0);
	memcpy(good, img, 0x2200);
	for (int round = 0; round < 3000; round++) {
		memcpy(img, good, 0x2200);
		for (int k = 0; k < 4; k++) {
			x = x * 1103515245 + 12345;
			u32 pos = (x >> 8) % (round & 1 ? 0x60 : 0x2200);	/* headers often */
			x = x * 1103515245 + 12345;
			img[pos] = (u8)(x >> 16);
		}
		if (round % 3 == 0)
			put_header(0x1000, (round & 4) ? MB1_HF_AOUT_KLUDGE : 0);
		if (mb1_parse(img, 0x2200, 8 * MiB, &im, why, sizeof(why)) == 0)
			assert_int_equal(mb1_load(img, 0x2200, &im, ram, 8 * MiB), 0);
		else
			assert_true(why[0] != '\0');
	}
	free(good);
	free(ram);
}

/* The real thing, when `make kut` has built it: every kvm-unit-tests
 * .flat is accepted as an ELF32 image with header flags 0 and loads.
 * KUT_FLAT_DIR overrides where to look; absent, the test is skipped. */
static void test_real_kut_images(void **state)
{
	const char *dir = getenv("KUT_FLAT_DIR");
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	if (!dir)
		dir = "build/kvm-unit-tests/x86";
	d = opendir(dir);
	if (!d)
		skip();
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name);
		char path[512];
		FILE *f;
		u8 *file, *ram;
		long flen;

		if (nl < 6 || strcmp(de->d_name + nl - 5, ".flat") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		flen = ftell(f);
		fseek(f, 0, SEEK_SET);
		file = malloc((size_t)flen);
		assert_non_null(file);
		assert_int_equal(fread(file, 1, (size_t)flen, f), (size_t)flen);
		fclose(f);

		if (mb1_parse(file, (size_t)flen, 1ULL << 30, &im, why, sizeof(why)) != 0)
			fail_msg("%s: %s", de->d_name, why);
		assert_int_equal(im.flags, 0);
		assert_false(im.aout);
		/* Linked at 4 MiB (realmode.flat: 32 KiB). */
		assert_true(im.image_start < im.image_end);
		assert_int_equal(im.entry, get32(file + 24));	/* e_entry: vaddr == paddr */
		ram = malloc(im.image_end);
		assert_non_null(ram);
		assert_int_equal(mb1_load(file, (size_t)flen, &im, ram, im.image_end), 0);
		free(ram);
		free(file);
		n++;
	}
	closedir(d);
	if (n == 0)
		skip();
	if (getenv_verbose())
		printf("checked %u kvm-unit-tests images in %s\n", n, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kut_like_elf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aout_good_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aout_inconsistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_elf_higher_half_entry_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_for_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_kut_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_mem_upper_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pc_memory_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_layout_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_kut_images, setup, teardown),
	};

	return cmocka_run_group_tests_name("mb1", tests, NULL, NULL);
}
