/* vmm/loader/linux.c - Linux bzImage guests through the 64-bit boot
 * protocol (vmm/loader/linux.h, hw/linux_boot.h): the setup header read
 * and checked, the kernel and initrd placed, the zero page written.  The
 * header comes from whoever built the image, so every field svmhv relies
 * on is checked before it is used, and a refusal names the field. */
#include "vmm/loader/linux.h"
#include "vmm/loader/mb1.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PAGE_4K		4096u

static u16 get16(const u8 *p) { u16 v; memcpy(&v, p, 2); return v; }
static u32 get32(const u8 *p) { u32 v; memcpy(&v, p, 4); return v; }
static u64 get64(const u8 *p) { u64 v; memcpy(&v, p, 8); return v; }

#define HDR_FIELD(name)	(__builtin_offsetof(struct linux_boot_params, hdr.name))

bool linux_magic(const u8 *img, size_t len)
{
	if (len < HDR_FIELD(header) + 4)
		return false;
	if (len >= 4 && memcmp(img, "\177ELF", 4) == 0)
		return false;
	return get32(img + HDR_FIELD(header)) == LINUX_HDRS_MAGIC;
}

/* Whether [addr, addr + size) fits below `limit`. */
static bool fits(u64 addr, u64 size, u64 limit)
{
	return addr <= limit && size <= limit - addr;
}

int linux_parse(const u8 *img, size_t len, u64 ram_size, struct linux_image *out,
		char *why, size_t why_len)
{
	struct linux_image im;
	u64 limit = MIN(ram_size, LINUX_RAM_LIMIT);

	if (why_len)
		why[0] = '\0';
	if (!linux_magic(img, len)) {
		ksnprintf(why, why_len, "no Linux setup header (\"HdrS\" at 0x202)");
		return -ENOENT;
	}
	memset(&im, 0, sizeof(im));
	/* The byte after the jump's opcode is its displacement: the
	 * header's length from 0x202 (boot.rst). */
	im.hdr_end = 0x202u + img[0x201];
	if (im.hdr_end < LINUX_HDR_MIN_END) {
		ksnprintf(why, why_len, "setup header ends at %#x, before init_size (protocol 2.12 reaches %#x)",
			  im.hdr_end, LINUX_HDR_MIN_END);
		return -EINVAL;
	}
	if (im.hdr_end > __builtin_offsetof(struct linux_boot_params, edd_mbr_sig_buffer) ||
	    im.hdr_end > len) {
		ksnprintf(why, why_len, "setup header claims to end at %#x, past %s", im.hdr_end,
			  im.hdr_end > len ? "the file" : "its place in the zero page (0x290)");
		return -EINVAL;
	}
	im.version = get16(img + HDR_FIELD(version));
	if (im.version < LINUX_PROTO_MIN) {
		ksnprintf(why, why_len, "boot protocol %u.%02u is older than 2.12 (no 64-bit entry flag)",
			  im.version >> 8, im.version & 0xff);
		return -EINVAL;
	}
	im.xloadflags = get16(img + HDR_FIELD(xloadflags));
	if (!(im.xloadflags & LINUX_XLF_KERNEL_64)) {
		ksnprintf(why, why_len, "no 64-bit entry (xloadflags %#x, bit 0 clear)", im.xloadflags);
		return -EINVAL;
	}
	u32 sects = img[HDR_FIELD(setup_sects)];
	if (sects == 0)
		sects = LINUX_SETUP_SECTS_DEFAULT;
	im.pm_offset = (sects + 1) * LINUX_SECTOR;
	if (im.pm_offset >= len) {
		ksnprintf(why, why_len, "setup_sects %u puts the protected-mode kernel at %#x, past the file's %zu bytes",
			  sects, im.pm_offset, len);
		return -EINVAL;
	}
	im.pm_size = len - im.pm_offset;
	im.init_size = get32(img + HDR_FIELD(init_size));
	if (im.init_size < im.pm_size) {
		ksnprintf(why, why_len, "init_size %#llx is smaller than the %#llx-byte protected-mode kernel",
			  (unsigned long long)im.init_size, (unsigned long long)im.pm_size);
		return -EINVAL;
	}
	im.cmdline_size = get32(img + HDR_FIELD(cmdline_size));
	im.initrd_addr_max = get32(img + HDR_FIELD(initrd_addr_max));

	bool relocatable = img[HDR_FIELD(relocatable_kernel)] != 0;
	u64 align = get32(img + HDR_FIELD(kernel_alignment));
	u64 pref = get64(img + HDR_FIELD(pref_address));
	if (relocatable && (align < PAGE_4K || (align & (align - 1)))) {
		ksnprintf(why, why_len, "kernel_alignment %#llx is not a power of two of at least 4 KiB",
			  (unsigned long long)align);
		return -EINVAL;
	}
	/* pref_address when it is usable; a relocatable kernel may go to
	 * any aligned address, the lowest from 1 MiB leaves the most room
	 * above it for the initrd. */
	if (pref >= LINUX_LOAD_MIN && (!relocatable || pref % align == 0) &&
	    fits(pref, im.init_size, limit)) {
		im.load_addr = pref;
	} else if (relocatable && fits(ALIGN_UP(LINUX_LOAD_MIN, align), im.init_size, limit)) {
		im.load_addr = ALIGN_UP(LINUX_LOAD_MIN, align);
	} else {
		ksnprintf(why, why_len, "init_size %#llx from %#llx%s runs past the guest's RAM (usable to %#llx)",
			  (unsigned long long)im.init_size,
			  (unsigned long long)(relocatable ? ALIGN_UP(LINUX_LOAD_MIN, align) : pref),
			  relocatable ? " (the lowest load address it allows)" : " (pref_address, not relocatable)",
			  (unsigned long long)limit);
		return -EINVAL;
	}
	*out = im;
	return 0;
}

u32 linux_e820_map(u64 ram_size, struct linux_e820_entry *out)
{
	struct mb1_mem_desc pc[MB1_PC_MAP_MAX];
	u32 n = mb1_pc_memory_map(MIN(ram_size, LINUX_RAM_LIMIT), pc);

	/* Multiboot's memory types are the e820 ones (1 RAM, 2 reserved). */
	for (u32 i = 0; i < n; i++)
		out[i] = (struct linux_e820_entry){
			.addr = pc[i].base,
			.size = pc[i].len,
			.type = pc[i].type == MB1_MMAP_AVAILABLE ? LINUX_E820_RAM : LINUX_E820_RESERVED,
		};
	return n;
}

int linux_initrd_place(const struct linux_image *im, u64 ram_size, u64 initrd_len, u64 *gpa,
		       char *why, size_t why_len)
{
	u64 top = MIN(ram_size, LINUX_RAM_LIMIT);

	/* initrd_addr_max is the address of the last byte it may use. */
	top = MIN(top, (u64)im->initrd_addr_max + 1);
	top = ALIGN_DOWN(top, PAGE_4K);
	if (top < LINUX_LOAD_MIN || initrd_len > top - LINUX_LOAD_MIN) {
		ksnprintf(why, why_len, "initrd of %llu bytes does not fit the guest's RAM between 1 MiB and %#llx",
			  (unsigned long long)initrd_len, (unsigned long long)top);
		return -ENOSPC;
	}
	u64 at = ALIGN_DOWN(top - initrd_len, PAGE_4K);
	u64 kend = im->load_addr + im->init_size;
	if (at < kend && at + initrd_len > im->load_addr) {
		ksnprintf(why, why_len, "initrd of %llu bytes at %#llx would overlap the kernel [%#llx, %#llx)",
			  (unsigned long long)initrd_len, (unsigned long long)at,
			  (unsigned long long)im->load_addr, (unsigned long long)kend);
		return -EINVAL;
	}
	*gpa = at;
	return 0;
}

int linux_boot_layout(const u8 *img, size_t len, const struct linux_image *im,
		      u8 *guest_ram, u64 ram_size, const char *cmdline,
		      const u8 *initrd, u64 initrd_len, u64 acpi_rsdp,
		      char *why, size_t why_len)
{
	struct linux_boot_params *bp;
	struct linux_e820_entry map[LINUX_E820_GUEST_MAX];
	u64 initrd_gpa = 0;
	size_t cl;
	int r;

	if (why_len)
		why[0] = '\0';
	if (!cmdline)
		cmdline = "";
	cl = strlen(cmdline);
	if (cl > im->cmdline_size || cl >= LINUX_CMDLINE_CAP) {
		ksnprintf(why, why_len, "command line of %zu characters is longer than the kernel's cmdline_size %u",
			  cl, im->cmdline_size);
		return -EINVAL;
	}
	if (im->pm_offset >= len || im->pm_size != len - im->pm_offset ||
	    im->hdr_end > len || !fits(im->load_addr, im->init_size, MIN(ram_size, LINUX_RAM_LIMIT)) ||
	    ram_size < LINUX_LOAD_MIN) {
		ksnprintf(why, why_len, "the image does not match its parse or the guest's RAM");
		return -EINVAL;
	}
	if (initrd_len) {
		r = linux_initrd_place(im, ram_size, initrd_len, &initrd_gpa, why, why_len);
		if (r)
			return r;
	}

	memcpy(guest_ram + im->load_addr, img + im->pm_offset, im->pm_size);
	memset(guest_ram + im->load_addr + im->pm_size, 0, im->init_size - im->pm_size);
	if (initrd_len)
		memcpy(guest_ram + initrd_gpa, initrd, initrd_len);
	memset(guest_ram + LINUX_CMDLINE_GPA, 0, LINUX_CMDLINE_CAP);
	memcpy(guest_ram + LINUX_CMDLINE_GPA, cmdline, cl);

	bp = (struct linux_boot_params *)(guest_ram + LINUX_ZERO_PAGE_GPA);
	memset(bp, 0, sizeof(*bp));
	memcpy((u8 *)bp + LINUX_HDR_OFFSET, img + LINUX_HDR_OFFSET, im->hdr_end - LINUX_HDR_OFFSET);
	bp->hdr.type_of_loader = LINUX_LOADER_UNDEFINED;
	/* The loader's list of extra data: svmhv passes none, whatever the
	 * file holds there. */
	bp->hdr.setup_data = 0;
	bp->hdr.cmd_line_ptr = (u32)LINUX_CMDLINE_GPA;
	bp->ext_cmd_line_ptr = (u32)(LINUX_CMDLINE_GPA >> 32);
	bp->hdr.ramdisk_image = (u32)initrd_gpa;
	bp->ext_ramdisk_image = (u32)(initrd_gpa >> 32);
	bp->hdr.ramdisk_size = (u32)initrd_len;
	bp->ext_ramdisk_size = (u32)(initrd_len >> 32);
	bp->acpi_rsdp_addr = acpi_rsdp;
	u32 n = linux_e820_map(ram_size, map);
	for (u32 i = 0; i < n; i++)
		bp->e820_table[i] = map[i];
	bp->e820_entries = (u8)n;
	return 0;
}
