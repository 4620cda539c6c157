/* vmm/conmux.c - the console multiplexer's pure logic (vmm/conmux.h):
 * the Ctrl-A escape, the focus cycle, command keys, and the raw-or-line
 * choice for a guest's output.  No locks, no I/O: vmm/console.c calls it
 * under its lock and does what it returns. */
#include "vmm/conmux.h"

void conmux_init(struct conmux *m, u32 focus)
{
	*m = (struct conmux){ .focus = focus };
}

u32 conmux_next_focus(u32 focus, const bool *alive, u32 nslots)
{
	u32 from = focus >= nslots ? 0 : focus + 1;
	for (u32 i = from; i < nslots; i++)
		if (alive[i])
			return i;
	/* Past the last live guest (or none alive): svmhv. */
	return CONMUX_HOST;
}

u32 conmux_slot_of_key(u8 key)
{
	return key >= '0' && key <= '9' ? (u32)(key - '0') : CONMUX_HOST;
}

void conmux_input(struct conmux *m, u8 c, const bool *alive, u32 nslots, struct conmux_out *out)
{
	*out = (struct conmux_out){ .act = CONMUX_NONE };
	/* A guest that went away takes the focus with it. */
	if (m->focus != CONMUX_HOST && (m->focus >= nslots || !alive[m->focus]))
		m->focus = CONMUX_HOST;
	if (c == CONMUX_ESC) {
		if (++m->esc_run < CONMUX_ESC_COUNT) {
			out->focus = m->focus;
			return;
		}
		m->esc_run = 0;
		m->pending = 0;
		m->focus = conmux_next_focus(m->focus, alive, nslots);
		out->act = CONMUX_SWITCHED;
		out->focus = m->focus;
		return;
	}
	u32 held = m->esc_run;
	m->esc_run = 0;
	out->focus = m->focus;
	if (m->focus != CONMUX_HOST) {
		/* The Ctrl-As held back were the guest's after all. */
		for (u32 i = 0; i < held; i++)
			out->bytes[out->n++] = CONMUX_ESC;
		out->bytes[out->n++] = c;
		out->act = CONMUX_TO_GUEST;
		return;
	}
	/* svmhv's console: line ends and held Ctrl-As mean nothing there. */
	if (c == '\r' || c == '\n')
		return;
	out->act = CONMUX_KEY;
	out->key = c;
	out->cmd = m->pending;
	m->pending = 0;
	if (!out->cmd && c == CONMUX_KEY_STOP)
		m->pending = c;
}

u32 conmux_output(char *buf, u32 *len, u32 cap, bool focused, char c)
{
	u32 what = 0;
	if (focused) {
		/* Text gathered before the guest got the focus goes first, as
		 * the line it was, so nothing is lost or reordered. */
		if (*len)
			what |= CONMUX_EMIT_LINE;
		return what | CONMUX_EMIT_RAW;
	}
	if (c == '\n')
		return *len ? CONMUX_EMIT_LINE : 0;
	if (c == '\r')
		return 0;
	if ((u8)c < 0x20 || (u8)c > 0x7e)
		c = '.';
	buf[(*len)++] = c;
	return *len >= cap ? CONMUX_EMIT_LINE : 0;
}
