/* tests/host/test_mb2_malformed.c - host tests for the multiboot2 parser
 * (kernel/mb2.c) on malformed information, refused or dropped with a
 * message: bad total_size, tags past the end or below their header, no
 * end tag, unterminated strings, bad modules and memory maps, truncated
 * framebuffer/RSDP/meminfo tags, misalignment and null arguments, every
 * truncation of a good blob, and random corruption.  The blob builder is
 * in mb2_fixtures.h. */
#include "tests/host/mb2_fixtures.h"

/* --- malformed information: refused with a message --- */

static void test_total_size_too_small(void **state)
{
	static struct blob b;

	b_init(&b);
	b_end(&b);
	put32(b.buf, 8);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("total_size 0x8 is too small"));
	/* even after failure the strings are safe to print */
	assert_string_equal(bi.cmdline, "");
	assert_string_equal(bi.loader_name, "");
}

static void test_total_size_larger_than_avail(void **state)
{
	static struct blob b;
	u8 *p;

	build_bios(&b);
	p = b_copy(&b, b.len);
	assert_int_equal(mb2_parse(p, b.len - 8, &bi), -EINVAL);
	assert_true(host_log_contains("is larger than the"));
	assert_true(host_log_contains("bytes known to be readable"));
	free(p);

	/* fewer readable bytes than the header itself: nothing read at all */
	host_log_reset();
	p = b_copy(&b, 4);
	assert_int_equal(mb2_parse(p, 4, &bi), -EINVAL);
	assert_true(host_log_contains("only 4 bytes of boot information readable"));
	free(p);
}

static void test_tag_past_end(void **state)
{
	static struct blob b;
	size_t off;

	b_init(&b);
	b_str(&b, MB2_TAG_CMDLINE, "a");
	off = b_tag(&b, MB2_TAG_MMAP, NULL, 8);
	b_end(&b);
	put32(b.buf + off + 4, 0x1000);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("multiboot2: tag 6 at offset 0x18 has size 0x1000 past the end (total 0x30)"));

	/* one byte too long is enough */
	host_log_reset();
	b_init(&b);
	off = b_str(&b, MB2_TAG_CMDLINE, "abc");
	put32(b.buf, (u32)b.len);	/* no room for an end tag, and... */
	put32(b.buf + off + 4, 8 + 8 + 1);	/* ...the tag claims a byte more */
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("tag 1 at offset 0x8 has size 0x11 past the end (total 0x18)"));
}

static void test_tag_size_below_header(void **state)
{
	static struct blob b;
	size_t off;

	b_init(&b);
	off = b_tag(&b, 42, NULL, 0);
	b_end(&b);
	put32(b.buf + off + 4, 4);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("tag 42 at offset 0x8 has size 0x4, less than its 8-byte header"));

	/* size 0 would loop forever if it were accepted */
	host_log_reset();
	put32(b.buf + off + 4, 0);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("has size 0x0, less than"));
}

static void test_missing_end_tag(void **state)
{
	static struct blob b;

	b_init(&b);
	b_str(&b, MB2_TAG_CMDLINE, "console=serial");
	b_meminfo(&b, 1, 2);
	put32(b.buf, (u32)b.len);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("no end tag within total_size 0x30"));

	/* a last tag whose padding would run past total_size */
	host_log_reset();
	b_init(&b);
	b_str(&b, MB2_TAG_CMDLINE, "abcd");	/* size 13, padded to 16 */
	put32(b.buf, 8 + 13);
	b.len = 8 + 13;
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("no end tag"));
}

static void test_unterminated_strings(void **state)
{
	static struct blob b;
	size_t off;

	b_init(&b);
	off = b_str(&b, MB2_TAG_CMDLINE, "console=serial");
	b_end(&b);
	b.buf[off + 8 + 14] = 'X';	/* overwrite the NUL */
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("command line tag (type 1) at offset 0x8: string is not NUL-terminated within its 0x17 bytes"));

	/* empty payload: no room for even a NUL */
	host_log_reset();
	b_init(&b);
	b_tag(&b, MB2_TAG_LOADER_NAME, NULL, 0);
	b_end(&b);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("boot loader name tag (type 2) at offset 0x8: string is not NUL-terminated"));

	host_log_reset();
	b_init(&b);
	off = b_module(&b, 0x1000, 0x2000, "ab");
	b_end(&b);
	b.buf[off + 16 + 2] = 'c';
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("module tag (type 3) at offset 0x8: string is not NUL-terminated"));
}

static void test_bad_modules(void **state)
{
	static struct blob b;
	u8 p[8] = { 0 };

	b_init(&b);
	b_module(&b, 0x3000, 0x2000, "backwards");
	b_end(&b);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("module 'backwards' at offset 0x8 ends (0x2000) before it starts (0x3000)"));

	host_log_reset();
	b_init(&b);
	b_tag(&b, MB2_TAG_MODULE, p, 8);	/* start and end, no string */
	b_end(&b);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("module tag at offset 0x8 is 0x10 bytes, need at least 0x11"));
}

static void test_mmap_bad_entry_size(void **state)
{
	static struct blob b;
	static const struct raw_e e[] = { { 0x100000, 0x1000, MB2_MMAP_AVAILABLE } };
	u8 p[8] = { 0 };
	size_t off;

	/* entry_size 0 would divide by zero */
	b_init(&b);
	off = b_mmap(&b, 24, e, 1);
	b_end(&b);
	put32(b.buf + off + 8, 0);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("memory map tag at offset 0x8 has entry_size 0, need at least 24"));

	host_log_reset();
	put32(b.buf + off + 8, 16);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("has entry_size 16, need at least 24"));

	/* header cut short */
	host_log_reset();
	b_init(&b);
	b_tag(&b, MB2_TAG_MMAP, p, 4);
	b_end(&b);
	assert_int_equal(parse_blob(&b), -EINVAL);
	assert_true(host_log_contains("memory map tag at offset 0x8 is 0xc bytes, need at least 0x10"));

	/* a partial last entry: warned, the whole ones kept, the rest never read */
	host_log_reset();
	b_init(&b);
	off = b_mmap(&b, 24, e, 1);
	put32(b.buf + off + 4, 16 + 24 + 10);
	b.len = ALIGN_UP(off + 16 + 24 + 10, 8);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_int_equal(bi.mmap_count, 1);
	assert_true(host_log_contains("10 trailing bytes after 1 entries of 24 bytes"));
}

static void test_truncated_framebuffer(void **state)
{
	static struct blob b;

	/* common part cut short: tag dropped, boot goes on */
	b_init(&b);
	b_fb(&b, MB2_FB_RGB, 20);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_false(bi.has_fb);
	assert_true(host_log_contains("framebuffer tag at offset 0x8 is 0x1c bytes, need at least 0x20 (ignored)"));

	/* RGB without its full color layout */
	host_log_reset();
	b_init(&b);
	b_fb(&b, MB2_FB_RGB, 27);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_false(bi.has_fb);
	assert_true(host_log_contains("RGB framebuffer tag at offset 0x8 is 0x23 bytes, need 0x26"));

	/* EGA text needs only the common part; a later good one is not a duplicate
	 * of a dropped one */
	host_log_reset();
	b_init(&b);
	b_fb(&b, MB2_FB_RGB, 10);
	b_fb(&b, MB2_FB_EGA_TEXT, 24);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_true(bi.has_fb);
	assert_int_equal(bi.fb.type, MB2_FB_EGA_TEXT);
	assert_int_equal(bi.fb.red_size, 0);
	assert_false(host_log_contains("duplicate"));
}

static void test_truncated_rsdp(void **state)
{
	static struct blob b;

	b_init(&b);
	b_rsdp(&b, MB2_TAG_ACPI_OLD, 19);
	b_rsdp(&b, MB2_TAG_ACPI_NEW, 20);	/* a v1-sized copy in a v2 tag */
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_null(bi.rsdp_v1);
	assert_null(bi.rsdp_v2);
	assert_int_equal(bi.rsdp_v2_len, 0);
	assert_true(host_log_contains("ACPI 1.0 RSDP tag at offset 0x8 holds 0x13 bytes, an RSDP needs 0x14 (ignored)"));
	assert_true(host_log_contains("ACPI 2.0 RSDP tag at offset 0x28 holds 0x14 bytes, an RSDP needs 0x24 (ignored)"));

	/* a short meminfo is dropped the same way */
	host_log_reset();
	b_init(&b);
	b_tag(&b, MB2_TAG_BASIC_MEMINFO, "\1\0\0\0", 4);
	b_end(&b);
	assert_int_equal(parse_blob(&b), 0);
	assert_false(bi.has_meminfo);
	assert_true(host_log_contains("basic memory info tag at offset 0x8 is 0xc bytes, need 0x10 (ignored)"));
}

static void test_misaligned_and_null(void **state)
{
	static struct blob b;
	u8 *p;

	build_bios(&b);
	p = malloc(b.len + 4);
	assert_non_null(p);
	memcpy(p + 4, b.buf, b.len);
	assert_int_equal(mb2_parse(p + 4, b.len, &bi), -EINVAL);
	assert_true(host_log_contains("is not 8-byte aligned"));
	free(p);

	host_log_reset();
	assert_int_equal(mb2_parse(NULL, 4096, &bi), -EINVAL);
	assert_true(host_log_contains("no boot information"));
	assert_int_equal(mb2_parse(b.buf, b.len, NULL), -EINVAL);
}

/* Every prefix of a good blob, claimed both honestly and at the original
 * total_size, must be parsed or refused without reading past it. */
static void test_every_truncation(void **state)
{
	static struct blob b;
	size_t len, full;

	build_bios(&b);
	full = b.len;
	log_level_max = -1;	/* thousands of expected errors */
	for (len = 0; len <= full; len++) {
		u8 *p = b_copy(&b, len);

		if (len >= 4)
			put32(p, (u32)len);
		(void)mb2_parse(p, len, &bi);
		if (len >= 4)
			put32(p, (u32)full);
		assert_int_equal(mb2_parse(p, len, &bi), len == full ? 0 : -EINVAL);
		free(p);
	}
}

/* Random damage to a good blob (fixed seed): never an out-of-bounds read,
 * and a success always yields in-bounds strings. */
static void test_random_corruption(void **state)
{
	static struct blob b;
	unsigned int seed = 12345, iter;

	build_bios(&b);
	log_level_max = -1;
	for (iter = 0; iter < 20000; iter++) {
		u8 *p = b_copy(&b, b.len);
		int flips = 1 + (int)(iter % 4), i;

		for (i = 0; i < flips; i++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % b.len;
			seed = seed * 1103515245u + 12345u;
			/* favour size fields and small values */
			p[at] = (seed & 0x100) ? (u8)(seed >> 16) : (u8)((seed >> 16) & 0x1f);
		}
		if (mb2_parse(p, b.len, &bi) == 0) {
			const u8 *c = (const u8 *)bi.cmdline;

			assert_true(c[0] == '\0' || (c >= p && c + strlen(bi.cmdline) < p + b.len));
			assert_true(bi.mmap_count <= MB2_MAX_MMAP);
			for (i = 0; i < (int)bi.module_count; i++)
				assert_true(bi.modules[i].start <= bi.modules[i].end);
		}
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_total_size_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_total_size_larger_than_avail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_past_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tag_size_below_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_end_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_bad_entry_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_framebuffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_rsdp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misaligned_and_null, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_corruption, setup, teardown),
	};

	return cmocka_run_group_tests_name("mb2_malformed", tests, NULL, NULL);
}
