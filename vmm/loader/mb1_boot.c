/* vmm/loader/mb1_boot.c - where svmhv puts a multiboot v1 guest's image,
 * modules and boot information in its RAM, and the PC memory map it
 * describes (see vmm/loader/mb1.h).  Pure, like mb1.c: refusals come
 * back as a sentence in `why`, which vmm/vm.c prints with the guest's
 * name.  The placement follows what loaders usually do (modules after
 * the kernel, page-aligned, so that a kernel whose allocator starts past
 * its own end finds them before it reuses the memory). */
#include "vmm/loader/mb1.h"
#include "lib/printf.h"
#include "lib/string.h"

#define FOUR_GIB	(1ULL << 32)
#define PAGE_4K		4096u

/* The PC's legacy areas (below 1 MiB). */
#define PC_EBDA_BASE	0x9fc00ULL	/* the last KiB of conventional memory */
#define PC_VGA_BASE	0xa0000ULL	/* VGA window and option ROMs: not RAM on a PC */
#define PC_BIOS_BASE	0xe0000ULL	/* where firmware tables (the RSDP) are searched */
#define PC_HIGH_BASE	0x100000ULL

u32 mb1_pc_memory_map(u64 ram_size, struct mb1_mem_desc *out)
{
	u32 n = 0;

	/* mem= is at least 1 MiB, but a caller may pass less. */
	out[n++] = (struct mb1_mem_desc){ 0, MIN(ram_size, PC_EBDA_BASE), MB1_MMAP_AVAILABLE };
	if (ram_size > PC_EBDA_BASE)
		out[n++] = (struct mb1_mem_desc){ PC_EBDA_BASE, PC_VGA_BASE - PC_EBDA_BASE,
						  MB1_MMAP_RESERVED };
	if (ram_size > PC_BIOS_BASE)
		out[n++] = (struct mb1_mem_desc){ PC_BIOS_BASE, PC_HIGH_BASE - PC_BIOS_BASE,
						  MB1_MMAP_RESERVED };
	if (ram_size > PC_HIGH_BASE)
		out[n++] = (struct mb1_mem_desc){ PC_HIGH_BASE, ram_size - PC_HIGH_BASE,
						  MB1_MMAP_AVAILABLE };
	return n;
}

int mb1_boot_layout(const u8 *img, size_t len, const struct mb1_image *im,
		    u8 *guest_ram, u64 ram_size, const char *cmdline,
		    const struct mb1_boot_mod *mods, u32 nmods, u32 *info_gpa,
		    char *why, size_t why_len)
{
	struct mb1_mod_desc desc[MB1_BOOT_MAX_MODS];
	struct mb1_mem_desc mem[MB1_PC_MAP_MAX];
	u64 limit = MIN(ram_size, FOUR_GIB);
	u64 next;
	size_t used;
	int r;

	if (why_len)
		why[0] = '\0';
	if (nmods > MB1_BOOT_MAX_MODS) {
		ksnprintf(why, why_len, "%u modules attached; at most %u", nmods, MB1_BOOT_MAX_MODS);
		return -EINVAL;
	}
	if (mb1_load(img, len, im, guest_ram, ram_size)) {
		ksnprintf(why, why_len, "image [0x%x, 0x%llx) does not fit the guest's 0x%llx bytes of RAM",
			  im->image_start, (unsigned long long)im->image_end, (unsigned long long)ram_size);
		return -EINVAL;
	}

	next = ALIGN_UP(im->image_end, PAGE_4K);
	for (u32 i = 0; i < nmods; i++) {
		if (next > limit || mods[i].len > limit - next) {
			ksnprintf(why, why_len, "module %u (%zu bytes) does not fit the guest's RAM after 0x%llx (RAM ends at 0x%llx)",
				  i, mods[i].len, (unsigned long long)next, (unsigned long long)limit);
			return -EINVAL;
		}
		memcpy(guest_ram + next, mods[i].data, mods[i].len);
		desc[i] = (struct mb1_mod_desc){
			.start = (u32)next,
			.end = (u32)(next + mods[i].len),
			.string = mods[i].string,
		};
		next = ALIGN_UP(next + mods[i].len, PAGE_4K);
	}

	if (next >= limit) {
		ksnprintf(why, why_len, "no RAM left for the multiboot information after 0x%llx (RAM ends at 0x%llx)",
			  (unsigned long long)next, (unsigned long long)limit);
		return -ENOSPC;
	}
	struct mb1_layout l = {
		.info_gpa = (u32)next,
		.cmdline = cmdline,
		.loader_name = MB1_LOADER_NAME,
		.mods = desc,
		.nmods = nmods,
		.mem = mem,
		.nmem = mb1_pc_memory_map(ram_size, mem),
		.page_align_mods = im->flags & MB1_HF_PAGE_ALIGN,
	};
	r = mb1_build_info(&l, guest_ram + next, (size_t)(limit - next), &used, why, why_len);
	if (r)
		return r;
	*info_gpa = (u32)next;
	return 0;
}
