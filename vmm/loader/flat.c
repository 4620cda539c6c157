/* vmm/loader/flat.c - the flat-binary loader (a boot sector, started at
 * 0:0x7c00 in real mode) and the choice between it and the ELF loader:
 * anything that starts with the ELF magic is an ELF file, anything else a
 * flat binary (vmm/loader/loader.h). */
#include "vmm/loader/loader.h"
#include "kernel/printk.h"
#include "lib/string.h"

static int check_flat(size_t len, u64 ram_size)
{
	if (ram_size <= GUEST_FLAT_LOAD || len > ram_size - GUEST_FLAT_LOAD) {
		pr_err("guest image: flat binary of %lu bytes does not fit in RAM (0x%lx bytes) from 0x%lx\n",
		       (unsigned long)len, ram_size, (u64)GUEST_FLAT_LOAD);
		return -EINVAL;
	}
	return 0;
}

int guest_image_kind(const u8 *img, size_t len, u64 ram_size)
{
	if (!img || len == 0) {
		pr_err("guest image: empty\n");
		return -EINVAL;
	}
	if (guest_elf_magic(img, len))
		return guest_elf_check(img, len, ram_size);
	int ret = check_flat(len, ram_size);
	return ret ? ret : GUEST_IMAGE_FLAT;
}

int guest_flat_load(const u8 *img, size_t len, u8 *guest_ram, u64 ram_size, u64 *entry)
{
	if (!img || len == 0 || !guest_ram || !entry)
		return -EINVAL;
	if (check_flat(len, ram_size))
		return -EINVAL;
	memcpy(guest_ram + GUEST_FLAT_LOAD, img, len);
	*entry = GUEST_FLAT_LOAD;
	return 0;
}
