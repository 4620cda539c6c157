/* vmm/conmux.h - the console multiplexer's pure logic: which of svmhv's
 * consoles an input byte is for, and how a guest's output byte is shown.
 * vmm/console.c is the only kernel caller (under its lock); the host test
 * tests/host/test_conmux.c drives it byte by byte.
 *
 * Input (one serial line, several consoles, as Xen's serial console and
 * QEMU's mux character device share one): the focus is one of the
 * registered guests ("slots") or svmhv itself (CONMUX_HOST).  Three Ctrl-A
 * in a row move the focus to the next live guest, or to svmhv after the
 * last one, and round again.  Fewer than three are held back and handed
 * to a focused guest in front of the next other byte, so a guest still
 * gets its Ctrl-A (the shells' "start of line").  With the focus on
 * svmhv, bytes are command keys; 'x' takes one more key, the slot number.
 *
 * Output: the guest with the focus owns the terminal, its bytes go out as
 * they are (carriage returns, backspaces, escape sequences: its line
 * editing works); every other guest's bytes are gathered into lines,
 * printed with the guest's name, with control bytes shown as '.' (one
 * guest cannot move the cursor over another's text). */
#ifndef SVMHV_VMM_CONMUX_H
#define SVMHV_VMM_CONMUX_H
#include "lib/types.h"

#define CONMUX_ESC		0x01	/* Ctrl-A */
#define CONMUX_ESC_COUNT	3	/* in a row: switch */
#define CONMUX_HOST		0xffffffffu	/* the focus is svmhv's own console */
#define CONMUX_MAX_SLOTS	32
#define CONMUX_KEY_STOP		'x'	/* svmhv: stop guest <slot digit> */

struct conmux {
	u32 focus;		/* a slot, or CONMUX_HOST */
	u8 esc_run;		/* Ctrl-As seen in a row and held back */
	u8 pending;		/* a command key waiting for its argument, 0 none */
};

enum conmux_act {
	CONMUX_NONE,		/* nothing to do (held back, or ignored) */
	CONMUX_TO_GUEST,	/* deliver bytes[0..n) to the guest in slot `focus` */
	CONMUX_SWITCHED,	/* the focus moved: say where input goes now */
	CONMUX_KEY,		/* svmhv command `key`, argument of `cmd` when cmd != 0 */
};

struct conmux_out {
	enum conmux_act act;
	u32 focus;		/* the focus after this byte */
	u8 bytes[CONMUX_ESC_COUNT];
	u32 n;
	u8 key;
	u8 cmd;			/* CONMUX_KEY: the pending command key it completes */
};

void conmux_init(struct conmux *m, u32 focus);

/* The next focus after `focus`: the next slot i with alive[i] (slots
 * 0..nslots-1), after the last one CONMUX_HOST, after CONMUX_HOST the
 * first live slot.  A focus past nslots counts as CONMUX_HOST. */
u32 conmux_next_focus(u32 focus, const bool *alive, u32 nslots);

/* One input byte.  alive[] says which slots hold a running guest. */
void conmux_input(struct conmux *m, u8 c, const bool *alive, u32 nslots, struct conmux_out *out);

/* The slot named by a digit key ('0'..'9'), or CONMUX_HOST when it is not one. */
u32 conmux_slot_of_key(u8 key);

/* One output byte of a guest whose line so far is buf[0..*len) (cap
 * bytes).  Returns what the caller does, in this order: CONMUX_EMIT_LINE,
 * print buf[0..*len) as a line with the guest's name and set *len to 0;
 * CONMUX_EMIT_RAW, write c to the terminal as it is. */
#define CONMUX_EMIT_LINE	BIT(0)
#define CONMUX_EMIT_RAW		BIT(1)
u32 conmux_output(char *buf, u32 *len, u32 cap, bool focused, char c);
#endif
