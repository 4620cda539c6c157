/* tests/host/mb2_fixtures.h - the boot information blob builder and the
 * fixture shared by the multiboot2 parser host tests (test_mb2_good.c,
 * test_mb2_malformed.c).  Each test builds a blob and hands the parser a
 * malloc'd copy of exactly the claimed size, so AddressSanitizer flags any
 * read past the end. */
#ifndef SVMHV_TESTS_MB2_FIXTURES_H
#define SVMHV_TESTS_MB2_FIXTURES_H
#include "tests/host/host_support.h"
#include <string.h>
#include "kernel/mb2.h"
#include "kernel/printk.h"

/* --- blob builder --- */

#define BLOB_MAX 16384

struct blob {
	u8 buf[BLOB_MAX];
	size_t len;	/* bytes used, always 8-aligned between tags */
};

static inline void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static inline void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

static inline void b_init(struct blob *b)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->len = 8;
}

/* Appends a tag whose size field is 8 + plen; returns its offset. */
static inline size_t b_tag(struct blob *b, u32 type, const void *payload, u32 plen)
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

static inline size_t b_str(struct blob *b, u32 type, const char *s)
{
	return b_tag(b, type, s, (u32)strlen(s) + 1);
}

static inline size_t b_module(struct blob *b, u32 start, u32 end, const char *s)
{
	u8 p[256];
	size_t n = strlen(s) + 1;

	put32(p, start);
	put32(p + 4, end);
	memcpy(p + 8, s, n);
	return b_tag(b, MB2_TAG_MODULE, p, (u32)(8 + n));
}

static inline size_t b_meminfo(struct blob *b, u32 lower, u32 upper)
{
	u8 p[8];

	put32(p, lower);
	put32(p + 4, upper);
	return b_tag(b, MB2_TAG_BASIC_MEMINFO, p, 8);
}

struct raw_e { u64 base, len; u32 type; };

/* A memory map with entries of esize bytes (>= 24 pads with 0xee). */
static inline size_t b_mmap(struct blob *b, u32 esize, const struct raw_e *e, u32 n)
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

static inline void b_rsdp(struct blob *b, u32 type, u32 len)
{
	u8 p[64];

	memset(p, 0, sizeof(p));
	memcpy(p, "RSD PTR ", 8);
	p[15] = type == MB2_TAG_ACPI_NEW ? 2 : 0;
	b_tag(b, type, p, len);
}

/* A framebuffer tag cut to `plen` payload bytes: 24 is the common part,
 * 30 adds the RGB color layout. */
static inline size_t b_fb(struct blob *b, u8 fbtype, u32 plen)
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

static inline void b_end(struct blob *b)
{
	b_tag(b, MB2_TAG_END, NULL, 0);
	put32(b->buf, (u32)b->len);
}

/* A malloc'd copy of exactly len bytes. */
static inline u8 *b_copy(const struct blob *b, size_t len)
{
	u8 *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, b->buf, len);
	return p;
}

static struct boot_info bi;
static u8 *cur;	/* the copy bi points into; lives until the next parse */

static inline int parse_blob(const struct blob *b)
{
	free(cur);
	cur = b_copy(b, b->len);
	return mb2_parse(cur, b->len, &bi);
}

static inline int setup(void **state)
{
	host_log_reset();
	log_level_max = LOG_DEBUG;
	memset(&bi, 0x5a, sizeof(bi));
	return 0;
}

static inline int teardown(void **state)
{
	free(cur);
	cur = NULL;
	return 0;
}

static inline void build_bios(struct blob *b)
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

#endif
