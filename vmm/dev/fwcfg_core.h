/* vmm/dev/fwcfg_core.h - the fw_cfg device (hw/fw_cfg.h) without a bus:
 * the caller turns a 16-bit write of FW_CFG_PORT_SEL into
 * fwcfg_core_select() and each byte read of FW_CFG_PORT_DATA into
 * fwcfg_core_read(); it owns struct fwcfg_core and the bytes of every
 * file it adds, which must outlive the device.
 *
 * Items: the signature, the ID (port interface only), RAM size, CPU count,
 * max CPUs and the file directory (empty until a file is added).  Any
 * other key reads as zeros, and so does every byte past an item's end:
 * a guest cannot read outside what is listed here. */
#ifndef SVMHV_VMM_DEV_FWCFG_CORE_H
#define SVMHV_VMM_DEV_FWCFG_CORE_H
#include "lib/types.h"
#include "hw/fw_cfg.h"

#define FWCFG_MAX_FILES		16

struct fwcfg_blob {
	const u8 *data;
	u32 len;
};

struct fwcfg_core {
	u16 selector;		/* as written, write bit included */
	u32 offset;		/* next byte of the item, stops at its end */
	struct fwcfg_blob cur;	/* the selected item, {NULL, 0} if none */

	/* Item contents, in guest byte order. */
	u8 id[4];
	u8 ram_size[8];
	u8 nb_cpus[2];
	u8 max_cpus[2];
	u8 dir[4 + FWCFG_MAX_FILES * sizeof(struct fw_cfg_file)];
	struct fwcfg_blob files[FWCFG_MAX_FILES];
	u32 nfiles;
};

/* Sets up the device with its fixed items and nothing selected (reads
 * return 0 until a selector write). */
void fwcfg_core_init(struct fwcfg_core *f, u64 ram_size, u16 nb_cpus, u16 max_cpus);

/* Adds a named file (name up to FW_CFG_MAX_FILE_PATH - 1 bytes, unique)
 * to the directory; `data` is referenced, not copied.  Returns its key
 * (FW_CFG_FILE_FIRST and up), or -EINVAL for a bad or duplicate name,
 * -ENOSPC when FWCFG_MAX_FILES are there already. */
int fwcfg_core_add_file(struct fwcfg_core *f, const char *name, const void *data, u32 len);

/* A selector write: picks the item and rewinds to its first byte. */
void fwcfg_core_select(struct fwcfg_core *f, u16 key);

/* A data port read: the next byte of the selected item, 0 past its end. */
u8 fwcfg_core_read(struct fwcfg_core *f);

/* A data port write: ignored, as the spec says of QEMU 2.4 and later. */
void fwcfg_core_write(struct fwcfg_core *f, u8 val);

#endif
