/* vmm/loader/mb1.h - Multiboot v1 guests (hw/multiboot1.h): finding and
 * checking the header in an image, checking the ELF32 image behind it,
 * copying the image into guest RAM, and writing the boot information for
 * a memory layout the caller chose.  Pure: no allocation, no logging; a
 * refusal comes back as a negative error and a sentence in the caller's
 * `why` buffer, which the caller prints with the guest's name.  Called by
 * the VM loader, in the kernel or in a user-space VMM.
 *
 * The caller starts the guest as spec 3.2 says: 32-bit protected mode,
 * paging off, flat 4 GiB CS (execute/read) and data segments, A20 on,
 * IF = 0, EAX = MB1_BOOTLOADER_MAGIC, EBX = the info's guest-physical
 * address, EIP = mb1_image.entry. */
#ifndef SVMHV_VMM_LOADER_MB1_H
#define SVMHV_VMM_LOADER_MB1_H
#include "lib/types.h"
#include "hw/multiboot1.h"

#define MB1_WHY_LEN	128	/* enough for every message below */

/* What mb1_parse found: where the image goes and where it starts. */
struct mb1_image {
	u32 header_offset;	/* of the header in the file */
	u32 flags;		/* the header's */
	bool aout;		/* loaded by the header's address fields, not ELF */
	/* aout only: file[load_offset, + load_size) goes to load_addr, then
	 * bss_size zero bytes. */
	u32 load_offset, load_addr, load_size, bss_size;
	u32 entry;		/* guest-physical entry point */
	u32 image_start;	/* lowest guest-physical byte the image uses */
	u64 image_end;		/* first byte past it, bss included: free from here */
};

/* Finds the header (4-byte aligned, wholly inside the first 8192 bytes
 * and the file), checks it and the image it describes against a guest of
 * ram_size bytes (everything must fit below min(ram_size, 4 GiB)).  The
 * first aligned spot with the magic and a good checksum is the header.
 * Refused: no header, a bad checksum, a required flag svmhv does not
 * honour (video mode, unknown bits 3-15), inconsistent a.out addresses,
 * and, without the a.out flag, anything but a sound ELF32 executable
 * (mb1_elf32_check).  0, -ENOENT (no header) or -EINVAL, with `why` set. */
int mb1_parse(const u8 *img, size_t len, u64 ram_size, struct mb1_image *out,
	      char *why, size_t why_len);

/* The ELF32 part alone: little-endian i386 ET_EXEC, no PT_DYNAMIC or
 * PT_INTERP, program headers and PT_LOAD file bytes inside the file,
 * filesz <= memsz, PT_LOADs loaded at p_paddr inside RAM (below 4 GiB)
 * and not overlapping, the entry inside a PT_LOAD's memory (translated
 * from p_vaddr to p_paddr when they differ).  Fills entry, image_start
 * and image_end of *out.  0 or -EINVAL with `why` set. */
int mb1_elf32_check(const u8 *img, size_t len, u64 ram_size, struct mb1_image *out,
		    char *why, size_t why_len);

/* Copies the image as `im` (from mb1_parse on the same bytes) says into
 * guest_ram[0, ram_size) (guest-physical = offset), zeroing bss and each
 * segment's tail past its file bytes.  Bytes outside the image are not
 * touched.  0, or -EINVAL if im does not fit ram_size. */
int mb1_load(const u8 *img, size_t len, const struct mb1_image *im, u8 *guest_ram,
	     u64 ram_size);

/* A module the caller has already put into guest RAM. */
struct mb1_mod_desc {
	u32 start, end;		/* guest-physical, end exclusive */
	const char *string;	/* NULL: "" */
};

/* A range of the guest's physical address space. */
struct mb1_mem_desc {
	u64 base, len;
	u32 type;		/* MB1_MMAP_* */
};

struct mb1_layout {
	u32 info_gpa;		/* where buf will sit in the guest, 8-aligned */
	const char *cmdline;	/* NULL: "" (the pointer is always valid) */
	const char *loader_name;/* NULL: no MB1_INFO_LOADER_NAME */
	const struct mb1_mod_desc *mods;
	u32 nmods;
	const struct mb1_mem_desc *mem;	/* the memory map, in address order */
	u32 nmem;
	bool page_align_mods;	/* the header's MB1_HF_PAGE_ALIGN: checked */
};

/* Writes the boot information into buf[0, cap) for placement at
 * l->info_gpa: the struct mb1_info first (so EBX = info_gpa), then the
 * memory map, the module list and the strings, every pointer
 * guest-physical.  Always set: MEMORY (mem_lower from the available
 * range at 0, at most 640 KiB; mem_upper from the available range(s)
 * running on from 1 MiB, capped at 4 GiB), CMDLINE and MODS (count 0 is
 * fine); MEM_MAP when there are ranges; LOADER_NAME when given.  *used
 * gets the bytes written.  0, -EINVAL (a module with end < start or not
 * page aligned when asked, an empty range, a misaligned info_gpa or one
 * whose data would pass 4 GiB) or -ENOSPC, with `why` set. */
int mb1_build_info(const struct mb1_layout *l, u8 *buf, size_t cap, size_t *used,
		   char *why, size_t why_len);

/* ---- svmhv's layout of a multiboot v1 guest (mb1_boot.c) ---- */

#define MB1_BOOT_MAX_MODS	16
#define MB1_PC_MAP_MAX		4	/* ranges mb1_pc_memory_map writes at most */
#define MB1_LOADER_NAME		"svmhv"

/* A module handed to the guest (a boot module "attach for=NAME"). */
struct mb1_boot_mod {
	const u8 *data;
	size_t len;
	const char *string;	/* its string in the module list; NULL: "" */
};

/* The memory map of a PC-like guest with ram_size bytes of RAM from 0:
 * conventional memory below the extended BIOS data area, the EBDA and the
 * BIOS area 0xe0000-0xfffff reserved (where a PC keeps its firmware
 * tables), the rest of RAM from 1 MiB available.  Fills
 * out[MB1_PC_MAP_MAX] in address order; returns the count. */
u32 mb1_pc_memory_map(u64 ram_size, struct mb1_mem_desc *out);

/* Puts a multiboot v1 guest into guest_ram[0, ram_size): the image as
 * `im` (mb1_parse) says, then each module in order at the next 4 KiB
 * boundary after the image or the module before, then the boot
 * information (mb1_build_info: cmdline, mb1_pc_memory_map, the modules,
 * loader name "svmhv") at the next 4 KiB boundary after those.  Everything
 * must fit below min(ram_size, 4 GiB).  *info_gpa gets the value for EBX.
 * 0, or -EINVAL / -ENOSPC with `why` set (a module that does not fit
 * names its index and size); guest_ram may then be partly written. */
int mb1_boot_layout(const u8 *img, size_t len, const struct mb1_image *im,
		    u8 *guest_ram, u64 ram_size, const char *cmdline,
		    const struct mb1_boot_mod *mods, u32 nmods, u32 *info_gpa,
		    char *why, size_t why_len);

#endif
