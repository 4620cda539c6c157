/* tests/host/test_guest_cfg_image.c - host unit tests for guest images
 * (vmm/loader/elf.c, flat.c, cfg.c): image kinds, the ELF checks one
 * damaged field at a time, loading with zero-fill, random corruption under
 * ASan, and the real guest images from build/guests when they have been
 * built.  Module strings are in test_guest_cfg_parse.c.
 *
 * The ELF images are written byte by byte at the offsets the ELF
 * specification gives, not through the structures the loader uses, so a
 * layout mistake there cannot hide behind the same mistake here. */
#include "tests/host/guest_cfg_fixtures.h"

/* ---- ELF images, written at the specification's offsets ---- */

enum field {
	F_TYPE, F_MACHINE, F_VERSION, F_ENTRY, F_PHOFF, F_EHSIZE, F_PHENTSIZE, F_PHNUM,
	P_TYPE, P_FLAGS, P_OFFSET, P_VADDR, P_PADDR, P_FILESZ, P_MEMSZ,
};

struct where {
	unsigned int off, size;
};

/* [class 0 = ELF32, 1 = ELF64][field]: offset in the header or the
 * program header, and width. */
static const struct where layout[2][P_MEMSZ + 1] = {
	{
		[F_TYPE] = { 16, 2 }, [F_MACHINE] = { 18, 2 }, [F_VERSION] = { 20, 4 },
		[F_ENTRY] = { 24, 4 }, [F_PHOFF] = { 28, 4 }, [F_EHSIZE] = { 40, 2 },
		[F_PHENTSIZE] = { 42, 2 }, [F_PHNUM] = { 44, 2 },
		[P_TYPE] = { 0, 4 }, [P_OFFSET] = { 4, 4 }, [P_VADDR] = { 8, 4 },
		[P_PADDR] = { 12, 4 }, [P_FILESZ] = { 16, 4 }, [P_MEMSZ] = { 20, 4 },
		[P_FLAGS] = { 24, 4 },
	},
	{
		[F_TYPE] = { 16, 2 }, [F_MACHINE] = { 18, 2 }, [F_VERSION] = { 20, 4 },
		[F_ENTRY] = { 24, 8 }, [F_PHOFF] = { 32, 8 }, [F_EHSIZE] = { 52, 2 },
		[F_PHENTSIZE] = { 54, 2 }, [F_PHNUM] = { 56, 2 },
		[P_TYPE] = { 0, 4 }, [P_FLAGS] = { 4, 4 }, [P_OFFSET] = { 8, 8 },
		[P_VADDR] = { 16, 8 }, [P_PADDR] = { 24, 8 }, [P_FILESZ] = { 32, 8 },
		[P_MEMSZ] = { 40, 8 },
	},
};

#define IMG_SIZE	0x1400
#define TEXT_OFF	0x1000
#define TEXT_ADDR	0x100000
#define TEXT_SIZE	0x200
#define DATA_OFF	0x1200
#define DATA_ADDR	0x101000
#define DATA_FILESZ	0x100
#define DATA_MEMSZ	0x3000
#define ENTRY		(TEXT_ADDR + 0x10)
#define RAM		(2 * MiB)

struct img {
	u8 b[IMG_SIZE];
	int cls;		/* 0 ELF32, 1 ELF64 */
	size_t len;
};

static void put(u8 *p, unsigned int size, u64 v)
{
	for (unsigned int i = 0; i < size; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void set(struct img *im, enum field f, u64 v)
{
	const struct where *w = &layout[im->cls][f];

	assert_true(f < P_TYPE);
	put(im->b + w->off, w->size, v);
}

static unsigned int ehsize(int cls) { return cls ? 64 : 52; }
static unsigned int phsize(int cls) { return cls ? 56 : 32; }

/* Field f of program header i (headers follow the ELF header). */
static void setp(struct img *im, unsigned int i, enum field f, u64 v)
{
	const struct where *w = &layout[im->cls][f];

	assert_true(f >= P_TYPE);
	put(im->b + ehsize(im->cls) + i * phsize(im->cls) + w->off, w->size, v);
}

static void seg(struct img *im, unsigned int i, u32 type, u32 flags, u64 off, u64 addr,
		u64 filesz, u64 memsz)
{
	setp(im, i, P_TYPE, type);
	setp(im, i, P_FLAGS, flags);
	setp(im, i, P_OFFSET, off);
	setp(im, i, P_VADDR, addr);
	setp(im, i, P_PADDR, addr);
	setp(im, i, P_FILESZ, filesz);
	setp(im, i, P_MEMSZ, memsz);
}

/* What ld makes of a small guest: text (R X) and data + bss (R W), plus a
 * PT_GNU_STACK header the loader must skip. */
static void mk(struct img *im, int cls)
{
	memset(im, 0, sizeof(*im));
	im->cls = cls;
	im->len = IMG_SIZE;
	memcpy(im->b, "\x7f" "ELF", 4);
	im->b[4] = cls ? 2 : 1;
	im->b[5] = 1;
	im->b[6] = 1;
	set(im, F_TYPE, 2);
	set(im, F_MACHINE, cls ? 62 : 3);
	set(im, F_VERSION, 1);
	set(im, F_ENTRY, ENTRY);
	set(im, F_PHOFF, ehsize(cls));
	set(im, F_EHSIZE, ehsize(cls));
	set(im, F_PHENTSIZE, phsize(cls));
	set(im, F_PHNUM, 3);
	seg(im, 0, 1, 5, TEXT_OFF, TEXT_ADDR, TEXT_SIZE, TEXT_SIZE);
	seg(im, 1, 1, 6, DATA_OFF, DATA_ADDR, DATA_FILESZ, DATA_MEMSZ);
	seg(im, 2, 0x6474e551, 6, 0, 0, 0, 0);
	for (unsigned int i = TEXT_OFF; i < IMG_SIZE; i++)
		im->b[i] = (u8)(i * 7 + 1);
}

static int kind(const struct img *im)
{
	host_log_reset();
	return guest_image_kind(im->b, im->len, RAM);
}

/* Refused by both guest_image_kind and guest_elf_load, with a message
 * containing `needle`, and nothing written to guest RAM. */
static void elf_bad(const struct img *im, const char *needle)
{
	u8 *ram = malloc(RAM);
	u64 entry = 0x1234;

	assert_non_null(ram);
	memset(ram, 0xcc, RAM);
	if (kind(im) != -EINVAL || !host_log_contains(needle)) {
		fprintf(stderr, "ELF%d: wanted -EINVAL and '%s', log:\n%s", im->cls ? 64 : 32,
			needle, host_log);
		fail();
	}
	host_log_reset();
	assert_int_equal(guest_elf_load(im->b, im->len, ram, RAM, &entry), -EINVAL);
	assert_true(host_log_contains(needle));
	assert_int_equal(entry, 0x1234);
	for (u64 i = 0; i < RAM; i++)
		if (ram[i] != 0xcc)
			fail_msg("guest RAM byte 0x%llx written by a refused load",
				 (unsigned long long)i);
	free(ram);
}

static void test_flat(void **state)
{
	u8 boot[512] = { 0xfa, 0xf4 };
	u8 *big;

	host_log_reset();
	assert_int_equal(guest_image_kind(boot, sizeof(boot), 1 * MiB), GUEST_IMAGE_FLAT);
	/* "\x7fEL" alone is not the magic: a flat binary. */
	assert_int_equal(guest_image_kind((const u8 *)"\x7f" "EL", 3, 1 * MiB), GUEST_IMAGE_FLAT);

	assert_int_equal(guest_image_kind(boot, 0, 1 * MiB), -EINVAL);
	assert_true(host_log_contains("empty"));
	assert_int_equal(guest_image_kind(NULL, 10, 1 * MiB), -EINVAL);
	host_log_reset();
	assert_int_equal(guest_image_kind(boot, sizeof(boot), GUEST_FLAT_LOAD), -EINVAL);
	assert_true(host_log_contains("does not fit"));

	/* Exactly up to the end of RAM, and one byte more. */
	big = malloc(MiB);
	assert_non_null(big);
	memset(big, 0x90, MiB);
	assert_int_equal(guest_image_kind(big, MiB - GUEST_FLAT_LOAD, MiB), GUEST_IMAGE_FLAT);
	assert_int_equal(guest_image_kind(big, MiB - GUEST_FLAT_LOAD + 1, MiB), -EINVAL);
	free(big);
}

static void test_flat_load(void **state)
{
	u8 boot[512];
	u8 *ram = malloc(MiB);
	u64 entry = 0;

	assert_non_null(ram);
	for (unsigned int i = 0; i < sizeof(boot); i++)
		boot[i] = (u8)i;
	memset(ram, 0xcc, MiB);
	assert_int_equal(guest_flat_load(boot, sizeof(boot), ram, MiB, &entry), 0);
	assert_int_equal(entry, 0x7c00);
	assert_memory_equal(ram + 0x7c00, boot, sizeof(boot));
	assert_int_equal(ram[0x7bff], 0xcc);
	assert_int_equal(ram[0x7c00 + sizeof(boot)], 0xcc);
	host_log_reset();
	assert_int_equal(guest_flat_load(boot, sizeof(boot), ram, 0x7c00 + 511, &entry), -EINVAL);
	assert_int_equal(guest_flat_load(boot, 0, ram, MiB, &entry), -EINVAL);
	free(ram);
}

static void test_elf_good(void **state)
{
	struct img im;

	mk(&im, 0);
	assert_int_equal(kind(&im), GUEST_IMAGE_ELF32);
	mk(&im, 1);
	assert_int_equal(kind(&im), GUEST_IMAGE_ELF64);
	/* Headers anywhere in the file, segments up to the last byte of RAM. */
	mk(&im, 1);
	memcpy(im.b + 0x800, im.b + 64, 3 * 56);
	set(&im, F_PHOFF, 0x800);
	assert_int_equal(kind(&im), GUEST_IMAGE_ELF64);
	mk(&im, 0);
	seg(&im, 1, 1, 6, DATA_OFF, RAM - DATA_MEMSZ, DATA_FILESZ, DATA_MEMSZ);
	assert_int_equal(kind(&im), GUEST_IMAGE_ELF32);
	/* An empty PT_LOAD is ignored, wherever it claims to be. */
	mk(&im, 1);
	seg(&im, 2, 1, 0, 0, 0x7fffffffffffULL, 0, 0);
	assert_int_equal(kind(&im), GUEST_IMAGE_ELF64);
}

static void test_elf_load(void **state)
{
	for (int cls = 0; cls < 2; cls++) {
		struct img im;
		u8 *ram = malloc(RAM);
		u64 entry = 0;

		assert_non_null(ram);
		mk(&im, cls);
		memset(ram, 0xcc, RAM);
		host_log_reset();
		assert_int_equal(guest_elf_load(im.b, im.len, ram, RAM, &entry), 0);
		assert_int_equal(entry, ENTRY);
		assert_memory_equal(ram + TEXT_ADDR, im.b + TEXT_OFF, TEXT_SIZE);
		assert_memory_equal(ram + DATA_ADDR, im.b + DATA_OFF, DATA_FILESZ);
		for (u64 a = DATA_ADDR + DATA_FILESZ; a < DATA_ADDR + DATA_MEMSZ; a++)
			assert_int_equal(ram[a], 0);
		/* Everything else untouched. */
		assert_int_equal(ram[TEXT_ADDR - 1], 0xcc);
		assert_int_equal(ram[TEXT_ADDR + TEXT_SIZE], 0xcc);
		assert_int_equal(ram[DATA_ADDR - 1], 0xcc);
		assert_int_equal(ram[DATA_ADDR + DATA_MEMSZ], 0xcc);
		assert_int_equal(ram[0], 0xcc);
		free(ram);
	}
}

static void test_elf_load_refuses_flat(void **state)
{
	u8 boot[16] = { 0 };
	u8 ram[64];
	u64 entry;

	host_log_reset();
	assert_int_equal(guest_elf_load(boot, sizeof(boot), ram, sizeof(ram), &entry), -EINVAL);
	assert_true(host_log_contains("not an ELF file"));
	assert_int_equal(guest_elf_load(boot, sizeof(boot), NULL, sizeof(ram), &entry), -EINVAL);
}

static void test_elf_bad_ident(void **state)
{
	for (int cls = 0; cls < 2; cls++) {
		struct img im;

		mk(&im, cls);
		im.len = 15;
		elf_bad(&im, "too short for an ELF header");
		mk(&im, cls);
		im.len = ehsize(cls) - 1;
		elf_bad(&im, cls ? "too short for an ELF64 header" : "too short for an ELF32 header");
		mk(&im, cls);
		im.b[4] = 3;
		elf_bad(&im, "ELF class 3");
		mk(&im, cls);
		im.b[4] = 0;
		elf_bad(&im, "ELF class 0");
		mk(&im, cls);
		im.b[5] = 2;
		elf_bad(&im, "little-endian");
		mk(&im, cls);
		im.b[6] = 0;
		elf_bad(&im, "ident version 0");
	}
}

static void test_elf_bad_header(void **state)
{
	for (int cls = 0; cls < 2; cls++) {
		struct img im;

		mk(&im, cls);
		set(&im, F_TYPE, 3);		/* ET_DYN */
		elf_bad(&im, "ELF type 3");
		mk(&im, cls);
		set(&im, F_TYPE, 1);		/* ET_REL: an object file */
		elf_bad(&im, "static executable");
		mk(&im, cls);
		set(&im, F_MACHINE, cls ? 3 : 62);	/* the other class's machine */
		elf_bad(&im, cls ? "ELF64 machine 3" : "ELF32 machine 62");
		mk(&im, cls);
		set(&im, F_MACHINE, 40);	/* ARM */
		elf_bad(&im, "machine 40");
		mk(&im, cls);
		set(&im, F_VERSION, 2);
		elf_bad(&im, "ELF version 2");
		mk(&im, cls);
		set(&im, F_EHSIZE, ehsize(cls) + 4);
		elf_bad(&im, "header size");
		mk(&im, cls);
		set(&im, F_PHENTSIZE, phsize(cls) - 1);
		elf_bad(&im, "program header size");
		mk(&im, cls);
		set(&im, F_PHNUM, 0);
		elf_bad(&im, "0 program headers");
		mk(&im, cls);
		set(&im, F_PHNUM, GUEST_ELF_MAX_PHDRS + 1);
		elf_bad(&im, "33 program headers");
		mk(&im, cls);
		set(&im, F_PHNUM, 0xffff);
		elf_bad(&im, "65535 program headers");
	}
}

static void test_elf_bad_phdr_table(void **state)
{
	for (int cls = 0; cls < 2; cls++) {
		struct img im;

		mk(&im, cls);
		set(&im, F_PHOFF, IMG_SIZE);
		elf_bad(&im, "run past the end of the file");
		mk(&im, cls);
		set(&im, F_PHOFF, IMG_SIZE - 3 * phsize(cls) + 1);	/* last one cut short */
		elf_bad(&im, "run past the end of the file");
		mk(&im, cls);
		set(&im, F_PHOFF, cls ? ~0ULL - 8 : 0xfffffff0);	/* offset + size wraps */
		elf_bad(&im, "run past the end of the file");
		mk(&im, cls);
		im.len = ehsize(cls) + 2 * phsize(cls);	/* file ends inside the table */
		elf_bad(&im, "run past the end of the file");
	}
}

static void test_elf_bad_segments(void **state)
{
	for (int cls = 0; cls < 2; cls++) {
		struct img im;

		mk(&im, cls);
		setp(&im, 2, P_TYPE, 3);	/* PT_INTERP */
		elf_bad(&im, "dynamic linking (type 3)");
		mk(&im, cls);
		setp(&im, 2, P_TYPE, 2);	/* PT_DYNAMIC */
		elf_bad(&im, "dynamic linking (type 2)");
		mk(&im, cls);
		setp(&im, 1, P_FILESZ, DATA_MEMSZ + 1);
		elf_bad(&im, "segment 1: filesz 0x3001 > memsz 0x3000");
		mk(&im, cls);
		setp(&im, 1, P_OFFSET, IMG_SIZE - DATA_FILESZ + 1);
		elf_bad(&im, "segment 1: file bytes");
		mk(&im, cls);
		setp(&im, 0, P_OFFSET, cls ? ~0ULL - 0x10 : 0xfffffff0);
		elf_bad(&im, "segment 0: file bytes");
		mk(&im, cls);
		setp(&im, 0, P_VADDR, 0xffffffff80100000ULL);	/* a higher-half kernel */
		elf_bad(&im, "segment 0: vaddr");
		mk(&im, cls);
		seg(&im, 1, 1, 6, DATA_OFF, RAM - DATA_MEMSZ + 1, DATA_FILESZ, DATA_MEMSZ);
		elf_bad(&im, "segment 1: 0x1fd001+0x3000 does not fit in guest RAM");
		mk(&im, cls);
		seg(&im, 1, 1, 6, DATA_OFF, 0x40000000, DATA_FILESZ, DATA_MEMSZ);
		elf_bad(&im, "does not fit in guest RAM (0x200000 bytes)");
		mk(&im, cls);
		/* paddr + memsz wraps to a small number. */
		seg(&im, 1, 1, 6, DATA_OFF, cls ? ~0ULL - 0xfff : 0xfffff000, DATA_FILESZ,
		    0x2000);
		elf_bad(&im, "does not fit in guest RAM");
		mk(&im, cls);
		seg(&im, 1, 1, 6, DATA_OFF, TEXT_ADDR + TEXT_SIZE - 1, DATA_FILESZ, DATA_MEMSZ);
		elf_bad(&im, "segments 0 and 1 overlap at 0x1001ff");
		mk(&im, cls);
		seg(&im, 1, 1, 6, DATA_OFF, TEXT_ADDR - DATA_MEMSZ + 1, DATA_FILESZ, DATA_MEMSZ);
		elf_bad(&im, "segments 0 and 1 overlap at 0x100000");
		mk(&im, cls);
		setp(&im, 0, P_TYPE, 4);	/* PT_NOTE: nothing left to load but data */
		setp(&im, 1, P_TYPE, 6);
		elf_bad(&im, "no PT_LOAD");
	}
}

static void test_elf_bad_entry(void **state)
{
	for (int cls = 0; cls < 2; cls++) {
		struct img im;

		mk(&im, cls);
		set(&im, F_ENTRY, 0);
		elf_bad(&im, "entry point 0x0 is not");
		mk(&im, cls);
		set(&im, F_ENTRY, TEXT_ADDR + TEXT_SIZE);	/* one past the code */
		elf_bad(&im, "entry point 0x100200");
		mk(&im, cls);
		set(&im, F_ENTRY, TEXT_ADDR - 1);
		elf_bad(&im, "entry point 0xfffff");
		mk(&im, cls);
		set(&im, F_ENTRY, DATA_ADDR);		/* data is not executable */
		elf_bad(&im, "executable segment");
		mk(&im, cls);
		setp(&im, 1, P_FLAGS, 7);		/* executable, but entry in its bss */
		set(&im, F_ENTRY, DATA_ADDR + DATA_FILESZ + 8);
		elf_bad(&im, "file bytes of an executable segment");
		mk(&im, cls);
		setp(&im, 0, P_FLAGS, 4);		/* text not executable */
		elf_bad(&im, "entry point 0x100010");
	}
	/* The 64-bit entry is compared in full, not truncated to 32 bits. */
	struct img im;
	mk(&im, 1);
	set(&im, F_ENTRY, (1ULL << 32) + ENTRY);
	elf_bad(&im, "entry point 0x100100010");
}

/* Random damage must never make the checks read or the loader write out of
 * bounds (ASan watches); whatever is accepted loads inside RAM. */
static void test_elf_random_damage(void **state)
{
	u8 *ram = malloc(RAM);
	unsigned int seed = 12345, accepted = 0, refused = 0;

	assert_non_null(ram);
	for (int round = 0; round < 4000; round++) {
		struct img im;
		u8 *copy;
		u64 entry;
		int n, ret;

		mk(&im, round & 1);
		n = 1 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 6;
		while (n--) {
			unsigned int pos, r;

			seed = seed * 1103515245 + 12345;
			r = seed >> 8;
			/* Mostly the headers, sometimes anywhere. */
			pos = (r & 3) ? r % 0x180 : r % IMG_SIZE;
			im.b[pos] = (u8)(seed >> 3);
		}
		seed = seed * 1103515245 + 12345;
		if ((seed >> 20) % 5 == 0)
			im.len = (seed >> 4) % IMG_SIZE;
		/* An exact-size heap copy, so a read past the end is caught. */
		copy = malloc(im.len ? im.len : 1);
		assert_non_null(copy);
		memcpy(copy, im.b, im.len);
		host_log_reset();
		ret = guest_elf_load(copy, im.len, ram, RAM, &entry);
		if (ret == 0) {
			accepted++;
			assert_true(entry < RAM);
		} else {
			refused++;
			assert_int_equal(ret, -EINVAL);
			assert_true(host_log_len > 0);
		}
		free(copy);
	}
	assert_true(accepted > 0);
	assert_true(refused > 0);
	free(ram);
}

/* The guests tests/guests/ builds, when `make` has built them: each image
 * is of the kind its header comment promises and loads. */
static void test_built_guests(void **state)
{
	static const struct { const char *name; int kind; u64 mib; } g[] = {
		{ "hello_real", GUEST_IMAGE_FLAT, 2 },
		{ "bootsector_plain", GUEST_IMAGE_FLAT, 1 },
		{ "exits_real", GUEST_IMAGE_FLAT, 2 },
		{ "exits_prot", GUEST_IMAGE_ELF32, 4 },
		{ "exits_long", GUEST_IMAGE_ELF64, 16 },
		{ "smp_long", GUEST_IMAGE_ELF64, 16 },
		{ "hostile_triple", GUEST_IMAGE_ELF32, 2 },
		{ "hostile_npf", GUEST_IMAGE_ELF32, 16 },
		{ "hostile_vmrun", GUEST_IMAGE_ELF32, 4 },
		{ "probes", GUEST_IMAGE_ELF32, 4 },
	};
	unsigned int found = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(g); i++) {
		char path[128];
		static u8 buf[1 << 20];
		FILE *f;
		size_t len;
		u8 *ram;
		u64 entry;

		snprintf(path, sizeof(path), "build/guests/%s.bin", g[i].name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		found++;
		host_log_reset();
		if (guest_image_kind(buf, len, g[i].mib * MiB) != g[i].kind)
			fail_msg("%s: kind %d, want %d: %s", path,
				 guest_image_kind(buf, len, g[i].mib * MiB), g[i].kind, host_log);
		ram = calloc(1, g[i].mib * MiB);
		assert_non_null(ram);
		if (g[i].kind == GUEST_IMAGE_FLAT) {
			assert_int_equal(guest_flat_load(buf, len, ram, g[i].mib * MiB, &entry), 0);
			assert_int_equal(entry, 0x7c00);
		} else {
			assert_int_equal(guest_elf_load(buf, len, ram, g[i].mib * MiB, &entry), 0);
			assert_int_equal(entry, 0x100000);
		}
		free(ram);
	}
	if (found == 0)
		skip();		/* not built yet: `make` builds them */
}
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_flat_load),
		cmocka_unit_test(test_elf_good),
		cmocka_unit_test(test_elf_load),
		cmocka_unit_test(test_elf_load_refuses_flat),
		cmocka_unit_test(test_elf_bad_ident),
		cmocka_unit_test(test_elf_bad_header),
		cmocka_unit_test(test_elf_bad_phdr_table),
		cmocka_unit_test(test_elf_bad_segments),
		cmocka_unit_test(test_elf_bad_entry),
		cmocka_unit_test(test_elf_random_damage),
		cmocka_unit_test(test_built_guests),
	};

	return cmocka_run_group_tests_name("guest_cfg_image", tests, NULL, NULL);
}
