/* kernel/mb2.h - the multiboot2 boot information and the bounds-checked
 * parser (kernel/mb2.c) that turns it into struct
 * boot_info.  The boot path calls mb2_parse() once, early, with the pointer
 * the loader left in EBX; everything else reads struct boot_info.
 *
 * The wire format (tags, their layouts and constants) is hw/multiboot2.h;
 * this header is what the parser hands the rest of the kernel. */
#ifndef SVMHV_MB2_H
#define SVMHV_MB2_H
#include "hw/multiboot2.h"

#define MB2_MAX_MMAP     128
#define MB2_MAX_MODULES  32

#ifndef __ASSEMBLER__
#include "lib/types.h"

/* What the rest of the kernel uses. */
struct mb2_mmap_entry {
	u64 base, len;
	u32 type;	/* MB2_MMAP_* */
};

struct mb2_module {
	u64 start, end;		/* physical [start, end) */
	const char *string;	/* points inside the boot information */
};

struct mb2_framebuffer {
	u64 addr;
	u32 pitch, width, height;
	u8 bpp, type;
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;	/* RGB only */
};

struct boot_info {
	const char *cmdline;		/* "" when absent, never NULL after a successful parse */
	const char *loader_name;	/* "" when absent */
	bool has_meminfo;
	u32 mem_lower_kib, mem_upper_kib;
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	u32 mmap_count;
	struct mb2_module modules[MB2_MAX_MODULES];
	u32 module_count;
	const u8 *rsdp_v1;	/* the RSDP copy inside the tag, or NULL */
	u32 rsdp_v1_len;	/* bytes of the copy (tag payload) */
	const u8 *rsdp_v2;
	u32 rsdp_v2_len;
	bool has_fb;
	struct mb2_framebuffer fb;
	u32 total_size;
	bool efi_boot;		/* an EFI system table tag (11/12) or EFI memory map (17) was seen */
};

/* Parses the information at `mbi`, of which the caller can read `avail`
 * bytes.  Returns 0, or -EINVAL after a pr_err naming the problem.  Never
 * reads outside [mbi, mbi + min(total_size, avail)).  Damaged optional tags
 * (framebuffer, RSDP, meminfo) and surplus entries only warn. */
int mb2_parse(const void *mbi, size_t avail, struct boot_info *out);

/* "available", "reserved", "ACPI reclaimable", "ACPI NVS", "bad RAM",
 * or "unknown". */
const char *mb2_mmap_type_name(u32 type);

/* Logs a parsed boot_info at info level (the boot banner uses it). */
void mb2_dump(const struct boot_info *bi);

#endif /* !__ASSEMBLER__ */
#endif
