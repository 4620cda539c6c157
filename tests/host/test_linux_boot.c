/* tests/host/test_linux_boot.c - vmm/loader/linux.c: the setup header of
 * a bzImage read and checked, the kernel's load address, the initrd's
 * place, the e820 map, the zero page read back at the boot protocol's
 * byte offsets, every refusal, random header corruption, and Debian's
 * real kernel when `make linux-guest` has fetched it. */
#include "tests/host/host_support.h"
#include <stdio.h>
#include <string.h>
#include "vmm/loader/linux.h"

#define MiB		(1024ull * 1024ull)
#define IMG_CAP		(64 * 1024)
#define SETUP_SECTS	7		/* real-mode setup: file[0, 0x1000) */
#define PM_OFF		((SETUP_SECTS + 1) * 512)
#define PM_LEN		0x3000

static u8 *img;
static size_t img_len;
static char why[LINUX_WHY_LEN];
static struct linux_image im;

static void put8(size_t off, u8 v) { img[off] = v; }
static void put16(size_t off, u16 v) { memcpy(img + off, &v, 2); }
static void put32(size_t off, u32 v) { memcpy(img + off, &v, 4); }
static void put64(size_t off, u64 v) { memcpy(img + off, &v, 8); }
static u16 rd16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }
static u32 rd32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 rd64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

static int setup(void **state)
{
	img = calloc(1, IMG_CAP);
	assert_non_null(img);
	memset(why, 0, sizeof(why));
	memset(&im, 0, sizeof(im));
	return 0;
}

static int teardown(void **state)
{
	free(img);
	return 0;
}

/* A bzImage header as Debian's 6.1 kernel has it (protocol 2.15, 64-bit
 * entry, relocatable, 2 MiB alignment, 16 MiB preferred), with a small
 * init_size so that the layout tests fit a small guest. */
static void build_bzimage(u32 init_size)
{
	memset(img, 0, IMG_CAP);
	img_len = PM_OFF + PM_LEN;
	put8(0x1f1, SETUP_SECTS);
	put32(0x1f4, PM_LEN / 16);
	put16(0x1fe, LINUX_BOOT_FLAG);
	put8(0x200, 0xeb);
	put8(0x201, LINUX_HDR_END - 0x202);	/* 0x6a, as 2.15 */
	put32(0x202, LINUX_HDRS_MAGIC);
	put16(0x206, 0x020f);
	put8(0x211, LINUX_LF_LOADED_HIGH);
	put32(0x214, 0x100000);
	put32(0x22c, 0x7fffffff);
	put32(0x230, 2 * MiB);
	put8(0x234, 1);
	put8(0x235, 21);
	put16(0x236, 0x7f);
	put32(0x238, 0x7ff);
	put64(0x258, 16 * MiB);
	put32(0x260, init_size);
	/* Something recognisable in the protected-mode kernel. */
	for (u32 i = 0; i < PM_LEN; i++)
		img[PM_OFF + i] = (u8)(i * 7 + 3);
}

static int parse(u64 ram)
{
	return linux_parse(img, img_len, ram, &im, why, sizeof(why));
}

static void refused(u64 ram, const char *needle)
{
	assert_int_equal(parse(ram), -EINVAL);
	if (!strstr(why, needle))
		fail_msg("why '%s' lacks '%s'", why, needle);
}

static void test_parse_debian_like(void **state)
{
	build_bzimage(0x3f98000);
	assert_true(linux_magic(img, img_len));
	assert_int_equal(parse(512 * MiB), 0);
	assert_int_equal(im.version, 0x020f);
	assert_int_equal(im.hdr_end, LINUX_HDR_END);
	assert_int_equal(im.pm_offset, PM_OFF);
	assert_int_equal(im.pm_size, PM_LEN);
	assert_int_equal(im.load_addr, 16 * MiB);
	assert_int_equal(im.init_size, 0x3f98000);
	assert_int_equal(im.cmdline_size, 0x7ff);
	assert_int_equal(im.initrd_addr_max, 0x7fffffff);
	/* setup_sects 0 means 4. */
	put8(0x1f1, 0);
	assert_int_equal(parse(512 * MiB), 0);
	assert_int_equal(im.pm_offset, 5 * 512);
}

static void test_not_linux(void **state)
{
	build_bzimage(8 * MiB);
	put32(0x202, 0x53726449);
	assert_false(linux_magic(img, img_len));
	assert_int_equal(parse(512 * MiB), -ENOENT);
	/* An ELF file is never read as a bzImage, whatever is at 0x202. */
	build_bzimage(8 * MiB);
	memcpy(img, "\177ELF", 4);
	assert_false(linux_magic(img, img_len));
	assert_int_equal(parse(512 * MiB), -ENOENT);
	/* Too short to hold the magic. */
	build_bzimage(8 * MiB);
	assert_false(linux_magic(img, 0x205));
}

/* Every refusal of the header, each with the field it names. */
static void test_header_refusals(void **state)
{
	build_bzimage(8 * MiB);
	put16(0x206, 0x020b);
	refused(512 * MiB, "boot protocol 2.11 is older than 2.12");

	build_bzimage(8 * MiB);
	put16(0x236, 0x7e);
	refused(512 * MiB, "no 64-bit entry (xloadflags 0x7e");

	build_bzimage(8 * MiB);
	put8(0x201, 0x50);		/* header ends at 0x252: no init_size */
	refused(512 * MiB, "before init_size");

	build_bzimage(8 * MiB);
	put8(0x201, 0xa0);		/* 0x2a2: into the zero page's next field */
	refused(512 * MiB, "past its place in the zero page");

	build_bzimage(8 * MiB);
	img_len = 0x260;		/* the header runs past the file */
	refused(512 * MiB, "past the file");

	build_bzimage(8 * MiB);
	put8(0x1f1, 40);		/* the kernel would start past the file's end */
	refused(512 * MiB, "setup_sects 40 puts the protected-mode kernel at 0x5200, past the file");

	build_bzimage(PM_LEN - 1);	/* init_size that lies: smaller than the kernel */
	refused(512 * MiB, "init_size 0x2fff is smaller than the 0x3000-byte");

	build_bzimage(8 * MiB);
	put32(0x230, 3 * MiB);
	refused(512 * MiB, "kernel_alignment 0x300000 is not a power of two");
	put32(0x230, 0);
	refused(512 * MiB, "kernel_alignment 0x0");
	/* A kernel that is not relocatable needs no alignment. */
	put8(0x234, 0);
	assert_int_equal(parse(512 * MiB), 0);
}

/* init_size past RAM: from pref_address, and from the lowest aligned
 * address a relocatable kernel allows. */
static void test_init_size_past_ram(void **state)
{
	build_bzimage(0x3f98000);
	/* 64 MiB: not from 16 MiB, but from 2 MiB (relocatable). */
	assert_int_equal(parse(68 * MiB), 0);
	assert_int_equal(im.load_addr, 2 * MiB);
	refused(64 * MiB, "init_size 0x3f98000 from 0x200000 (the lowest load address it allows) "
			  "runs past the guest's RAM (usable to 0x4000000)");
	/* Not relocatable: pref_address or nothing. */
	put8(0x234, 0);
	refused(68 * MiB, "from 0x1000000 (pref_address, not relocatable) runs past");
	assert_int_equal(parse(80 * MiB), 0);
	assert_int_equal(im.load_addr, 16 * MiB);
	/* An init_size of 4 GiB - 1 never wraps around. */
	build_bzimage(0xffffffff);
	refused(4096 * MiB, "runs past the guest's RAM (usable to 0xfec00000)");
	/* pref_address below 1 MiB or misaligned: the relocatable kernel
	 * goes to the lowest aligned address instead. */
	build_bzimage(8 * MiB);
	put64(0x258, 0x1000);
	assert_int_equal(parse(64 * MiB), 0);
	assert_int_equal(im.load_addr, 2 * MiB);
	put64(0x258, 17 * MiB);
	assert_int_equal(parse(64 * MiB), 0);
	assert_int_equal(im.load_addr, 2 * MiB);
	put8(0x234, 0);
	put64(0x258, 0x1000);
	refused(64 * MiB, "pref_address, not relocatable");
}

static void test_e820(void **state)
{
	struct linux_e820_entry m[LINUX_E820_GUEST_MAX];
	u32 n = linux_e820_map(512 * MiB, m);

	assert_int_equal(n, 4);
	assert_int_equal(m[0].addr, 0);
	assert_int_equal(m[0].size, 0x9fc00);
	assert_int_equal(m[0].type, LINUX_E820_RAM);
	assert_int_equal(m[1].addr, 0x9fc00);
	assert_int_equal(m[1].type, LINUX_E820_RESERVED);
	/* The ACPI tables' area (0xe0000, the pc platform) is never RAM. */
	assert_int_equal(m[2].addr, 0xe0000);
	assert_int_equal(m[2].size, 0x20000);
	assert_int_equal(m[2].type, LINUX_E820_RESERVED);
	assert_int_equal(m[3].addr, 0x100000);
	assert_int_equal(m[3].size, 511 * MiB);
	assert_int_equal(m[3].type, LINUX_E820_RAM);
	/* 4 GiB of RAM: nothing at or over the I/O APIC and local APIC pages. */
	n = linux_e820_map(4096 * MiB, m);
	assert_int_equal(n, 4);
	for (u32 i = 0; i < n; i++)
		assert_true(m[i].addr + m[i].size <= 0xfec00000ull);
	assert_int_equal(m[3].addr + m[3].size, 0xfec00000ull);
}

static u8 *ram;
static u64 ram_size;

static void ram_alloc(u64 size)
{
	ram_size = size;
	ram = malloc(size);
	assert_non_null(ram);
	memset(ram, 0xee, size);
}

static int layout(const char *cmdline, const u8 *initrd, u64 initrd_len)
{
	return linux_boot_layout(img, img_len, &im, ram, ram_size, cmdline, initrd, initrd_len,
				 0xe0000, why, sizeof(why));
}

/* The zero page read back at the protocol's byte offsets. */
static void test_layout(void **state)
{
	static u8 initrd[10000];
	const u8 *zp;

	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (u8)(i ^ 0x5a);
	build_bzimage(8 * MiB);
	put16(0x1fa, 0xfffd);		/* something of the header's own, copied through */
	put64(0x250, 0x123456789);	/* a setup_data pointer in the file: not passed on */
	ram_alloc(64 * MiB);
	assert_int_equal(parse(ram_size), 0);
	assert_int_equal(layout("console=ttyS0 panic=-1", initrd, sizeof(initrd)), 0);

	zp = ram + LINUX_ZERO_PAGE_GPA;
	/* The setup header as the file has it, but type_of_loader and the
	 * pointers. */
	assert_int_equal(rd32(zp + 0x202), LINUX_HDRS_MAGIC);
	assert_int_equal(rd16(zp + 0x206), 0x020f);
	assert_int_equal(rd16(zp + 0x1fa), 0xfffd);
	assert_int_equal(zp[0x1f1], SETUP_SECTS);
	assert_int_equal(rd64(zp + 0x258), 16 * MiB);
	assert_int_equal(zp[0x210], 0xff);
	assert_int_equal(rd64(zp + 0x250), 0);
	assert_int_equal(rd32(zp + 0x228), LINUX_CMDLINE_GPA);
	assert_int_equal(rd32(zp + 0x0c8), 0);
	assert_string_equal((const char *)ram + LINUX_CMDLINE_GPA, "console=ttyS0 panic=-1");
	/* The initrd: at the top of RAM, page-aligned, its bytes there. */
	u64 at = ALIGN_DOWN(64 * MiB - sizeof(initrd), 4096);
	assert_int_equal(rd32(zp + 0x218), at);
	assert_int_equal(rd32(zp + 0x21c), sizeof(initrd));
	assert_int_equal(rd32(zp + 0x0c0), 0);
	assert_int_equal(rd32(zp + 0x0c4), 0);
	assert_memory_equal(ram + at, initrd, sizeof(initrd));
	assert_int_equal(rd64(zp + 0x070), 0xe0000);
	/* The e820 map. */
	assert_int_equal(zp[0x1e8], 4);
	assert_int_equal(rd64(zp + 0x2d0 + 3 * 20), 0x100000);
	assert_int_equal(rd64(zp + 0x2d0 + 3 * 20 + 8), 63 * MiB);
	assert_int_equal(rd32(zp + 0x2d0 + 3 * 20 + 16), LINUX_E820_RAM);
	assert_int_equal(rd64(zp + 0x2d0 + 4 * 20), 0);
	/* Nothing stale: the rest of the zero page is zero. */
	assert_int_equal(zp[0x1ef], 0);
	for (u32 off = 0; off < 0x1f1; off++)
		if (off != 0x1e8 && (off < 0x070 || off >= 0x078))
			assert_int_equal(zp[off], 0);
	for (u32 off = 0x2d0 + 4 * 20; off < 0x1000; off++)
		assert_int_equal(zp[off], 0);
	/* The protected-mode kernel at 16 MiB, zeroes to init_size, nothing
	 * written past it. */
	assert_memory_equal(ram + 16 * MiB, img + PM_OFF, PM_LEN);
	for (u64 a = 16 * MiB + PM_LEN; a < 24 * MiB; a += 4093)
		assert_int_equal(ram[a], 0);
	assert_int_equal(ram[24 * MiB], 0xee);
	assert_int_equal(ram[16 * MiB - 1], 0xee);
	/* The BIOS area, where the ACPI tables go, is left alone. */
	for (u64 a = 0xe0000; a < 0x100000; a++)
		assert_int_equal(ram[a], 0xee);

	/* No initrd: both fields zero; no command line: an empty string. */
	memset(ram, 0xee, ram_size);
	assert_int_equal(layout(NULL, NULL, 0), 0);
	assert_int_equal(rd32(zp + 0x218), 0);
	assert_int_equal(rd32(zp + 0x21c), 0);
	assert_int_equal(ram[LINUX_CMDLINE_GPA], 0);
	free(ram);
}

static void test_cmdline_size(void **state)
{
	char line[LINUX_CMDLINE_CAP + 8];

	build_bzimage(8 * MiB);
	put32(0x238, 13);		/* strlen("console=ttyS0") */
	ram_alloc(64 * MiB);
	assert_int_equal(parse(ram_size), 0);
	assert_int_equal(layout("console=ttyS0", NULL, 0), 0);
	assert_int_equal(layout("console=ttyS0 ", NULL, 0), -EINVAL);
	assert_non_null(strstr(why, "command line of 14 characters is longer than the kernel's "
				    "cmdline_size 13"));
	/* A header that claims 0: only the empty line. */
	put32(0x238, 0);
	assert_int_equal(parse(ram_size), 0);
	assert_int_equal(layout("", NULL, 0), 0);
	assert_int_equal(layout("x", NULL, 0), -EINVAL);
	/* One that claims more than svmhv's buffer holds. */
	put32(0x238, 0xffffffff);
	assert_int_equal(parse(ram_size), 0);
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	assert_int_equal(layout(line, NULL, 0), -EINVAL);
	free(ram);
}

static void test_initrd_refusals(void **state)
{
	u64 at;

	build_bzimage(0x3f98000);		/* 16 MiB to 79.6 MiB */
	assert_int_equal(parse(128 * MiB), 0);
	/* 40 MiB at the top of 128 MiB: from 88 MiB, clear of the kernel. */
	assert_int_equal(linux_initrd_place(&im, 128 * MiB, 40 * MiB, &at, why, sizeof(why)), 0);
	assert_int_equal(at, 88 * MiB);
	/* 60 MiB would start at 68 MiB, inside the kernel. */
	assert_int_equal(linux_initrd_place(&im, 128 * MiB, 60 * MiB, &at, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "would overlap the kernel [0x1000000, 0x4f98000)"));
	/* Bigger than RAM above 1 MiB: does not fit at all. */
	assert_int_equal(linux_initrd_place(&im, 128 * MiB, 127 * MiB + 1, &at, why, sizeof(why)),
			 -ENOSPC);
	assert_non_null(strstr(why, "does not fit the guest's RAM"));
	/* initrd_addr_max below the kernel's end pushes it into the kernel. */
	im.initrd_addr_max = 32 * MiB - 1;
	assert_int_equal(linux_initrd_place(&im, 128 * MiB, 1 * MiB, &at, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "overlap"));
	/* ... or below 1 MiB: no room. */
	im.initrd_addr_max = 0xfffff;
	assert_int_equal(linux_initrd_place(&im, 128 * MiB, 4096, &at, why, sizeof(why)), -ENOSPC);
	/* 4 GiB of RAM: below the APIC pages. */
	im.initrd_addr_max = 0xffffffff;
	assert_int_equal(linux_initrd_place(&im, 4096 * MiB, 4096, &at, why, sizeof(why)), 0);
	assert_int_equal(at, 0xfec00000ull - 4096);

	/* Through the layout: refused before anything is written. */
	static u8 initrd[4096];
	build_bzimage(8 * MiB);
	ram_alloc(64 * MiB);
	assert_int_equal(parse(ram_size), 0);
	im.initrd_addr_max = 20 * MiB - 1;
	assert_int_equal(layout("", initrd, sizeof(initrd)), -EINVAL);
	assert_non_null(strstr(why, "overlap the kernel"));
	assert_int_equal(ram[16 * MiB], 0xee);
	assert_int_equal(ram[LINUX_ZERO_PAGE_GPA + 0x202], 0xee);
	free(ram);
}

/* Random bytes over the header: never a crash (ASan, UBSan), and what is
 * accepted keeps the kernel inside RAM and the header inside the file. */
static void test_random_headers(void **state)
{
	unsigned int seed = 12345;
	u32 accepted = 0;

	for (int round = 0; round < 20000; round++) {
		build_bzimage(8 * MiB);
		int flips = 1 + rand_r(&seed) % 6;
		for (int k = 0; k < flips; k++)
			img[0x1f1 + rand_r(&seed) % (0x270 - 0x1f1)] = (u8)rand_r(&seed);
		if (round % 7 == 0)
			img_len = 0x200 + rand_r(&seed) % (PM_OFF + PM_LEN);
		u64 ram = (u64)(1 + rand_r(&seed) % 4096) * MiB;
		int r = parse(ram);
		assert_true(r == 0 || r == -EINVAL || r == -ENOENT);
		if (r)
			continue;
		accepted++;
		assert_true(im.hdr_end <= img_len && im.hdr_end <= 0x290);
		assert_true(im.version >= 0x020c);
		assert_true(im.load_addr >= LINUX_LOAD_MIN);
		assert_true(im.load_addr + im.init_size <= MIN(ram, LINUX_RAM_LIMIT));
		assert_true(im.init_size >= im.pm_size);
		assert_true(im.pm_offset + im.pm_size == img_len);
	}
	assert_true(accepted > 1000);
}

/* Debian's kernel, when `make linux-guest` has fetched it. */
static void test_debian_kernel(void **state)
{
	FILE *f = fopen("build/linux/vmlinuz", "rb");
	if (!f) {
		skip();
		return;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	u8 *k = malloc((size_t)n);
	assert_non_null(k);
	assert_int_equal(fread(k, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_true(linux_magic(k, (size_t)n));
	assert_int_equal(linux_parse(k, (size_t)n, 512 * MiB, &im, why, sizeof(why)), 0);
	assert_true(im.version >= 0x020f);
	assert_true(im.xloadflags & LINUX_XLF_KERNEL_64);
	assert_int_equal(im.load_addr, 16 * MiB);
	assert_true(im.init_size > im.pm_size);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_debian_like, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_linux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_size_past_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_e820, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_debian_kernel, setup, teardown),
	};
	return cmocka_run_group_tests_name("linux_boot", tests, NULL, NULL);
}
