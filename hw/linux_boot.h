/* hw/linux_boot.h - the x86 Linux boot protocol as the kernel's own
 * documents define it (Documentation/arch/x86/boot.rst, "The real-mode
 * kernel header" and "64-bit boot protocol"; zero-page.rst): the setup
 * header a bzImage carries at file offset 0x1f1, and struct boot_params,
 * the "zero page" a boot loader hands the kernel in RSI.  Offsets are
 * those of the zero page; the setup header sits inside it at 0x1f1 with
 * the same offsets as in the file.  Fields the loader or svmhv reads or
 * writes are named; the rest are reserved gaps named by offset. */
#ifndef SVMHV_HW_LINUX_BOOT_H
#define SVMHV_HW_LINUX_BOOT_H
#include "lib/types.h"

#define LINUX_HDR_OFFSET	0x1f1	/* the setup header, in the file and the zero page */
#define LINUX_HDRS_MAGIC	0x53726448u	/* "HdrS" at 0x202 */
#define LINUX_BOOT_FLAG		0xaa55
#define LINUX_SECTOR		512
#define LINUX_SETUP_SECTS_DEFAULT 4	/* setup_sects 0 means 4 (boot.rst) */
#define LINUX_LOADER_UNDEFINED	0xff	/* type_of_loader: a loader without an assigned ID */

/* The GDT selectors of the 32- and 64-bit entries: "__BOOT_CS (0x10) and
 * __BOOT_DS (0x18)", 4 GiB flat, execute/read and read/write. */
#define LINUX_BOOT_CS		0x10
#define LINUX_BOOT_DS		0x18
/* The 64-bit entry: the protected-mode kernel's load address + 0x200. */
#define LINUX_ENTRY64_OFFSET	0x200

struct linux_setup_header {
	/* 0x1f1 */ u8 setup_sects;	/* 512-byte sectors of real-mode setup after the boot sector */
	/* 0x1f2 */ u16 root_flags;
	/* 0x1f4 */ u32 syssize;	/* protected-mode code, in 16-byte paragraphs */
	/* 0x1f8 */ u16 ram_size;
	/* 0x1fa */ u16 vid_mode;
	/* 0x1fc */ u16 root_dev;
	/* 0x1fe */ u16 boot_flag;	/* LINUX_BOOT_FLAG */
	/* 0x200 */ u8 jump[2];	/* EB xx: xx is the header's length from 0x202 */
	/* 0x202 */ u32 header;		/* LINUX_HDRS_MAGIC */
	/* 0x206 */ u16 version;	/* boot protocol, major << 8 | minor */
	/* 0x208 */ u32 realmode_swtch;
	/* 0x20c */ u16 start_sys_seg;
	/* 0x20e */ u16 kernel_version;
	/* 0x210 */ u8 type_of_loader;
	/* 0x211 */ u8 loadflags;
#define LINUX_LF_LOADED_HIGH	BIT(0)
#define LINUX_LF_KEEP_SEGMENTS	BIT(6)
#define LINUX_LF_CAN_USE_HEAP	BIT(7)
	/* 0x212 */ u16 setup_move_size;
	/* 0x214 */ u32 code32_start;
	/* 0x218 */ u32 ramdisk_image;	/* initrd address, low 32 bits */
	/* 0x21c */ u32 ramdisk_size;	/* initrd size, low 32 bits */
	/* 0x220 */ u32 bootsect_kludge;
	/* 0x224 */ u16 heap_end_ptr;
	/* 0x226 */ u8 ext_loader_ver;
	/* 0x227 */ u8 ext_loader_type;
	/* 0x228 */ u32 cmd_line_ptr;	/* command line address, low 32 bits */
	/* 0x22c */ u32 initrd_addr_max;	/* highest address the initrd's last byte may have */
	/* 0x230 */ u32 kernel_alignment;	/* load alignment when relocatable (2.05+) */
	/* 0x234 */ u8 relocatable_kernel;
	/* 0x235 */ u8 min_alignment;	/* log2 (2.10+) */
	/* 0x236 */ u16 xloadflags;	/* 2.12+ */
#define LINUX_XLF_KERNEL_64		BIT(0)	/* a 64-bit entry at load address + 0x200 */
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G	BIT(1)
	/* 0x238 */ u32 cmdline_size;	/* longest command line, NUL not counted (2.06+) */
	/* 0x23c */ u32 hardware_subarch;
	/* 0x240 */ u64 hardware_subarch_data;
	/* 0x248 */ u32 payload_offset;
	/* 0x24c */ u32 payload_length;
	/* 0x250 */ u64 setup_data;
	/* 0x258 */ u64 pref_address;	/* preferred load address (2.10+) */
	/* 0x260 */ u32 init_size;	/* bytes the kernel needs from its load address (2.10+) */
	/* 0x264 */ u32 handover_offset;
	/* 0x268 */ u32 kernel_info_offset;	/* 2.15+ */
} __attribute__((packed));

#define LINUX_HDR_END		0x26c	/* the header as protocol 2.15 defines it ends here */
/* What a 2.12 header must reach: init_size is its last field svmhv reads. */
#define LINUX_HDR_MIN_END	0x264
#define LINUX_PROTO_MIN		0x020c	/* 2.12: xloadflags and the 64-bit entry flag */

/* One e820 entry (20 bytes, packed). */
struct linux_e820_entry {
	/* 0x00 */ u64 addr;
	/* 0x08 */ u64 size;
	/* 0x10 */ u32 type;
#define LINUX_E820_RAM		1
#define LINUX_E820_RESERVED	2
#define LINUX_E820_ACPI		3
#define LINUX_E820_NVS		4
} __attribute__((packed));

#define LINUX_E820_MAX		128	/* entries in the zero page */

/* The zero page.  zero-page.rst lists every field; the ones svmhv fills
 * are named. */
struct linux_boot_params {
	/* 0x000 */ u8 screen_info[0x40];
	/* 0x040 */ u8 apm_bios_info[0x14];
	/* 0x054 */ u8 reserved_0x054[4];
	/* 0x058 */ u64 tboot_addr;
	/* 0x060 */ u8 ist_info[0x10];
	/* 0x070 */ u64 acpi_rsdp_addr;
	/* 0x078 */ u8 reserved_0x078[8];
	/* 0x080 */ u8 hd0_info[0x10];
	/* 0x090 */ u8 hd1_info[0x10];
	/* 0x0a0 */ u8 sys_desc_table[0x10];
	/* 0x0b0 */ u8 olpc_ofw_header[0x10];
	/* 0x0c0 */ u32 ext_ramdisk_image;	/* initrd address, high 32 bits */
	/* 0x0c4 */ u32 ext_ramdisk_size;
	/* 0x0c8 */ u32 ext_cmd_line_ptr;
	/* 0x0cc */ u8 reserved_0x0cc[0x70];
	/* 0x13c */ u32 cc_blob_address;
	/* 0x140 */ u8 edid_info[0x80];
	/* 0x1c0 */ u8 efi_info[0x20];
	/* 0x1e0 */ u32 alt_mem_k;
	/* 0x1e4 */ u32 scratch;
	/* 0x1e8 */ u8 e820_entries;
	/* 0x1e9 */ u8 eddbuf_entries;
	/* 0x1ea */ u8 edd_mbr_sig_buf_entries;
	/* 0x1eb */ u8 kbd_status;
	/* 0x1ec */ u8 secure_boot;
	/* 0x1ed */ u8 reserved_0x1ed[2];
	/* 0x1ef */ u8 sentinel;	/* non-zero: the loader copied stale bytes; kept 0 */
	/* 0x1f0 */ u8 reserved_0x1f0;
	/* 0x1f1 */ struct linux_setup_header hdr;
	/* 0x26c */ u8 reserved_0x26c[0x290 - 0x26c];
	/* 0x290 */ u32 edd_mbr_sig_buffer[16];
	/* 0x2d0 */ struct linux_e820_entry e820_table[LINUX_E820_MAX];
	/* 0xcd0 */ u8 reserved_0xcd0[0x1000 - 0xcd0];	/* EDD information and padding */
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct linux_boot_params, acpi_rsdp_addr) == 0x070, "rsdp");
_Static_assert(__builtin_offsetof(struct linux_boot_params, ext_ramdisk_image) == 0x0c0, "ext");
_Static_assert(__builtin_offsetof(struct linux_boot_params, ext_cmd_line_ptr) == 0x0c8, "extc");
_Static_assert(__builtin_offsetof(struct linux_boot_params, cc_blob_address) == 0x13c, "cc");
_Static_assert(__builtin_offsetof(struct linux_boot_params, e820_entries) == 0x1e8, "e820n");
_Static_assert(__builtin_offsetof(struct linux_boot_params, sentinel) == 0x1ef, "sentinel");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr) == LINUX_HDR_OFFSET, "hdr");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.header) == 0x202, "HdrS");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.version) == 0x206, "version");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.type_of_loader) == 0x210, "tol");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.ramdisk_image) == 0x218, "rd");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.cmd_line_ptr) == 0x228, "cl");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.initrd_addr_max) == 0x22c, "ram");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.kernel_alignment) == 0x230, "ka");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.xloadflags) == 0x236, "xlf");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.cmdline_size) == 0x238, "cls");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.pref_address) == 0x258, "pref");
_Static_assert(__builtin_offsetof(struct linux_boot_params, hdr.init_size) == 0x260, "init");
_Static_assert(sizeof(struct linux_setup_header) == LINUX_HDR_END - LINUX_HDR_OFFSET, "hdr size");
_Static_assert(__builtin_offsetof(struct linux_boot_params, e820_table) == 0x2d0, "e820");
_Static_assert(sizeof(struct linux_e820_entry) == 20, "e820 entry");
_Static_assert(sizeof(struct linux_boot_params) == 0x1000, "zero page");
#endif
