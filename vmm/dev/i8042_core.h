/* vmm/dev/i8042_core.h - the PC's keyboard controller (hw/i8042.h) as far
 * as a VM needs it: the way to reset the machine (command 0xfe, or any
 * pulse command 0xf0-0xfe with bit 0 clear, or writing the output port
 * with bit 0 clear), the status register, the command byte, the
 * controller's self tests answering "passed", the output port read back.
 * No keyboard or mouse is behind it: bytes written to 0x60 for them are
 * dropped and nothing ever arrives from them.  Pure; vmm/dev/i8042.c puts
 * it on ports 0x60/0x64; host test tests/host/test_i8042.c. */
#ifndef SVMHV_VMM_DEV_I8042_CORE_H
#define SVMHV_VMM_DEV_I8042_CORE_H
#include "lib/types.h"
#include "hw/i8042.h"

struct i8042_core {
	u8 ctr;			/* command byte */
	u8 out_port;
	u8 out;			/* output buffer */
	bool obf;
	bool last_cmd;		/* status bit 3 */
	u8 pending;		/* the command whose data byte the next 0x60 write is, or 0 */
};

enum i8042_action { I8042_NONE = 0, I8042_RESET };

void i8042_core_init(struct i8042_core *k);
u8 i8042_core_status(const struct i8042_core *k);
u8 i8042_core_read_data(struct i8042_core *k);
enum i8042_action i8042_core_write_cmd(struct i8042_core *k, u8 cmd);
enum i8042_action i8042_core_write_data(struct i8042_core *k, u8 val);
#endif
