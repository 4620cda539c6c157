/* vmm/mem.c - guest memory as the core and the backends see it: reads by
 * guest-physical address (vm_gpa_to_host and vm_walk, the linear-to-GPA
 * walk straight over guest RAM, are inline in vmm/vmm.h). */
#include "vmm/vmm.h"
#include "lib/string.h"

int vm_read(struct vm *vm, u64 gpa, void *buf, size_t len)
{
	const void *p = vm_gpa_to_host(vm, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}
