/* vmm/dev/i8042_core.c - the keyboard controller's logic (vmm/dev/i8042_core.h). */
#include "vmm/dev/i8042_core.h"

void i8042_core_init(struct i8042_core *k)
{
	*k = (struct i8042_core){
		/* as firmware leaves it: interrupts off (no keyboard to
		 * interrupt), system flag, translation on */
		.ctr = I8042_CTR_SYS | I8042_CTR_XLATE,
		.out_port = I8042_OUT_RESET | I8042_OUT_A20,
	};
}

u8 i8042_core_status(const struct i8042_core *k)
{
	return (u8)((k->obf ? I8042_STR_OBF : 0) | I8042_STR_SYS | (k->last_cmd ? I8042_STR_CMD : 0));
}

static void put(struct i8042_core *k, u8 v)
{
	k->out = v;
	k->obf = true;
}

u8 i8042_core_read_data(struct i8042_core *k)
{
	k->obf = false;
	return k->out;		/* the last byte again when nothing new came */
}

enum i8042_action i8042_core_write_cmd(struct i8042_core *k, u8 cmd)
{
	k->last_cmd = true;
	k->pending = 0;
	if (cmd >= I8042_CMD_PULSE)
		/* bits 3:0 clear are the output bits pulsed; bit 0 is reset */
		return cmd & I8042_OUT_RESET ? I8042_NONE : I8042_RESET;
	switch (cmd) {
	case I8042_CMD_READ_CTR:	put(k, k->ctr); break;
	case I8042_CMD_WRITE_CTR:	k->pending = cmd; break;
	case I8042_CMD_WRITE_OUTPUT:	k->pending = cmd; break;
	case I8042_CMD_READ_OUTPUT:	put(k, k->out_port); break;
	case I8042_CMD_SELF_TEST:	put(k, I8042_SELF_TEST_OK); break;
	case I8042_CMD_KBD_TEST:	put(k, 0); break;
	case I8042_CMD_AUX_TEST:	put(k, 0); break;
	case I8042_CMD_KBD_DISABLE:	k->ctr |= I8042_CTR_KBDDIS; break;
	case I8042_CMD_KBD_ENABLE:	k->ctr &= (u8)~I8042_CTR_KBDDIS; break;
	case I8042_CMD_AUX_DISABLE:	k->ctr |= I8042_CTR_AUXDIS; break;
	case I8042_CMD_AUX_ENABLE:	k->ctr &= (u8)~I8042_CTR_AUXDIS; break;
	default:			break;	/* not modelled: ignored */
	}
	return I8042_NONE;
}

enum i8042_action i8042_core_write_data(struct i8042_core *k, u8 val)
{
	u8 cmd = k->pending;
	k->last_cmd = false;
	k->pending = 0;
	if (cmd == I8042_CMD_WRITE_CTR) {
		k->ctr = val;
	} else if (cmd == I8042_CMD_WRITE_OUTPUT) {
		k->out_port = val;
		if (!(val & I8042_OUT_RESET))
			return I8042_RESET;
	}
	/* else a byte for the keyboard, which is not there */
	return I8042_NONE;
}
