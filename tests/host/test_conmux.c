/* tests/host/test_conmux.c - vmm/conmux.c on the host: the three-Ctrl-A
 * escape and what happens to Ctrl-As that stop short of it, the focus
 * cycle through live guests and svmhv, svmhv's command keys with the
 * two-key stop, and the raw-or-line choice for a guest's output bytes. */
#include "tests/host/host_support.h"
#include <string.h>
#include "vmm/conmux.h"

#define A CONMUX_ESC

static struct conmux m;
static struct conmux_out o;

static void feed(u8 c, const bool *alive, u32 n)
{
	conmux_input(&m, c, alive, n, &o);
}

static void three_ctrl_a_switch_and_only_three(void **state)
{
	bool alive[2] = { true, true };
	conmux_init(&m, CONMUX_HOST);
	feed(A, alive, 2);
	assert_int_equal(o.act, CONMUX_NONE);
	feed(A, alive, 2);
	assert_int_equal(o.act, CONMUX_NONE);
	assert_int_equal(m.focus, CONMUX_HOST);
	feed(A, alive, 2);
	assert_int_equal(o.act, CONMUX_SWITCHED);
	assert_int_equal(o.focus, 0);
	assert_int_equal(m.focus, 0);
	/* The run starts again: two more are not a switch. */
	feed(A, alive, 2);
	feed(A, alive, 2);
	assert_int_equal(o.act, CONMUX_NONE);
	assert_int_equal(m.focus, 0);
	feed(A, alive, 2);
	assert_int_equal(o.act, CONMUX_SWITCHED);
	assert_int_equal(m.focus, 1);
}

static void short_runs_reach_the_guest_in_front_of_the_next_byte(void **state)
{
	bool alive[1] = { true };
	conmux_init(&m, 0);
	feed('a', alive, 1);
	assert_int_equal(o.act, CONMUX_TO_GUEST);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.bytes[0], 'a');
	feed(A, alive, 1);
	feed(A, alive, 1);
	assert_int_equal(o.act, CONMUX_NONE);
	feed('b', alive, 1);
	assert_int_equal(o.act, CONMUX_TO_GUEST);
	assert_int_equal(o.n, 3);
	assert_memory_equal(o.bytes, ((u8[]){ A, A, 'b' }), 3);
	/* A byte between Ctrl-As breaks the run: A b A A is no switch. */
	feed(A, alive, 1);
	feed('c', alive, 1);
	feed(A, alive, 1);
	feed(A, alive, 1);
	assert_int_equal(o.act, CONMUX_NONE);
	assert_int_equal(m.focus, 0);
	feed('\r', alive, 1);
	assert_int_equal(o.act, CONMUX_TO_GUEST);
	assert_memory_equal(o.bytes, ((u8[]){ A, A, '\r' }), 3);
}

static void focus_cycles_through_live_guests_then_svmhv(void **state)
{
	bool alive[4] = { true, false, true, false };
	assert_int_equal(conmux_next_focus(CONMUX_HOST, alive, 4), 0);
	assert_int_equal(conmux_next_focus(0, alive, 4), 2);
	assert_int_equal(conmux_next_focus(2, alive, 4), CONMUX_HOST);
	/* A focus past the slots counts as svmhv's. */
	assert_int_equal(conmux_next_focus(7, alive, 4), 0);
	bool none[2] = { false, false };
	assert_int_equal(conmux_next_focus(CONMUX_HOST, none, 2), CONMUX_HOST);
	assert_int_equal(conmux_next_focus(CONMUX_HOST, none, 0), CONMUX_HOST);

	conmux_init(&m, CONMUX_HOST);
	u32 seen[5];
	for (int i = 0; i < 5; i++) {
		feed(A, alive, 4);
		feed(A, alive, 4);
		feed(A, alive, 4);
		assert_int_equal(o.act, CONMUX_SWITCHED);
		seen[i] = o.focus;
	}
	assert_memory_equal(seen, ((u32[]){ 0, 2, CONMUX_HOST, 0, 2 }), sizeof(seen));
}

static void a_stopped_guest_loses_the_focus(void **state)
{
	bool alive[2] = { true, true };
	conmux_init(&m, 1);
	feed('z', alive, 2);
	assert_int_equal(o.act, CONMUX_TO_GUEST);
	assert_int_equal(o.focus, 1);
	alive[1] = false;
	feed('r', alive, 2);
	assert_int_equal(o.focus, CONMUX_HOST);
	assert_int_equal(o.act, CONMUX_KEY);
	assert_int_equal(o.key, 'r');
	/* The same when its slot is gone altogether. */
	conmux_init(&m, 5);
	feed('l', alive, 2);
	assert_int_equal(o.focus, CONMUX_HOST);
	assert_int_equal(o.act, CONMUX_KEY);
}

static void svmhv_keys_and_the_two_key_stop(void **state)
{
	bool alive[3] = { true, true, true };
	conmux_init(&m, CONMUX_HOST);
	feed('r', alive, 3);
	assert_int_equal(o.act, CONMUX_KEY);
	assert_int_equal(o.key, 'r');
	assert_int_equal(o.cmd, 0);
	/* Line ends and Ctrl-As short of three mean nothing to svmhv. */
	feed('\r', alive, 3);
	assert_int_equal(o.act, CONMUX_NONE);
	feed('\n', alive, 3);
	assert_int_equal(o.act, CONMUX_NONE);
	feed(A, alive, 3);
	feed('e', alive, 3);
	assert_int_equal(o.act, CONMUX_KEY);
	assert_int_equal(o.key, 'e');
	/* x, then the slot. */
	feed('x', alive, 3);
	assert_int_equal(o.act, CONMUX_KEY);
	assert_int_equal(o.key, 'x');
	assert_int_equal(o.cmd, 0);
	feed('2', alive, 3);
	assert_int_equal(o.act, CONMUX_KEY);
	assert_int_equal(o.key, '2');
	assert_int_equal(o.cmd, CONMUX_KEY_STOP);
	assert_int_equal(conmux_slot_of_key(o.key), 2);
	/* The argument is taken once: the next key is a key again. */
	feed('2', alive, 3);
	assert_int_equal(o.cmd, 0);
	/* x x: the second x is the argument (not a slot), not a new x. */
	feed('x', alive, 3);
	feed('x', alive, 3);
	assert_int_equal(o.cmd, CONMUX_KEY_STOP);
	assert_int_equal(conmux_slot_of_key(o.key), CONMUX_HOST);
	feed('x', alive, 3);
	assert_int_equal(o.cmd, 0);
	/* A switch forgets a pending x. */
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	assert_int_equal(o.act, CONMUX_SWITCHED);
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	feed(A, alive, 3);
	assert_int_equal(o.focus, CONMUX_HOST);
	feed('1', alive, 3);
	assert_int_equal(o.act, CONMUX_KEY);
	assert_int_equal(o.cmd, 0);
	assert_int_equal(conmux_slot_of_key('0'), 0);
	assert_int_equal(conmux_slot_of_key('9'), 9);
	assert_int_equal(conmux_slot_of_key('a'), CONMUX_HOST);
}

static void focused_output_is_raw_and_first_flushes_the_gathered_line(void **state)
{
	char buf[8];
	u32 len = 0;
	const char *seq = "ab\r\b\x1b[K\n";
	for (const char *p = seq; *p; p++)
		assert_int_equal(conmux_output(buf, &len, sizeof(buf), true, *p), CONMUX_EMIT_RAW);
	assert_int_equal(len, 0);
	/* Text gathered before the focus came: out first, as a line. */
	assert_int_equal(conmux_output(buf, &len, sizeof(buf), false, 'q'), 0);
	assert_int_equal(len, 1);
	assert_int_equal(conmux_output(buf, &len, sizeof(buf), true, '\r'),
			 CONMUX_EMIT_LINE | CONMUX_EMIT_RAW);
}

static void other_output_is_filtered_into_lines(void **state)
{
	char buf[12];
	u32 len = 0;
	const char *seq = "ab\rc\x1b[K\x7f\xe9";
	for (const char *p = seq; *p; p++)
		assert_int_equal(conmux_output(buf, &len, sizeof(buf), false, *p), 0);
	/* The carriage return dropped, control and non-ASCII bytes as '.'. */
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "abc.[K..", 8);
	assert_int_equal(conmux_output(buf, &len, sizeof(buf), false, '\n'), CONMUX_EMIT_LINE);
	len = 0;
	/* An empty line prints nothing; a full buffer is a line. */
	assert_int_equal(conmux_output(buf, &len, sizeof(buf), false, '\n'), 0);
	for (int i = 0; i < 11; i++)
		assert_int_equal(conmux_output(buf, &len, sizeof(buf), false, 'x'), 0);
	assert_int_equal(conmux_output(buf, &len, sizeof(buf), false, 'y'), CONMUX_EMIT_LINE);
	assert_int_equal(len, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_ctrl_a_switch_and_only_three),
		cmocka_unit_test(short_runs_reach_the_guest_in_front_of_the_next_byte),
		cmocka_unit_test(focus_cycles_through_live_guests_then_svmhv),
		cmocka_unit_test(a_stopped_guest_loses_the_focus),
		cmocka_unit_test(svmhv_keys_and_the_two_key_stop),
		cmocka_unit_test(focused_output_is_raw_and_first_flushes_the_gathered_line),
		cmocka_unit_test(other_output_is_filtered_into_lines),
	};
	return cmocka_run_group_tests_name("conmux", tests, NULL, NULL);
}
