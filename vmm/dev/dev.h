/* vmm/dev/dev.h - the device interface: a device model registers its port
 * or MMIO ranges on the VM's buses (vmm/iobus.h) when it is attached, and
 * the core calls it by lookup, never by an if-chain.  One device per file
 * in vmm/dev/; a VM gets its devices at creation (vmm/vm.c). */
#ifndef SVMHV_VMM_DEV_H
#define SVMHV_VMM_DEV_H
#include "lib/types.h"

struct vm;
struct vcpu;
struct vmm_device;

struct vmm_device_ops {
	const char *name;
	/* Back to the power-on state. */
	void (*reset)(struct vmm_device *d);
	/* An access of size bytes at addr (a port, or a GPA), inside a range
	 * the device registered, by vCPU v (per-vCPU devices such as the local
	 * APIC answer for v).  Reads return the value, size bytes wide. */
	u64 (*read)(struct vmm_device *d, struct vcpu *v, u64 addr, u32 size);
	void (*write)(struct vmm_device *d, struct vcpu *v, u64 addr, u32 size, u64 val);
	/* Its state, for debugging. */
	void (*dump)(struct vmm_device *d);
	/* Frees it; the VM is going. */
	void (*teardown)(struct vmm_device *d);
};

struct vmm_device {
	const struct vmm_device_ops *ops;
	struct vm *vm;
};

/* vmm/dev/dev.c: adds d to vm and registers [base, base + len) on its
 * port bus (pio) or MMIO bus; 0 or a negative error (nothing kept). */
int vm_attach_device(struct vm *vm, struct vmm_device *d, bool pio, u64 base, u64 len);

/* vmm/dev/uart16550.c: a 16550 at port base (output only). */
int uart16550_attach(struct vm *vm, u16 base);

/* vmm/dev/testdev.c: the benchmark MMIO page (loads read 0x5a..., stores
 * are dropped), one page at gpa. */
#define TESTDEV_GPA	0xfeb00000ULL
int testdev_attach(struct vm *vm, u64 gpa);
#endif
