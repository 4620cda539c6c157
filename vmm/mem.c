/* vmm/mem.c - guest memory as the core and the backends see it: reads by
 * guest-physical address and the walk from a guest linear address to a
 * guest-physical one (vmm/decode.c's walker, reading guest RAM directly). */
#include "vmm/vmm.h"
#include "vmm/decode.h"
#include "lib/string.h"

int vm_read(struct vm *vm, u64 gpa, void *buf, size_t len)
{
	const void *p = vm_gpa_to_host(vm, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int vm_walk(struct vm *vm, u64 cr0, u64 cr4, u64 efer, u64 cr3, u64 lin, u64 *gpa)
{
	return guest_walk_ram(cr0, cr4, efer, cr3, lin, vm->ram, vm->ram_size, gpa);
}
