/* tests/host/test_mb2_good.c - host tests for the multiboot2 parser
 * (kernel/mb2.c) on well-formed information: BIOS and UEFI boots, EFI
 * markers, unknown tags and bytes after the end tag, memory map entry
 * sizes and limits, module limits, duplicate tags, and the memory type
 * names.  The blob builder is in mb2_fixtures.h. */
#include "tests/host/mb2_fixtures.h"
#include <stdio.h>

/* --- well-formed information --- */

static void test_bios_good(void **state)
{
	static struct blob b;
	u8 *p;

	build_bios(&b);
	p = b_copy(&b, b.len);
	log_level_max = LOG_INFO;	/* pr_debug notes about skipped tags are fine */
	assert_int_equal(mb2_parse(p, b.len, &bi), 0);
	assert_int_equal(host_log_len, 0);

	assert_int_equal(bi.total_size, b.len);
	assert_string_equal(bi.cmdline, "console=serial smp=2");
	assert_string_equal(bi.loader_name, "GRUB 2.06");
	assert_true((const u8 *)bi.cmdline > p && (const u8 *)bi.cmdline < p + b.len);
	assert_true(bi.has_meminfo);
	assert_int_equal(bi.mem_lower_kib, 639);
	assert_int_equal(bi.mem_upper_kib, 130944);

	assert_int_equal(bi.mmap_count, 5);
	assert_int_equal(bi.mmap[2].base, 0x100000);
	assert_int_equal(bi.mmap[2].len, 0x7ee0000);
	assert_int_equal(bi.mmap[2].type, MB2_MMAP_AVAILABLE);
	assert_int_equal(bi.mmap[4].base, 0xfffc0000);
	assert_int_equal(bi.mmap[3].type, MB2_MMAP_ACPI_RECLAIMABLE);

	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x201000);
	assert_string_equal(bi.modules[0].string, "guest name=hello mode=real mem=2");
	assert_int_equal(bi.modules[1].start, bi.modules[1].end);
	assert_string_equal(bi.modules[1].string, "");

	assert_non_null(bi.rsdp_v1);
	assert_int_equal(bi.rsdp_v1_len, 20);
	assert_memory_equal(bi.rsdp_v1, "RSD PTR ", 8);
	assert_null(bi.rsdp_v2);
	assert_false(bi.has_fb);
	assert_false(bi.efi_boot);

	/* the dump prints what was parsed */
	mb2_dump(&bi);
	assert_true(host_log_contains("GRUB 2.06"));
	assert_true(host_log_contains("ACPI reclaimable"));
	assert_true(host_log_contains("mode=real"));
	free(p);
}

static void test_uefi_good(void **state)
{
	static struct blob b;
	static const struct raw_e e[] = { { 0x100000, 0x40000000, MB2_MMAP_AVAILABLE } };
	u8 efi64[8] = { 0x18, 0xe0, 0xbf, 0x7f, 0, 0, 0, 0 };
	u8 efimm[40] = { 48, 0, 0, 0, 1, 0, 0, 0 };
	u8 base[4] = { 0, 0, 0x20, 0 };
	u8 *p;

	b_init(&b);
	b_tag(&b, MB2_TAG_EFI64, efi64, sizeof(efi64));
	b_tag(&b, MB2_TAG_EFI_BS, NULL, 0);
	b_mmap(&b, 24, e, 1);
	b_fb(&b, MB2_FB_RGB, 30);
	b_rsdp(&b, MB2_TAG_ACPI_OLD, 20);
	b_rsdp(&b, MB2_TAG_ACPI_NEW, 36);
	b_tag(&b, MB2_TAG_EFI_MMAP, efimm, sizeof(efimm));
	b_tag(&b, MB2_TAG_LOAD_BASE_ADDR, base, sizeof(base));
	b_end(&b);

	p = b_copy(&b, b.len);
	assert_int_equal(mb2_parse(p, b.len, &bi), 0);
	assert_string_equal(bi.cmdline, "");	/* absent, but never NULL */
	assert_string_equal(bi.loader_name, "");
	assert_false(bi.has_meminfo);
	assert_true(bi.efi_boot);
	assert_int_equal(bi.mmap_count, 1);
	assert_int_equal(bi.module_count, 0);

	assert_true(bi.has_fb);
	assert_int_equal(bi.fb.addr, 0xfd000000);
	assert_int_equal(bi.fb.pitch, 4096);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.type, MB2_FB_RGB);
	assert_int_equal(bi.fb.red_pos, 16);
	assert_int_equal(bi.fb.green_pos, 8);
	assert_int_equal(bi.fb.blue_pos, 0);
	assert_int_equal(bi.fb.blue_size, 8);

	assert_non_null(bi.rsdp_v1);
	assert_int_equal(bi.rsdp_v1_len, 20);
	assert_non_null(bi.rsdp_v2);
	assert_int_equal(bi.rsdp_v2_len, 36);
	assert_int_equal(bi.rsdp_v2[15], 2);
	assert_true(bi.rsdp_v2 > p && bi.rsdp_v2 + 36 <= p + b.len);
	free(p);
}

/* Either EFI system table tag or the EFI memory map alone marks a UEFI boot. */
static void test_efi_markers(void **state)
{
	static struct blob b;
	u8 ptr32[4] = { 0 };
	u8 efimm[8] = { 48, 0, 0, 0, 1, 0, 0, 0 };

	b_init(&b);
	b_tag(&b, MB2_TAG_EFI32, ptr32, sizeof(ptr32));
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_true(bi.efi_boot);

	b_init(&b);
	b_tag(&b, MB2_TAG_EFI_MMAP, efimm, sizeof(efimm));
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_true(bi.efi_boot);

	b_init(&b);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_false(bi.efi_boot);
	assert_int_equal(bi.total_size, 16);
}

/* Unknown tag types are skipped, and bytes after the end tag are not read
 * as tags. */
static void test_unknown_tags_and_trailing_bytes(void **state)
{
	static struct blob b;
	u8 junk[13] = "whatever....";
	size_t end;

	b_init(&b);
	b_tag(&b, 99, junk, sizeof(junk));
	b_tag(&b, 0x7fffffff, NULL, 0);
	b_str(&b, MB2_TAG_CMDLINE, "x=1");
	b_end(&b);
	end = b.len;
	/* garbage after the end tag, counted in total_size */
	put32(b.buf + end, 6);
	put32(b.buf + end + 4, 0x1000);
	b.len += 8;
	put32(b.buf, (u32)b.len);
	assert_int_equal(parse_blob(&b), 0);
	assert_string_equal(bi.cmdline, "x=1");
	assert_true(host_log_contains("skipping unknown tag (type 99) at offset 0x8"));
}

static void test_mmap_entry_sizes(void **state)
{
	static struct blob b;
	static const struct raw_e e[] = {
		{ 0x1000, 0x2000, MB2_MMAP_AVAILABLE },
		{ 0x100000, 0x100000, MB2_MMAP_NVS },
		{ 0x200000, 0x300000, MB2_MMAP_BADRAM },
	};

	/* larger entries than 24 bytes (later versions append fields) */
	b_init(&b);
	b_mmap(&b, 32, e, 3);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[1].base, 0x100000);
	assert_int_equal(bi.mmap[2].type, MB2_MMAP_BADRAM);

	/* 28: entries no longer 8-byte aligned; read bytewise, UBSan quiet */
	b_init(&b);
	b_mmap(&b, 28, e, 3);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_int_equal(bi.mmap_count, 3);
	assert_int_equal(bi.mmap[2].base, 0x200000);
	assert_int_equal(bi.mmap[2].len, 0x300000);
}

static void test_mmap_drops_empty_and_wrapping(void **state)
{
	static struct blob b;
	static const struct raw_e e[] = {
		{ 0x1000, 0, MB2_MMAP_AVAILABLE },
		{ 0xfffffffffffff000ULL, 0x2000, MB2_MMAP_AVAILABLE },
		{ 0x100000, 0x100000, MB2_MMAP_AVAILABLE },
	};

	b_init(&b);
	b_mmap(&b, 24, e, 3);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_int_equal(bi.mmap_count, 1);
	assert_int_equal(bi.mmap[0].base, 0x100000);
	assert_true(host_log_contains("entry 1 [0xfffffffffffff000 + 0x2000] wraps"));
}

static void test_too_many_mmap_entries(void **state)
{
	static struct blob b;
	static struct raw_e e[MB2_MAX_MMAP + 5];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(e); i++) {
		e[i].base = (u64)i << 20;
		e[i].len = 0x1000;
		e[i].type = MB2_MMAP_AVAILABLE;
	}
	b_init(&b);
	b_mmap(&b, 24, e, ARRAY_SIZE(e));
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_int_equal(bi.mmap_count, MB2_MAX_MMAP);
	assert_int_equal(bi.mmap[MB2_MAX_MMAP - 1].base, (u64)(MB2_MAX_MMAP - 1) << 20);
	assert_true(host_log_contains("memory map has 133 entries, keeping the first 128"));
}

static void test_too_many_modules(void **state)
{
	static struct blob b;
	char name[32];
	u32 i;

	b_init(&b);
	for (i = 0; i < MB2_MAX_MODULES + 3; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		b_module(&b, 0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 0x800, name);
	}
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_int_equal(bi.module_count, MB2_MAX_MODULES);
	assert_int_equal(bi.modules[31].start, 0x1000000 + 31 * 0x1000);
	assert_true(host_log_contains("more than 32 modules, ignoring 'mod32'"));
	/* one warning, not one per surplus module */
	assert_false(host_log_contains("mod33"));
}

static void test_duplicates_keep_first(void **state)
{
	static struct blob b;
	static const struct raw_e e1[] = { { 0x100000, 0x1000, MB2_MMAP_AVAILABLE } };
	static const struct raw_e e2[] = { { 0x200000, 0x1000, MB2_MMAP_RESERVED },
					   { 0x300000, 0x1000, MB2_MMAP_RESERVED } };

	b_init(&b);
	b_str(&b, MB2_TAG_CMDLINE, "first");
	b_mmap(&b, 24, e1, 1);
	b_meminfo(&b, 1, 2);
	b_str(&b, MB2_TAG_CMDLINE, "second");
	b_mmap(&b, 24, e2, 2);
	b_meminfo(&b, 3, 4);
	b_fb(&b, MB2_FB_EGA_TEXT, 24);
	b_fb(&b, MB2_FB_RGB, 30);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_string_equal(bi.cmdline, "first");
	assert_int_equal(bi.mmap_count, 1);
	assert_int_equal(bi.mmap[0].base, 0x100000);
	assert_int_equal(bi.mem_lower_kib, 1);
	assert_int_equal(bi.fb.type, MB2_FB_EGA_TEXT);
	assert_true(host_log_contains("duplicate command line tag (type 1)"));
	assert_true(host_log_contains("duplicate memory map tag (type 6)"));
	assert_true(host_log_contains("duplicate basic memory info tag (type 4)"));
	assert_true(host_log_contains("duplicate framebuffer tag (type 8)"));
}

static void test_mmap_type_names(void **state)
{
	assert_string_equal(mb2_mmap_type_name(MB2_MMAP_AVAILABLE), "available");
	assert_string_equal(mb2_mmap_type_name(MB2_MMAP_RESERVED), "reserved");
	assert_string_equal(mb2_mmap_type_name(MB2_MMAP_ACPI_RECLAIMABLE), "ACPI reclaimable");
	assert_string_equal(mb2_mmap_type_name(MB2_MMAP_NVS), "ACPI NVS");
	assert_string_equal(mb2_mmap_type_name(MB2_MMAP_BADRAM), "bad RAM");
	assert_string_equal(mb2_mmap_type_name(0), "unknown");
	assert_string_equal(mb2_mmap_type_name(0xffffffff), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bios_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uefi_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_efi_markers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_tags_and_trailing_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_entry_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_drops_empty_and_wrapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_mmap_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_keep_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_type_names, setup, teardown),
	};

	return cmocka_run_group_tests_name("mb2_good", tests, NULL, NULL);
}
