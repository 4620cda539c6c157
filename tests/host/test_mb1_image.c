/* tests/host/test_mb1_image.c - vmm/loader/mb1.c: headers good and bad,
 * the 8 KiB search window, the a.out address fields, ELF32 images,
 * loading, random corruption, and the real kvm-unit-tests images when
 * they have been built.  The boot information and svmhv's layout are in
 * test_mb1_info.c. */
#include "tests/host/mb1_fixtures.h"
#include <dirent.h>
#include <stdio.h>

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

/* Random corruption of a good image: parse and load stay in bounds. */
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
		cmocka_unit_test_setup_teardown(test_random_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_kut_images, setup, teardown),
	};

	return cmocka_run_group_tests_name("mb1_image", tests, NULL, NULL);
}
