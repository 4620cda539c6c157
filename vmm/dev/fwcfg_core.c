/* vmm/dev/fwcfg_core.c - the fw_cfg items and the byte-at-a-time read
 * behind vmm/dev/fwcfg_core.h.  Facts from QEMU's docs/specs/fw_cfg.rst:
 * a selector write resets the data offset; reading past an item's end
 * returns 0; writes to the data port have no effect since QEMU 2.4. */
#include "vmm/dev/fwcfg_core.h"
#include "lib/string.h"

static const u8 fwcfg_sig[FW_CFG_SIG_SIZE] = { 'Q', 'E', 'M', 'U' };

static void put_le(u8 *p, u64 v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void put_be(u8 *p, u64 v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (u8)(v >> (8 * (n - 1 - i)));
}

static u32 fwcfg_dir_len(const struct fwcfg_core *f)
{
	return 4 + f->nfiles * (u32)sizeof(struct fw_cfg_file);
}

void fwcfg_core_init(struct fwcfg_core *f, u64 ram_size, u16 nb_cpus, u16 max_cpus)
{
	memset(f, 0, sizeof(*f));
	/* Port interface only: a guest that sees no DMA bit never touches
	 * FW_CFG_PORT_DMA (spec, "FW_CFG_ID"). */
	put_le(f->id, FW_CFG_ID_TRAD, sizeof(f->id));
	put_le(f->ram_size, ram_size, sizeof(f->ram_size));
	put_le(f->nb_cpus, nb_cpus, sizeof(f->nb_cpus));
	put_le(f->max_cpus, max_cpus, sizeof(f->max_cpus));
	put_be(f->dir, 0, 4);		/* an empty directory is a valid one */
	f->selector = 0xffff;		/* nothing selected: cur is empty */
}

int fwcfg_core_add_file(struct fwcfg_core *f, const char *name, const void *data, u32 len)
{
	struct fw_cfg_file e;
	size_t n;
	u16 key;

	if (!name || (!data && len))
		return -EINVAL;
	n = strnlen(name, FW_CFG_MAX_FILE_PATH);
	if (n == 0 || n == FW_CFG_MAX_FILE_PATH)
		return -EINVAL;
	for (u32 i = 0; i < f->nfiles; i++) {
		const struct fw_cfg_file *o = (const void *)(f->dir + 4 + i * sizeof(e));

		if (strncmp(o->name, name, FW_CFG_MAX_FILE_PATH) == 0)
			return -EINVAL;
	}
	if (f->nfiles == FWCFG_MAX_FILES)
		return -ENOSPC;

	key = (u16)(FW_CFG_FILE_FIRST + f->nfiles);
	memset(&e, 0, sizeof(e));
	put_be((u8 *)&e.size_be, len, 4);
	put_be((u8 *)&e.select_be, key, 2);
	memcpy(e.name, name, n);
	memcpy(f->dir + fwcfg_dir_len(f), &e, sizeof(e));
	f->files[f->nfiles].data = data;
	f->files[f->nfiles].len = len;
	f->nfiles++;
	put_be(f->dir, f->nfiles, 4);
	/* A guest in the middle of reading the directory sees the new
	 * length from its next byte on; offsets stay where they were. */
	if ((f->selector & (u16)~FW_CFG_WRITE_CHANNEL) == FW_CFG_FILE_DIR)
		f->cur.len = fwcfg_dir_len(f);
	return key;
}

static struct fwcfg_blob fwcfg_item(const struct fwcfg_core *f, u16 key)
{
	struct fwcfg_blob b = { NULL, 0 };

	switch (key) {
	case FW_CFG_SIGNATURE:
		b = (struct fwcfg_blob){ fwcfg_sig, sizeof(fwcfg_sig) };
		break;
	case FW_CFG_ID:
		b = (struct fwcfg_blob){ f->id, sizeof(f->id) };
		break;
	case FW_CFG_RAM_SIZE:
		b = (struct fwcfg_blob){ f->ram_size, sizeof(f->ram_size) };
		break;
	case FW_CFG_NB_CPUS:
		b = (struct fwcfg_blob){ f->nb_cpus, sizeof(f->nb_cpus) };
		break;
	case FW_CFG_MAX_CPUS:
		b = (struct fwcfg_blob){ f->max_cpus, sizeof(f->max_cpus) };
		break;
	case FW_CFG_FILE_DIR:
		b = (struct fwcfg_blob){ f->dir, fwcfg_dir_len(f) };
		break;
	default: {
		u32 i = (u32)key - FW_CFG_FILE_FIRST;	/* wraps high below FIRST */

		if (i < f->nfiles && i < FWCFG_MAX_FILES)
			b = f->files[i];
		break;
	}
	}
	return b;
}

void fwcfg_core_select(struct fwcfg_core *f, u16 key)
{
	f->selector = key;
	f->offset = 0;
	/* The write-channel bit opens the same item for writing; reads see
	 * the item all the same (spec, "Selector (Control) Register"). */
	f->cur = fwcfg_item(f, key & (u16)~FW_CFG_WRITE_CHANNEL);
}

u8 fwcfg_core_read(struct fwcfg_core *f)
{
	/* The offset stops at the end, so a guest looping on the port
	 * forever reads zeros forever and never wraps back into the item. */
	if (f->offset >= f->cur.len)
		return 0;
	return f->cur.data[f->offset++];
}

void fwcfg_core_write(struct fwcfg_core *f, u8 val)
{
}
