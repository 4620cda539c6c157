/* hw/multiboot2.h - the Multiboot2 boot protocol's wire format: magic
 * numbers, tag types and the tag layouts a loader writes (Multiboot2
 * specification, section 3.6 "Boot information format").  Read by the
 * parser in kernel/mb2.c; the constants are usable from assembly too.
 * A multiboot2 guest loader will write the same structures. */
#ifndef SVMHV_HW_MULTIBOOT2_H
#define SVMHV_HW_MULTIBOOT2_H

/* The loader leaves this in EAX when it jumps to the kernel (spec 3.3). */
#define MB2_BOOTLOADER_MAGIC   0x36d76289
/* The kernel's own header starts with this (spec 3.1.1). */
#define MB2_HEADER_MAGIC       0xe85250d6
#define MB2_ARCH_I386          0

/* Tag types of the boot information (spec 3.6). */
#define MB2_TAG_END              0
#define MB2_TAG_CMDLINE          1
#define MB2_TAG_LOADER_NAME      2
#define MB2_TAG_MODULE           3
#define MB2_TAG_BASIC_MEMINFO    4
#define MB2_TAG_BOOTDEV          5
#define MB2_TAG_MMAP             6
#define MB2_TAG_VBE              7
#define MB2_TAG_FRAMEBUFFER      8
#define MB2_TAG_ELF_SECTIONS     9
#define MB2_TAG_APM              10
#define MB2_TAG_EFI32            11	/* EFI 32-bit system table pointer */
#define MB2_TAG_EFI64            12	/* EFI 64-bit system table pointer */
#define MB2_TAG_SMBIOS           13
#define MB2_TAG_ACPI_OLD         14	/* copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW         15	/* copy of the ACPI 2.0+ RSDP (XSDP) */
#define MB2_TAG_NETWORK          16
#define MB2_TAG_EFI_MMAP         17
#define MB2_TAG_EFI_BS           18	/* EFI boot services not terminated */
#define MB2_TAG_EFI32_IH         19
#define MB2_TAG_EFI64_IH         20
#define MB2_TAG_LOAD_BASE_ADDR   21

/* Memory map entry types (spec 3.6.8). */
#define MB2_MMAP_AVAILABLE         1
#define MB2_MMAP_RESERVED          2
#define MB2_MMAP_ACPI_RECLAIMABLE  3
#define MB2_MMAP_NVS               4
#define MB2_MMAP_BADRAM            5

/* Framebuffer types (spec 3.6.12). */
#define MB2_FB_INDEXED   0
#define MB2_FB_RGB       1
#define MB2_FB_EGA_TEXT  2

/* Sizes of the RSDP copies the ACPI tags carry (ACPI spec 5.2.5.3). */
#define MB2_RSDP_V1_SIZE  20
#define MB2_RSDP_V2_SIZE  36

#ifndef __ASSEMBLER__
#include "lib/types.h"

/* Wire layouts.  The parser reads fields at these offsets through byte
 * copies, so a misaligned entry size cannot fault or trip UBSan; the
 * structs document the format and pin the offsets. */
struct mb2_info_header {
	/* 0x00 */ u32 total_size;	/* including this header and the end tag */
	/* 0x04 */ u32 reserved;
};

struct mb2_tag {
	/* 0x00 */ u32 type;
	/* 0x04 */ u32 size;	/* without the padding to the next 8-byte boundary */
};

struct mb2_tag_string {		/* CMDLINE, LOADER_NAME */
	/* 0x00 */ struct mb2_tag tag;
	/* 0x08 */ char string[];	/* NUL-terminated */
};

struct mb2_tag_module {
	/* 0x00 */ struct mb2_tag tag;
	/* 0x08 */ u32 mod_start;	/* physical */
	/* 0x0c */ u32 mod_end;		/* physical, exclusive */
	/* 0x10 */ char string[];	/* NUL-terminated */
};

struct mb2_tag_meminfo {
	/* 0x00 */ struct mb2_tag tag;
	/* 0x08 */ u32 mem_lower;	/* KiB below 1 MiB */
	/* 0x0c */ u32 mem_upper;	/* KiB from 1 MiB to the first hole */
};

struct mb2_tag_mmap {
	/* 0x00 */ struct mb2_tag tag;
	/* 0x08 */ u32 entry_size;	/* bytes per entry, >= 24 */
	/* 0x0c */ u32 entry_version;	/* 0 so far; later versions only append */
	/* 0x10 */ u8 entries[];
};

struct mb2_mmap_raw {
	/* 0x00 */ u64 base;
	/* 0x08 */ u64 len;
	/* 0x10 */ u32 type;
	/* 0x14 */ u32 reserved;
};

/* The spec's table shows one reserved byte after framebuffer_type, but
 * GRUB (the reference loader) writes a 16-bit field, so color_info starts
 * at 0x20. */
struct mb2_tag_framebuffer {
	/* 0x00 */ struct mb2_tag tag;
	/* 0x08 */ u64 addr;
	/* 0x10 */ u32 pitch;
	/* 0x14 */ u32 width;
	/* 0x18 */ u32 height;
	/* 0x1c */ u8 bpp;
	/* 0x1d */ u8 type;		/* MB2_FB_* */
	/* 0x1e */ u16 reserved;
	/* 0x20 */ u8 color_info[];	/* RGB: 6 bytes of position/size pairs */
};

#define MB2_FB_RGB_INFO_SIZE  6

_Static_assert(sizeof(struct mb2_info_header) == 8, "mb2 info header");
_Static_assert(sizeof(struct mb2_tag) == 8, "mb2 tag header");
_Static_assert(offsetof(struct mb2_tag_module, string) == 0x10, "mb2 module string");
_Static_assert(sizeof(struct mb2_tag_meminfo) == 0x10, "mb2 meminfo size");
_Static_assert(offsetof(struct mb2_tag_mmap, entries) == 0x10, "mb2 mmap entries");
_Static_assert(sizeof(struct mb2_mmap_raw) == 24, "mb2 mmap entry size");
_Static_assert(offsetof(struct mb2_tag_framebuffer, bpp) == 0x1c, "mb2 fb bpp");
_Static_assert(offsetof(struct mb2_tag_framebuffer, color_info) == 0x20, "mb2 fb color info");
#endif /* __ASSEMBLER__ */

#endif
