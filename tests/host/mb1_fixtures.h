/* tests/host/mb1_fixtures.h - the image buffer, its setup and teardown,
 * and the multiboot header and ELF32 builders shared by the multiboot v1
 * host tests (test_mb1_image.c, test_mb1_info.c). */
#ifndef SVMHV_TESTS_MB1_FIXTURES_H
#define SVMHV_TESTS_MB1_FIXTURES_H
#include "tests/host/host_support.h"
#include <string.h>
#include "vmm/loader/mb1.h"

#define MiB		(1024u * 1024u)
#define IMG_CAP		(64 * 1024)

static u8 *img;
static size_t img_len;
static char why[MB1_WHY_LEN];
static struct mb1_image im;

static inline void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static inline void put16(u8 *p, u16 v) { memcpy(p, &v, 2); }
static inline u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static inline u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

static inline int setup(void **state)
{
	img = calloc(1, IMG_CAP);
	assert_non_null(img);
	img_len = 0;
	memset(why, 0, sizeof(why));
	memset(&im, 0, sizeof(im));
	return 0;
}

static inline int teardown(void **state)
{
	free(img);
	return 0;
}

/* A multiboot header at `off`: magic, flags, checksum (+ fields). */
static inline void put_header(size_t off, u32 flags)
{
	put32(img + off, MB1_HEADER_MAGIC);
	put32(img + off + 4, flags);
	put32(img + off + 8, (u32)-(MB1_HEADER_MAGIC + flags));
}

struct seg { u32 offset, paddr, vaddr, filesz, memsz; u32 type; };

/* An ELF32 i386 executable: header, program headers at 52, segments'
 * file bytes filled with a pattern. */
static inline void build_elf(const struct seg *s, int n, u32 entry, size_t len)
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

#endif
