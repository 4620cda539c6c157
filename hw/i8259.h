/* hw/i8259.h - the PC's two cascaded 8259A interrupt controllers: their
 * I/O ports and the initialization words (Intel 8259A datasheet).  The
 * host only remaps and masks them (drivers/ioapic.c, pic_disable). */
#ifndef SVMHV_HW_I8259_H
#define SVMHV_HW_I8259_H

#define PIC1_CMD	0x20	/* master: ICW1, OCW2/3 */
#define PIC1_DATA	0x21	/* master: ICW2-4, OCW1 (the mask) */
#define PIC2_CMD	0xa0	/* slave, cascaded on the master's IRQ 2 */
#define PIC2_DATA	0xa1

#define ICW1_INIT_ICW4	0x11	/* initialize: edge, cascade, ICW4 follows */
#define ICW4_8086	0x01	/* 8086 mode, normal EOI */
#define PIC_CASCADE_IRQ	2

#endif
