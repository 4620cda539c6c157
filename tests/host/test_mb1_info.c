/* tests/host/test_mb1_info.c - the multiboot v1 boot information
 * (vmm/loader/mb1.c) read back at the specification's byte offsets the way
 * kvm-unit-tests reads it (docs/kvm-unit-tests.md, "Multiboot info read"),
 * and svmhv's placement of image, modules and information in guest RAM
 * (mb1_boot.c).  Headers and images are in test_mb1_image.c. */
#include "tests/host/mb1_fixtures.h"

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
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_info_for_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_kut_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_mem_upper_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pc_memory_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_layout_refusals, setup, teardown),
	};

	return cmocka_run_group_tests_name("mb1_info", tests, NULL, NULL);
}
