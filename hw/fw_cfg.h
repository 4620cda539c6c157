/* hw/fw_cfg.h - QEMU's firmware configuration device as the PC sees it:
 * a 16-bit selector port and a byte-wide data port (QEMU
 * docs/specs/fw_cfg.rst, "Selector (Control) Register", "Data Register"
 * and "Selector Keys"), the well-known keys a guest reads, and the file
 * directory's layout ("File Directory").  Modelled by vmm/dev/fwcfg_core.c.
 * The DMA interface is not offered (FW_CFG_ID says so). */
#ifndef SVMHV_HW_FW_CFG_H
#define SVMHV_HW_FW_CFG_H
#include "lib/types.h"

#define FW_CFG_PORT_SEL		0x510	/* write 16 bits: select an item */
#define FW_CFG_PORT_DATA	0x511	/* read 8 bits: next byte of the item */
#define FW_CFG_PORT_DMA		0x514	/* DMA address (not offered) */

/* Selector keys.  Item contents are little-endian unless the spec says
 * otherwise (the file directory is big-endian). */
#define FW_CFG_SIGNATURE	0x00	/* 4 bytes "QEMU" */
#define FW_CFG_ID		0x01	/* u32 feature bitmap: */
#define  FW_CFG_ID_TRAD		BIT(0)	/*   the port interface exists */
#define  FW_CFG_ID_DMA		BIT(1)	/*   the DMA interface exists */
#define FW_CFG_UUID		0x02
#define FW_CFG_RAM_SIZE		0x03	/* u64, bytes */
#define FW_CFG_NOGRAPHIC	0x04
#define FW_CFG_NB_CPUS		0x05	/* u16, vCPUs present at boot */
#define FW_CFG_MACHINE_ID	0x06
#define FW_CFG_MAX_CPUS		0x0f	/* u16, vCPUs possible */
#define FW_CFG_FILE_DIR		0x19	/* the file directory below */
#define FW_CFG_FILE_FIRST	0x20	/* keys of named files start here */
#define FW_CFG_WRITE_CHANNEL	0x4000	/* selector bit: item opened for writing */
#define FW_CFG_ARCH_LOCAL	0x8000	/* selector bit: architecture's own keys */

#define FW_CFG_SIG		"QEMU"
#define FW_CFG_SIG_SIZE		4
#define FW_CFG_MAX_FILE_PATH	56	/* name, NUL included */

/* The directory is a big-endian u32 count followed by `count` of these,
 * every integer big-endian. */
struct fw_cfg_file {
	/* 0x00 */ u32 size_be;
	/* 0x04 */ u16 select_be;		/* key to write to FW_CFG_PORT_SEL */
	/* 0x06 */ u16 reserved_0x06;
	/* 0x08 */ char name[FW_CFG_MAX_FILE_PATH];
};
_Static_assert(offsetof(struct fw_cfg_file, select_be) == 4, "fw_cfg file select");
_Static_assert(offsetof(struct fw_cfg_file, name) == 8, "fw_cfg file name");
_Static_assert(sizeof(struct fw_cfg_file) == 64, "fw_cfg file entry size");

#endif
