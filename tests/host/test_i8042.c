/* tests/host/test_i8042.c - vmm/dev/i8042_core.c: every way to reset
 * (0xfe, the other pulse commands with bit 0 clear, the output port written
 * with bit 0 clear) and the ones that must not (pulse commands with bit 0
 * set, 0xff), the status register, the command byte and output port read
 * back, the self tests, bytes for the absent keyboard dropped. */
#include "tests/host/host_support.h"
#include "vmm/dev/i8042_core.h"

static void test_reset_commands(void **state)
{
	struct i8042_core k;
	for (unsigned int cmd = 0xf0; cmd <= 0xff; cmd++) {
		i8042_core_init(&k);
		enum i8042_action want = cmd & 1 ? I8042_NONE : I8042_RESET;
		assert_int_equal(i8042_core_write_cmd(&k, (u8)cmd), want);
	}
	i8042_core_init(&k);
	assert_int_equal(i8042_core_write_cmd(&k, 0xfe), I8042_RESET);
	/* through the output port */
	i8042_core_init(&k);
	assert_int_equal(i8042_core_write_cmd(&k, I8042_CMD_WRITE_OUTPUT), I8042_NONE);
	assert_int_equal(i8042_core_write_data(&k, I8042_OUT_RESET | I8042_OUT_A20), I8042_NONE);
	assert_int_equal(i8042_core_write_cmd(&k, I8042_CMD_READ_OUTPUT), I8042_NONE);
	assert_int_equal(i8042_core_read_data(&k), I8042_OUT_RESET | I8042_OUT_A20);
	assert_int_equal(i8042_core_write_cmd(&k, I8042_CMD_WRITE_OUTPUT), I8042_NONE);
	assert_int_equal(i8042_core_write_data(&k, I8042_OUT_A20), I8042_RESET);
	/* no command pending: a 0x60 write is for the keyboard, no reset */
	i8042_core_init(&k);
	assert_int_equal(i8042_core_write_data(&k, 0), I8042_NONE);
	assert_int_equal(i8042_core_write_data(&k, 0xfe), I8042_NONE);
	/* a command in between cancels a pending output-port write */
	assert_int_equal(i8042_core_write_cmd(&k, I8042_CMD_WRITE_OUTPUT), I8042_NONE);
	assert_int_equal(i8042_core_write_cmd(&k, I8042_CMD_KBD_ENABLE), I8042_NONE);
	assert_int_equal(i8042_core_write_data(&k, 0), I8042_NONE);
}

static void test_status_and_bytes(void **state)
{
	struct i8042_core k;
	i8042_core_init(&k);
	assert_int_equal(i8042_core_status(&k), I8042_STR_SYS);	/* idle, self-tested */
	assert_int_equal(i8042_core_read_data(&k), 0);			/* harmless */
	i8042_core_write_cmd(&k, I8042_CMD_SELF_TEST);
	assert_int_equal(i8042_core_status(&k), I8042_STR_SYS | I8042_STR_CMD | I8042_STR_OBF);
	assert_int_equal(i8042_core_read_data(&k), I8042_SELF_TEST_OK);
	assert_int_equal(i8042_core_status(&k) & I8042_STR_OBF, 0);
	i8042_core_write_cmd(&k, I8042_CMD_KBD_TEST);
	assert_int_equal(i8042_core_read_data(&k), 0);
	i8042_core_write_cmd(&k, I8042_CMD_WRITE_CTR);
	i8042_core_write_data(&k, 0x65);
	assert_int_equal(i8042_core_status(&k) & I8042_STR_CMD, 0);
	i8042_core_write_cmd(&k, I8042_CMD_READ_CTR);
	assert_int_equal(i8042_core_read_data(&k), 0x65);
	i8042_core_write_cmd(&k, I8042_CMD_KBD_DISABLE);
	i8042_core_write_cmd(&k, I8042_CMD_READ_CTR);
	assert_int_equal(i8042_core_read_data(&k), 0x65 | I8042_CTR_KBDDIS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_commands),
		cmocka_unit_test(test_status_and_bytes),
	};
	return cmocka_run_group_tests_name("i8042", tests, NULL, NULL);
}
