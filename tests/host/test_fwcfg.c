/* tests/host/test_fwcfg.c - vmm/dev/fwcfg_core.c read the way guests read
 * it: a selector write, then byte reads (kvm-unit-tests' lib/x86/fwcfg.c
 * reads keys 0x05 and 0x03 so, little-endian).  Includes reads past every
 * item's end and of keys that do not exist, which must give zeros. */
#include "tests/host/host_support.h"
#include <stdio.h>
#include <string.h>
#include "vmm/dev/fwcfg_core.h"

static struct fwcfg_core fw;

static int setup(void **state)
{
	fwcfg_core_init(&fw, 0x40000000ULL, 3, 8);
	return 0;
}

/* n bytes of item `key`, as the guest sees them. */
static void rd(u16 key, u8 *out, size_t n)
{
	fwcfg_core_select(&fw, key);
	for (size_t i = 0; i < n; i++)
		out[i] = fwcfg_core_read(&fw);
}

static u64 rd_le(u16 key, unsigned int n)
{
	u8 b[8];
	u64 v = 0;

	rd(key, b, n);
	for (unsigned int i = 0; i < n; i++)
		v |= (u64)b[i] << (8 * i);
	return v;
}

static u32 be32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }

static void test_signature_and_id(void **state)
{
	u8 b[8];

	rd(FW_CFG_SIGNATURE, b, 4);
	assert_memory_equal(b, "QEMU", 4);
	/* Port interface, no DMA. */
	assert_int_equal(rd_le(FW_CFG_ID, 4), FW_CFG_ID_TRAD);
}

static void test_ram_and_cpus(void **state)
{
	assert_int_equal(rd_le(FW_CFG_RAM_SIZE, 8), 0x40000000ULL);
	assert_int_equal(rd_le(FW_CFG_NB_CPUS, 2), 3);
	assert_int_equal(rd_le(FW_CFG_MAX_CPUS, 2), 8);
}

static void test_reads_past_end_are_zero(void **state)
{
	u8 b[64];

	rd(FW_CFG_NB_CPUS, b, sizeof(b));
	assert_int_equal(b[0], 3);
	for (size_t i = 2; i < sizeof(b); i++)
		assert_int_equal(b[i], 0);
	/* A long flood never wraps back into the item. */
	for (u32 i = 0; i < 100000; i++)
		assert_int_equal(fwcfg_core_read(&fw), 0);
	rd(FW_CFG_SIGNATURE, b, 5);
	assert_int_equal(b[4], 0);
}

static void test_selector_rewinds(void **state)
{
	u8 b[4];

	fwcfg_core_select(&fw, FW_CFG_SIGNATURE);
	assert_int_equal(fwcfg_core_read(&fw), 'Q');
	assert_int_equal(fwcfg_core_read(&fw), 'E');
	rd(FW_CFG_SIGNATURE, b, 4);
	assert_memory_equal(b, "QEMU", 4);
}

static void test_bad_selectors_read_zero(void **state)
{
	static const u16 keys[] = { 0x02, 0x04, 0x06, 0x11, 0x18, 0x20, 0x3fff,
				    0x7fff, 0x8000, 0x8001, 0xffff };
	u8 b[16];

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		rd(keys[k], b, sizeof(b));
		for (size_t i = 0; i < sizeof(b); i++)
			assert_int_equal(b[i], 0);
	}
	/* Nothing selected yet after init reads zeros too. */
	setup(NULL);
	assert_int_equal(fwcfg_core_read(&fw), 0);
}

static void test_write_channel_bit_and_data_writes(void **state)
{
	/* The write bit selects the same item for reading. */
	assert_int_equal(rd_le(FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS, 2), 3);
	fwcfg_core_select(&fw, FW_CFG_NB_CPUS);
	fwcfg_core_write(&fw, 0x55);		/* no effect */
	assert_int_equal(fwcfg_core_read(&fw), 3);
	assert_int_equal(rd_le(FW_CFG_NB_CPUS, 2), 3);
}

static void test_empty_file_dir(void **state)
{
	u8 b[8];

	rd(FW_CFG_FILE_DIR, b, sizeof(b));
	assert_int_equal(be32(b), 0);
	assert_int_equal(be32(b + 4), 0);	/* past the end */
}

static void test_file_dir_and_files(void **state)
{
	static const u8 env[] = "NR_CPUS=2\n";
	static const u8 other[3] = { 1, 2, 3 };
	u8 dir[4 + 2 * 64 + 4];
	u8 b[16];
	int k1, k2;

	k1 = fwcfg_core_add_file(&fw, "etc/env", env, sizeof(env) - 1);
	k2 = fwcfg_core_add_file(&fw, "opt/x", other, sizeof(other));
	assert_int_equal(k1, FW_CFG_FILE_FIRST);
	assert_int_equal(k2, FW_CFG_FILE_FIRST + 1);
	rd(FW_CFG_FILE_DIR, dir, sizeof(dir));
	assert_int_equal(be32(dir), 2);
	assert_int_equal(be32(dir + 4), sizeof(env) - 1);	/* size */
	assert_int_equal(dir[8] << 8 | dir[9], k1);		/* select */
	assert_int_equal(dir[10] | dir[11], 0);			/* reserved */
	assert_string_equal((const char *)dir + 12, "etc/env");
	assert_int_equal(be32(dir + 68), 3);
	assert_int_equal(dir[72] << 8 | dir[73], k2);
	assert_string_equal((const char *)dir + 76, "opt/x");
	assert_int_equal(be32(dir + 132), 0);			/* past the end */

	rd((u16)k1, b, sizeof(b));
	assert_memory_equal(b, env, sizeof(env) - 1);
	assert_int_equal(b[sizeof(env) - 1], 0);
	rd((u16)k2, b, 4);
	assert_memory_equal(b, other, 3);
	assert_int_equal(b[3], 0);
	/* The next key has no file behind it. */
	rd((u16)(k2 + 1), b, 4);
	assert_int_equal(be32(b), 0);
}

static void test_add_file_refusals(void **state)
{
	char name[FW_CFG_MAX_FILE_PATH + 1];
	char n[16];

	memset(name, 'a', sizeof(name));
	name[FW_CFG_MAX_FILE_PATH] = '\0';
	assert_int_equal(fwcfg_core_add_file(&fw, name, "x", 1), -EINVAL);	/* 56 chars */
	name[FW_CFG_MAX_FILE_PATH - 1] = '\0';
	assert_int_equal(fwcfg_core_add_file(&fw, name, "x", 1), FW_CFG_FILE_FIRST);
	assert_int_equal(fwcfg_core_add_file(&fw, name, "x", 1), -EINVAL);	/* duplicate */
	assert_int_equal(fwcfg_core_add_file(&fw, "", "x", 1), -EINVAL);
	assert_int_equal(fwcfg_core_add_file(&fw, NULL, "x", 1), -EINVAL);
	assert_int_equal(fwcfg_core_add_file(&fw, "nul", NULL, 1), -EINVAL);
	for (int i = 1; i < FWCFG_MAX_FILES; i++) {
		snprintf(n, sizeof(n), "f%d", i);
		assert_int_equal(fwcfg_core_add_file(&fw, n, NULL, 0), FW_CFG_FILE_FIRST + i);
	}
	assert_int_equal(fwcfg_core_add_file(&fw, "full", "x", 1), -ENOSPC);
	assert_int_equal(rd_le(FW_CFG_FILE_DIR, 4), 0x10000000u);	/* BE 16 read LE */
	/* An empty file reads as zeros from its first byte. */
	assert_int_equal(rd_le(FW_CFG_FILE_FIRST + 1, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_signature_and_id, setup),
		cmocka_unit_test_setup(test_ram_and_cpus, setup),
		cmocka_unit_test_setup(test_reads_past_end_are_zero, setup),
		cmocka_unit_test_setup(test_selector_rewinds, setup),
		cmocka_unit_test_setup(test_bad_selectors_read_zero, setup),
		cmocka_unit_test_setup(test_write_channel_bit_and_data_writes, setup),
		cmocka_unit_test_setup(test_empty_file_dir, setup),
		cmocka_unit_test_setup(test_file_dir_and_files, setup),
		cmocka_unit_test_setup(test_add_file_refusals, setup),
	};

	return cmocka_run_group_tests_name("fwcfg", tests, NULL, NULL);
}
