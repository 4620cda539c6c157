/* tests/host/test_mb2.c - host tests for the multiboot2 parser
 * (kernel/mb2.c).  Each test builds a boot information blob with the small
 * builder below and hands the parser a malloc'd copy of exactly the
 * claimed size, so AddressSanitizer flags any read past the end. */
#include "tests/host/host_support.h"
#include <string.h>
#include <stdio.h>
#include "kernel/mb2.h"
#include "kernel/printk.h"

/* --- blob builder --- */

#define BLOB_MAX 16384

struct blob {
	u8 buf[BLOB_MAX];
	size_t len;	/* bytes used, always 8-aligned between tags */
};

static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

static void b_init(struct blob *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 8;
}

/* Appends a tag whose size field is 8 + plen; returns its offset. */
static size_t b_tag(struct blob *b, u32 type, const void *payload, u32 plen)
{
	size_t off = b->len;

	assert_true(off + 8 + plen + 8 <= BLOB_MAX);
	put32(b->buf + off, type);
	put32(b->buf + off + 4, 8 + plen);
	if (payload)
		memcpy(b->buf + off + 8, payload, plen);
	else
		memset(b->buf + off + 8, 0, plen);
	b->len = ALIGN_UP(off + 8 + plen, 8);
	return off;
}

static size_t b_str(struct blob *b, u32 type, const char *s)
{
	return b_tag(b, type, s, (u32)strlen(s) + 1);
}

static size_t b_module(struct blob *b, u32 start, u32 end, const char *s)
{
	u8 p[256];
	size_t n = strlen(s) + 1;

	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, s, n);
	return b_tag(b, MB2_TAG_MODULE, p, (u32)(8 + n));
}

static size_t b_meminfo(struct blob *b, u32 lower, u32 upper)
{
	u8 p[8];

	put32(p, lower);
	put32(p + 4, upper);
	return b_tag(b, MB2_TAG_BASIC_MEMINFO, p, 8);
}

struct raw_e { u64 base, len; u32 type; };

/* A memory map with entries of esize bytes (>= 24 pads with 0xee). */
static size_t b_mmap(struct blob *b, u32 esize, const struct raw_e *e, u32 n)
{
	static u8 p[BLOB_MAX];
	u32 i;

	memset(p, 0xee, sizeof(p));
	put32(p, esize);
	put32(p + 4, 0);
	for (i = 0; i < n && esize >= 24; i++) {
		u8 *q = p + 8 + (size_t)i * esize;

		put64(q, e[i].base);
		put64(q + 8, e[i].len);
		put32(q + 16, e[i].type);
		put32(q + 20, 0);
	}
	return b_tag(b, MB2_TAG_MMAP, p, 8 + n * esize);
}

static void b_rsdp(struct blob *b, u32 type, u32 len)
{
	u8 p[64];

	memset(p, 0, sizeof(p));
	memcpy(p, "RSD PTR ", 8);
	p[15] = type == MB2_TAG_ACPI_NEW ? 2 : 0;
	b_tag(b, type, p, len);
}

/* A framebuffer tag cut to `plen` payload bytes: 24 is the common part,
 * 30 adds the RGB color layout. */
static size_t b_fb(struct blob *b, u8 fbtype, u32 plen)
{
	u8 p[64];

	memset(p, 0, sizeof(p));
	put64(p, 0xfd000000);
	put32(p + 8, 4096);	/* pitch */
	put32(p + 12, 1024);	/* width */
	put32(p + 16, 768);	/* height */
	p[20] = 32;		/* bpp */
	p[21] = fbtype;
	p[24] = 16; p[25] = 8;	/* red */
	p[26] = 8; p[27] = 8;	/* green */
	p[28] = 0; p[29] = 8;	/* blue */
	return b_tag(b, MB2_TAG_FRAMEBUFFER, p, plen);
}

static void b_end(struct blob *b)
{
	b_tag(b, MB2_TAG_END, NULL, 0);
	put32(b->buf, (u32)b->len);
}

/* A malloc'd copy of exactly len bytes. */
static u8 *b_copy(const struct blob *b, size_t len)
{
	u8 *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, b->buf, len);
	return p;
}

static struct boot_info bi;
static u8 *cur;	/* the copy bi points into; lives until the next parse */

static int parse_blob(const struct blob *b)
{
	free(cur);
	cur = b_copy(b, b->len);
	return mb2_parse(cur, b->len, &bi);
}

static int setup(void **state)
{
	host_log_reset();
	log_level_max = LOG_DEBUG;
	memset(&bi, 0x5a, sizeof(bi));
	return 0;
}

static int teardown(void **state)
{
	free(cur);
	cur = NULL;
	return 0;
}

/* --- well-formed information --- */

static void build_bios(struct blob *b)
{
	static const struct raw_e e[] = {
		{ 0x0, 0x9fc00, MB2_MMAP_AVAILABLE },
		{ 0x9fc00, 0x400, MB2_MMAP_RESERVED },
		{ 0x100000, 0x7ee0000, MB2_MMAP_AVAILABLE },
		{ 0x7fe0000, 0x20000, MB2_MMAP_ACPI_RECLAIMABLE },
		{ 0xfffc0000, 0x40000, MB2_MMAP_RESERVED },
	};
	u8 bootdev[12] = { 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	b_init(b);
	b_str(b, MB2_TAG_CMDLINE, "console=serial smp=2");
	b_str(b, MB2_TAG_LOADER_NAME, "GRUB 2.06");
	b_module(b, 0x200000, 0x201000, "guest name=hello mode=real mem=2");
	b_module(b, 0x300000, 0x300000, "");
	b_meminfo(b, 639, 130944);
	b_tag(b, MB2_TAG_BOOTDEV, bootdev, sizeof(bootdev));
	b_mmap(b, 24, e, 5);
	b_rsdp(b, MB2_TAG_ACPI_OLD, 20);
	b_end(b);
}

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
		cmocka_unit_test_setup_teardown(test_bios_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uefi_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_efi_markers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_tags_and_trailing_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_entry_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_drops_empty_and_wrapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_mmap_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_keep_first, setup, teardown),
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
		cmocka_unit_test_setup_teardown(test_mmap_type_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_corruption, setup, teardown),
	};

	return cmocka_run_group_tests_name("mb2", tests, NULL, NULL);
}
