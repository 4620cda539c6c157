/* vmm/pvipi.c - the APIC IDs of a KVM_HC_SEND_IPI request and the check
 * of its ICR word (vmm/pvipi.h).  Pure logic: the kernel and the host test
 * compile it as it is. */
#include "vmm/pvipi.h"
#include "hw/lapic.h"

int pvipi_check_icr(u32 icr)
{
	if (icr & (ICR_DEST_LOGICAL | ICR_SHORTHAND))
		return -EINVAL;
	return 0;
}

u32 pvipi_for_each(const struct pvipi_req *r, u32 max_id, bool (*send)(void *arg, u32 id), void *arg)
{
	u32 width = r->long_mode ? 64 : 32, sent = 0;
	for (u32 half = 0; half < 2; half++) {
		/* In 64 bits: min + 64 + 63 does not wrap around to low IDs. */
		u64 base = (u64)r->min + (u64)half * width;
		u64 bits = r->bitmap[half];
		if (width < 64)
			bits &= (1ULL << width) - 1;
		while (bits) {
			u32 i = (u32)__builtin_ctzll(bits);
			bits &= bits - 1;
			u64 id = base + i;
			if (id > max_id)
				break;		/* the bits go up, so do the IDs */
			if (send(arg, (u32)id))
				sent++;
		}
	}
	return sent;
}
