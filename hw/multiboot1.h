/* hw/multiboot1.h - the Multiboot (version 1, specification 0.6.96) boot
 * protocol: the header a kernel image carries (spec 3.1), the machine
 * state it is entered in (3.2) and the boot information a loader writes
 * for it (3.3).  Read and written by vmm/loader/mb1.c for guests such as
 * kvm-unit-tests (docs/kvm-unit-tests.md). */
#ifndef SVMHV_HW_MULTIBOOT1_H
#define SVMHV_HW_MULTIBOOT1_H
#include "lib/types.h"

/* The header lies 32-bit aligned, wholly inside the image's first 8192
 * bytes (3.1.1). */
#define MB1_HEADER_MAGIC	0x1badb002u
#define MB1_SEARCH_LEN		8192
#define MB1_HEADER_ALIGN	4

/* EAX at the kernel's entry (3.2). */
#define MB1_BOOTLOADER_MAGIC	0x2badb002u

struct mb1_header {
	/* 0x00 */ u32 magic;
	/* 0x04 */ u32 flags;
	/* Bits 0-15 are requirements: a loader that does not know one must
	 * refuse the image.  Bits 16-31 are optional features (3.1.2). */
#define MB1_HF_PAGE_ALIGN	BIT(0)	/* modules on 4 KiB boundaries */
#define MB1_HF_MEMORY_INFO	BIT(1)	/* mem_* (and mmap if any) in the info */
#define MB1_HF_VIDEO_MODE	BIT(2)	/* video mode fields below are valid */
#define MB1_HF_REQUIRED_MASK	0x0000ffffu
#define MB1_HF_AOUT_KLUDGE	BIT(16)	/* address fields below are valid */
	/* 0x08 */ u32 checksum;		/* magic + flags + checksum == 0 (mod 2^32) */
	/* Address fields, valid with MB1_HF_AOUT_KLUDGE (3.1.3): physical
	 * addresses; the file offset of load_addr follows from where the
	 * header sits in the file and header_addr. */
	/* 0x0c */ u32 header_addr;		/* where this header is loaded */
	/* 0x10 */ u32 load_addr;		/* start of text, <= header_addr */
	/* 0x14 */ u32 load_end_addr;		/* end of data; 0: to the end of the file */
	/* 0x18 */ u32 bss_end_addr;		/* end of bss; 0: no bss */
	/* 0x1c */ u32 entry_addr;
	/* Graphics fields, valid with MB1_HF_VIDEO_MODE (3.1.4). */
	/* 0x20 */ u32 mode_type;
	/* 0x24 */ u32 width;
	/* 0x28 */ u32 height;
	/* 0x2c */ u32 depth;
};
#define MB1_HEADER_BASE_LEN	12	/* magic, flags, checksum */
#define MB1_HEADER_AOUT_LEN	32	/* ... and the address fields */
_Static_assert(offsetof(struct mb1_header, header_addr) == 0x0c, "MB1 header_addr");
_Static_assert(offsetof(struct mb1_header, entry_addr) == 0x1c, "MB1 entry_addr");
_Static_assert(offsetof(struct mb1_header, mode_type) == MB1_HEADER_AOUT_LEN, "MB1 mode_type");
_Static_assert(sizeof(struct mb1_header) == 48, "MB1 header size");

/* The boot information (3.3); EBX points at it.  A field is valid when
 * its flag is set. */
struct mb1_info {
	/* 0x00 */ u32 flags;
#define MB1_INFO_MEMORY		BIT(0)	/* mem_lower, mem_upper */
#define MB1_INFO_BOOTDEV	BIT(1)
#define MB1_INFO_CMDLINE	BIT(2)
#define MB1_INFO_MODS		BIT(3)
#define MB1_INFO_AOUT_SYMS	BIT(4)
#define MB1_INFO_ELF_SHDR	BIT(5)
#define MB1_INFO_MEM_MAP	BIT(6)	/* mmap_length, mmap_addr */
#define MB1_INFO_DRIVE_INFO	BIT(7)
#define MB1_INFO_CONFIG_TABLE	BIT(8)
#define MB1_INFO_LOADER_NAME	BIT(9)
#define MB1_INFO_APM_TABLE	BIT(10)
#define MB1_INFO_VBE		BIT(11)
#define MB1_INFO_FRAMEBUFFER	BIT(12)
	/* 0x04 */ u32 mem_lower;		/* KiB from 0, at most 640 */
	/* 0x08 */ u32 mem_upper;		/* KiB from 1 MiB to the first hole */
	/* 0x0c */ u32 boot_device;
	/* 0x10 */ u32 cmdline;			/* physical address of a C string */
	/* 0x14 */ u32 mods_count;
	/* 0x18 */ u32 mods_addr;		/* physical address of mb1_module[] */
	/* 0x1c */ u32 syms[4];			/* a.out symbols or ELF section headers */
	/* 0x2c */ u32 mmap_length;		/* bytes of the map */
	/* 0x30 */ u32 mmap_addr;		/* physical address of the first entry */
	/* 0x34 */ u32 drives_length;
	/* 0x38 */ u32 drives_addr;
	/* 0x3c */ u32 config_table;
	/* 0x40 */ u32 boot_loader_name;	/* physical address of a C string */
	/* 0x44 */ u32 apm_table;
	/* 0x48 */ u32 vbe_control_info;
	/* 0x4c */ u32 vbe_mode_info;
	/* 0x50 */ u16 vbe_mode;
	/* 0x52 */ u16 vbe_interface_seg;
	/* 0x54 */ u16 vbe_interface_off;
	/* 0x56 */ u16 vbe_interface_len;
	/* 0x58 */ u64 framebuffer_addr;
	/* 0x60 */ u32 framebuffer_pitch;
	/* 0x64 */ u32 framebuffer_width;
	/* 0x68 */ u32 framebuffer_height;
	/* 0x6c */ u8 framebuffer_bpp;
	/* 0x6d */ u8 framebuffer_type;
	/* 0x6e */ u8 color_info[6];
} __packed;
_Static_assert(offsetof(struct mb1_info, cmdline) == 0x10, "MB1 info cmdline");
_Static_assert(offsetof(struct mb1_info, mods_addr) == 0x18, "MB1 info mods_addr");
_Static_assert(offsetof(struct mb1_info, mmap_length) == 0x2c, "MB1 info mmap_length");
_Static_assert(offsetof(struct mb1_info, boot_loader_name) == 0x40, "MB1 info loader name");
_Static_assert(offsetof(struct mb1_info, framebuffer_addr) == 0x58, "MB1 info framebuffer");
_Static_assert(sizeof(struct mb1_info) == 116, "MB1 info size");

/* One module (3.3, "mods_addr"). */
struct mb1_module {
	/* 0x00 */ u32 mod_start;
	/* 0x04 */ u32 mod_end;			/* first byte past the module */
	/* 0x08 */ u32 string;			/* physical address of a C string */
	/* 0x0c */ u32 reserved_0x0c;		/* 0 */
};
_Static_assert(sizeof(struct mb1_module) == 16, "MB1 module size");

/* One memory map entry (3.3, "mmap_addr").  `size` counts the bytes after
 * itself, so the next entry is at (entry + size + 4); mmap_addr points at
 * the `size` field of the first. */
struct mb1_mmap_entry {
	/* 0x00 */ u32 size;
	/* 0x04 */ u64 base_addr;
	/* 0x0c */ u64 length;
	/* 0x14 */ u32 type;
#define MB1_MMAP_AVAILABLE	1
#define MB1_MMAP_RESERVED	2
#define MB1_MMAP_ACPI_RECLAIM	3
#define MB1_MMAP_NVS		4
#define MB1_MMAP_BADRAM		5
} __packed;
_Static_assert(offsetof(struct mb1_mmap_entry, base_addr) == 4, "MB1 mmap base");
_Static_assert(offsetof(struct mb1_mmap_entry, type) == 0x14, "MB1 mmap type");
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "MB1 mmap entry size");

#endif
