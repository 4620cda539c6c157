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
/* A further range for a device vm_attach_device already attached (the
 * 8259 pair at 0x20 and 0xa0, the ACPI ports); 0 or a negative error. */
int vm_attach_range(struct vm *vm, struct vmm_device *d, bool pio, u64 base, u64 len);

/* vmm/dev/uart16550.c: a 16550A at port base, its IRQ line gsi (the one
 * at COM1's base becomes vm->com1). */
int uart16550_attach(struct vm *vm, u16 base, u32 gsi);
/* Bytes arriving on its line (svmhv's console input, any context):
 * queued, moved into the RX FIFO as it has room, RX interrupt raised. */
void uart16550_input(struct vmm_device *d, const u8 *buf, size_t n);

/* vmm/dev/pc.c: the PC platform's simple devices (fw_cfg, the exit port,
 * the masked 8259 pair, ACPI tables and their ports) for a VM whose
 * cfg.platform is GUEST_PLATFORM_PC; nothing for other platforms.  After
 * RAM and the image are in place and vm->nvcpus is set.  0, or a negative
 * error after a message naming the guest. */
int pc_platform_attach(struct vm *vm);

/* vmm/dev/fwcfg.c: fw_cfg at FW_CFG_PORT_SEL/FW_CFG_PORT_DATA. */
int fwcfg_attach(struct vm *vm);

/* vmm/dev/exitport.c: a write of v to [port, port + 4) stops the VM with
 * exit status v (isa-debug-exit style). */
#define EXITPORT_PORT	0xf4
int exitport_attach(struct vm *vm, u16 port);

/* vmm/dev/i8259.c: the 8259 pair, programmable but never interrupting. */
int i8259_attach(struct vm *vm);

/* vmm/dev/pc_testdev.c: QEMU's pc-testdev (hw/pc_testdev.h): scratch
 * port, page flush, ISA interrupt lines. */
int pc_testdev_attach(struct vm *vm);

/* vmm/dev/rtc.c: the RTC and CMOS RAM at 0x70/0x71. */
int rtc_attach(struct vm *vm);

/* vmm/dev/i8042.c: the keyboard controller at 0x60/0x64, for its reset. */
int i8042_attach(struct vm *vm);

/* vmm/dev/acpi.c: ACPI tables in the BIOS area (their RSDP GPA in
 * vm->acpi_rsdp) and the fixed hardware they name. */
int acpi_attach(struct vm *vm);

/* vmm/dev/testdev.c: the benchmark MMIO page (loads read 0x5a..., stores
 * are dropped), one page at gpa. */
#define TESTDEV_GPA	0xfeb00000ULL
int testdev_attach(struct vm *vm, u64 gpa);
#endif
