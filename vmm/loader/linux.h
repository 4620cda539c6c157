/* vmm/loader/linux.h - Linux bzImage guests through the 64-bit boot
 * protocol (hw/linux_boot.h): reading and checking the setup header,
 * choosing where the kernel and its initrd go in guest RAM, and writing
 * the zero page (setup header, e820 map, command line, initrd, ACPI RSDP).
 * Pure: no allocation, no logging; a refusal comes back as a negative
 * error and a sentence in the caller's `why`, which vmm/vm.c prints with
 * the guest's name.  The host unit tests call it with made-up headers.
 *
 * svmhv's layout of a Linux guest's RAM:
 *   0x500             the GDT (start.c: LINUX_BOOT_CS 64-bit code, LINUX_BOOT_DS data)
 *   0x1000-0x6fff     the identity map of the first 4 GiB (start.c)
 *   LINUX_ZERO_PAGE_GPA  the zero page (boot_params)
 *   LINUX_CMDLINE_GPA    the command line
 *   0x9fc00-0xfffff   reserved (the ACPI tables at 0xe0000, pc platform)
 *   load_addr         the protected-mode kernel, init_size bytes from there
 *   top of RAM        the initrd, page-aligned, below initrd_addr_max and
 *                     below LINUX_RAM_LIMIT (the I/O APIC and local APIC pages)
 * The caller starts the guest as the 64-bit protocol says (start.c,
 * vmm_start_state_linux64): long mode, identity-mapped, CS = LINUX_BOOT_CS,
 * DS/ES/SS = LINUX_BOOT_DS, IF = 0, RSI = the zero page, RIP =
 * load_addr + LINUX_ENTRY64_OFFSET. */
#ifndef SVMHV_VMM_LOADER_LINUX_H
#define SVMHV_VMM_LOADER_LINUX_H
#include "lib/types.h"
#include "hw/linux_boot.h"

#define LINUX_WHY_LEN		160
#define LINUX_ZERO_PAGE_GPA	0x7000ULL
#define LINUX_CMDLINE_GPA	0x8000ULL
#define LINUX_CMDLINE_CAP	0x1000ULL	/* bytes at LINUX_CMDLINE_GPA, NUL included */
/* Nothing of a Linux guest is put at or above this: the I/O APIC
 * (0xfec00000) and local APIC (0xfee00000) pages start here, and RAM
 * from here on is left out of the e820 map. */
#define LINUX_RAM_LIMIT		0xfec00000ULL
/* The kernel never goes below 1 MiB (the PC's legacy areas). */
#define LINUX_LOAD_MIN		0x100000ULL

/* What linux_parse found and chose. */
struct linux_image {
	u16 version;		/* boot protocol, 0x020f for 2.15 */
	u32 hdr_end;		/* first file byte past the setup header */
	u32 pm_offset;		/* file offset of the protected-mode kernel */
	u64 pm_size;		/* its bytes in the file */
	u64 load_addr;		/* where it goes: pref_address, or aligned lower */
	u64 init_size;		/* bytes it needs from load_addr */
	u32 cmdline_size;	/* longest command line it takes */
	u32 initrd_addr_max;
	u16 xloadflags;
};

/* Whether img carries the "HdrS" magic at 0x202 (and is no ELF file). */
bool linux_magic(const u8 *img, size_t len);

/* Reads the setup header of a bzImage and chooses its load address for a
 * guest of ram_size bytes.  Refused (-EINVAL): a header shorter than
 * protocol 2.12's or running past the file or into the zero page's next
 * field, a protocol older than 2.12, no 64-bit entry (xloadflags bit 0),
 * no protected-mode kernel after the setup sectors, an init_size smaller
 * than that kernel, a relocatable kernel with a kernel_alignment that is
 * not a power of two, and a kernel whose [load, load + init_size) does
 * not fit in RAM below LINUX_RAM_LIMIT from pref_address (nor, if
 * relocatable, from the lowest aligned address from 1 MiB).  -ENOENT when
 * there is no HdrS magic.  `why` says which field and value. */
int linux_parse(const u8 *img, size_t len, u64 ram_size, struct linux_image *out,
		char *why, size_t why_len);

/* The e820 map of a Linux guest with ram_size bytes of RAM: the PC map
 * (conventional memory, the EBDA and BIOS area reserved, RAM from 1 MiB;
 * mb1_pc_memory_map) with RAM cut at LINUX_RAM_LIMIT.  Fills
 * out[LINUX_E820_GUEST_MAX] in address order; returns the count. */
#define LINUX_E820_GUEST_MAX	4
u32 linux_e820_map(u64 ram_size, struct linux_e820_entry *out);

/* Where an initrd of initrd_len bytes goes: the highest page-aligned
 * address that keeps it below initrd_addr_max + 1 and LINUX_RAM_LIMIT and
 * RAM's end.  Refused: it does not fit RAM above 1 MiB at all (-ENOSPC),
 * or it would overlap [load_addr, load_addr + init_size) (-EINVAL). */
int linux_initrd_place(const struct linux_image *im, u64 ram_size, u64 initrd_len, u64 *gpa,
		       char *why, size_t why_len);

/* Puts a Linux guest into guest_ram[0, ram_size): the protected-mode
 * kernel at im->load_addr (the rest of [load, load + init_size) zeroed),
 * the initrd (NULL/0: none) where linux_initrd_place says, the command
 * line at LINUX_CMDLINE_GPA, and the zero page at LINUX_ZERO_PAGE_GPA:
 * zeroed, the file's setup header copied in, type_of_loader 0xff,
 * setup_data 0 (no list), the command line, initrd, e820 map and
 * acpi_rsdp (0: none) filled.  A
 * command line longer than the header's cmdline_size is refused.  0, or
 * -EINVAL / -ENOSPC with `why` set; guest_ram may then be partly
 * written. */
int linux_boot_layout(const u8 *img, size_t len, const struct linux_image *im,
		      u8 *guest_ram, u64 ram_size, const char *cmdline,
		      const u8 *initrd, u64 initrd_len, u64 acpi_rsdp,
		      char *why, size_t why_len);
#endif
