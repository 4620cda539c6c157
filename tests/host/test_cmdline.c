/* tests/host/test_cmdline.c - host tests for the command-line parser
 * (kernel/cmdline.c): option types, every kind of mistake and its message,
 * the tokenizer, number and CPU-list parsing. */
#include "tests/host/host_support.h"
#include <stdio.h>
#include <string.h>
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "sched/task_check.h"

/* A table like the kernel's own, reset before every test. */
static bool verbose, nested;
static u64 smp, mem, seed;
static char name[16];
static int console;
static const char *const consoles[] = { "serial", "vga", "both", NULL };

static const struct opt_desc opts[] = {
	{ .key = "verbose", .type = OPT_BOOL, .value = &verbose, .help = "log more" },
	{ .key = "nested", .type = OPT_BOOL, .value = &nested, .help = "expose SVM to guests" },
	{ .key = "smp", .type = OPT_U64, .value = &smp, .min = 1, .max = 256, .help = "CPUs to start" },
	{ .key = "mem", .type = OPT_U64, .value = &mem, .min = 0, .max = 0, .help = "memory limit" },
	{ .key = "seed", .type = OPT_U64, .value = &seed, .min = 1, .max = 0, .help = "random seed" },
	{ .key = "name", .type = OPT_STR, .value = name, .str_size = sizeof(name), .help = "host name" },
	{ .key = "console", .type = OPT_ENUM, .value = &console, .choices = consoles, .help = "where logs go" },
};

static int parse(const char *s)
{
	return cmdline_parse(s, opts, ARRAY_SIZE(opts));
}

static int setup(void **state)
{
	verbose = false;
	nested = true;
	smp = 4;
	mem = 0;
	seed = 7;
	strcpy(name, "svmhv");
	console = 0;
	host_log_reset();
	log_level_max = LOG_DEBUG;
	return 0;
}

/* --- cmdline_parse --- */

static void test_empty_input(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(parse("   \t  \t"), 0);
	assert_int_equal(smp, 4);
	assert_false(verbose);
	assert_string_equal(name, "svmhv");
	assert_int_equal(host_log_len, 0);
}

static void test_all_types(void **state)
{
	static const char line[] = "verbose smp=8 console=vga name=guest1 mem=16M nested=off";
	char copy[sizeof(line)];

	memcpy(copy, line, sizeof(line));
	assert_int_equal(parse(copy), 0);
	assert_memory_equal(copy, line, sizeof(line));	/* not modified */
	assert_true(verbose);
	assert_false(nested);
	assert_int_equal(smp, 8);
	assert_int_equal(console, 1);
	assert_string_equal(name, "guest1");
	assert_int_equal(mem, 16ULL << 20);
	assert_int_equal(host_log_len, 0);
}

static void test_bool_forms(void **state)
{
	static const struct { const char *s; bool v; } cases[] = {
		{ "verbose", true }, { "verbose=1", true }, { "verbose=0", false },
		{ "verbose=yes", true }, { "verbose=no", false }, { "verbose=on", true },
		{ "verbose=off", false }, { "verbose=true", true }, { "verbose=false", false },
		{ "verbose=ON", true }, { "verbose=False", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		verbose = !cases[i].v;
		assert_int_equal(parse(cases[i].s), 0);
		assert_int_equal(verbose, cases[i].v);
	}
	verbose = true;
	assert_int_equal(parse("verbose=maybe"), 1);
	assert_true(verbose);
	assert_true(host_log_contains("cmdline: verbose=maybe: expected on/off, yes/no, true/false or 1/0, keeping on\n"));
	host_log_reset();
	assert_int_equal(parse("verbose="), 1);
	assert_true(host_log_contains("cmdline: verbose=: expected on/off"));
}

static void test_numbers(void **state)
{
	assert_int_equal(parse("mem=0x10"), 0);
	assert_int_equal(mem, 16);
	assert_int_equal(parse("mem=0X1fK"), 0);
	assert_int_equal(mem, 0x1f << 10);
	assert_int_equal(parse("mem=2g"), 0);
	assert_int_equal(mem, 2ULL << 30);
	assert_int_equal(parse("mem=18446744073709551615"), 0);
	assert_int_equal(mem, ~0ULL);
	assert_int_equal(parse("mem=010"), 0);	/* decimal, never octal */
	assert_int_equal(mem, 10);
	assert_int_equal(host_log_len, 0);
}

static void test_number_errors(void **state)
{
	assert_int_equal(parse("smp=abc"), 1);
	assert_true(host_log_contains("cmdline: smp=abc: expected a number from 1 to 256, keeping 4\n"));
	assert_int_equal(parse("smp=0 smp=257 smp=-1 smp=0x smp=4x"), 5);
	assert_true(host_log_contains("cmdline: smp=0: expected a number from 1 to 256, keeping 4"));
	assert_true(host_log_contains("cmdline: smp=257: expected"));
	assert_true(host_log_contains("cmdline: smp=-1: expected"));
	assert_true(host_log_contains("cmdline: smp=0x: expected"));
	assert_int_equal(smp, 4);
	assert_int_equal(parse("smp=256 smp=1"), 0);
	assert_int_equal(smp, 1);

	host_log_reset();
	assert_int_equal(parse("mem=18446744073709551616 mem=17179869184G mem=0x10000000000000000"), 3);
	assert_true(host_log_contains("cmdline: mem=18446744073709551616: does not fit in 64 bits, expected a number, keeping 0"));
	assert_true(host_log_contains("cmdline: mem=17179869184G: does not fit in 64 bits"));
	assert_true(host_log_contains("cmdline: mem=0x10000000000000000: does not fit"));
	assert_int_equal(mem, 0);

	host_log_reset();
	assert_int_equal(parse("seed=0"), 1);
	assert_true(host_log_contains("cmdline: seed=0: expected a number of at least 1, keeping 7"));
}

static void test_missing_value(void **state)
{
	assert_int_equal(parse("smp name console"), 3);
	assert_true(host_log_contains("cmdline: smp: missing '=value', expected a number from 1 to 256, keeping 4"));
	assert_true(host_log_contains("cmdline: name: missing '=value', expected a string of at most 15 characters, keeping 'svmhv'"));
	assert_true(host_log_contains("cmdline: console: missing '=value', expected one of serial, vga, both, keeping serial"));
	assert_int_equal(smp, 4);
	assert_string_equal(name, "svmhv");
	assert_int_equal(console, 0);
}

static void test_unknown_and_nameless(void **state)
{
	assert_int_equal(parse("foo smp=2 bar=baz =x"), 3);
	assert_true(host_log_contains("cmdline: unknown option 'foo' (ignored)"));
	assert_true(host_log_contains("cmdline: unknown option 'bar' (ignored)"));
	assert_true(host_log_contains("cmdline: '=x' has no option name (ignored)"));
	assert_int_equal(smp, 2);
	/* a prefix of a known key is not that key */
	host_log_reset();
	assert_int_equal(parse("sm=3 smpx=3"), 2);
	assert_true(host_log_contains("unknown option 'sm'"));
	assert_int_equal(smp, 2);
}

static void test_enum(void **state)
{
	assert_int_equal(parse("console=both"), 0);
	assert_int_equal(console, 2);
	assert_int_equal(parse("console=VGA"), 1);	/* choices match exactly */
	assert_int_equal(console, 2);
	assert_true(host_log_contains("cmdline: console=VGA: expected one of serial, vga, both, keeping both"));
}

/* An enum option over the host-state check's field groups (the names
 * hostfault= takes; the kernel checks that one in svm/hoststate.c), one
 * per field VMLOAD restores; a bad one is named and ignored. */
static void test_hostfault_choices(void **state)
{
	static const char *const choices[] = { "none", HOST_GROUP_NAMES, NULL };
	static const char *const fields[] = { "fs", "gs", "tr", "ldtr", "kernel_gs_base", "star",
		"lstar", "cstar", "sfmask", "sysenter_cs", "sysenter_esp", "sysenter_eip" };
	int fault = 0;
	const struct opt_desc o[] = { { .key = "hostfault", .type = OPT_ENUM, .value = &fault,
					.choices = choices, .help = "negative control" } };
	char line[64];

	assert_int_equal(sizeof(fields) / sizeof(fields[0]), HG_COUNT);
	for (int i = 0; i < HG_COUNT; i++) {
		snprintf(line, sizeof(line), "hostfault=%s", fields[i]);
		assert_int_equal(cmdline_parse(line, o, 1), 0);
		assert_int_equal(fault, i + 1);
	}
	assert_int_equal(cmdline_parse("hostfault=none", o, 1), 0);
	assert_int_equal(fault, 0);
	assert_int_equal(cmdline_parse("hostfault=ldt", o, 1), 1);
	assert_int_equal(fault, 0);
	assert_true(host_log_contains("cmdline: hostfault=ldt: expected one of none, fs, gs, tr, ldtr"));
	assert_true(host_log_contains("keeping none"));
}

static void test_string_limits(void **state)
{
	assert_int_equal(parse("name=1234567890123456"), 1);	/* 16 characters do not fit */
	assert_string_equal(name, "svmhv");
	assert_true(host_log_contains("cmdline: name=1234567890123456: value is 16 characters, at most 15 fit, keeping 'svmhv'"));
	assert_int_equal(parse("name=123456789012345"), 0);
	assert_string_equal(name, "123456789012345");
	assert_int_equal(parse("name="), 0);	/* empty is a valid string */
	assert_string_equal(name, "");
	/* '=' after the first one belongs to the value */
	assert_int_equal(parse("name=a=b"), 0);
	assert_string_equal(name, "a=b");
}

static void test_separators(void **state)
{
	assert_int_equal(parse("\tverbose\t\tsmp=3  \t console=vga\n mem=1K\r\n"), 0);
	assert_true(verbose);
	assert_int_equal(smp, 3);
	assert_int_equal(console, 1);
	assert_int_equal(mem, 1024);
}

static void test_quotes(void **state)
{
	assert_int_equal(parse("name=\"my host\" smp=2 name='x'"), 3);
	assert_true(host_log_contains("cmdline: quotes are not supported, ignoring 'name=\"my'"));
	assert_true(host_log_contains("ignoring 'host\"'"));
	assert_true(host_log_contains("ignoring 'name='x''"));
	assert_string_equal(name, "svmhv");
	assert_int_equal(smp, 2);	/* tokens around them still apply */
}

static void test_later_wins(void **state)
{
	assert_int_equal(parse("smp=2 verbose smp=16 verbose=no"), 0);
	assert_int_equal(smp, 16);
	assert_false(verbose);
}

static void test_long_input(void **state)
{
	size_t n = 200000, i;
	char *s = malloc(n + 1);
	char expect[80];
	int problems;

	assert_non_null(s);
	/* a 100 KB unknown key, a 50 KB string value, then a valid option */
	memset(s, 'k', 100000);
	s[100000] = ' ';
	memcpy(s + 100001, "name=", 5);
	memset(s + 100006, 'v', 50000);
	s[150006] = ' ';
	for (i = 150007; i + 6 <= n; i += 6)
		memcpy(s + i, "smp=9 ", 6);
	memset(s + i, ' ', n - i);
	s[n] = '\0';

	problems = parse(s);
	assert_int_equal(problems, 2);
	assert_int_equal(smp, 9);
	assert_string_equal(name, "svmhv");
	/* messages show a bounded prefix of an over-long token */
	strcpy(expect, "unknown option '");
	memset(expect + 16, 'k', 44);
	strcpy(expect + 60, "...' (ignored)");
	assert_true(host_log_contains(expect));
	assert_true(host_log_contains("value is 50000 characters, at most 15 fit"));
	free(s);
}

static void test_help(void **state)
{
	cmdline_help(opts, ARRAY_SIZE(opts));
	assert_true(host_log_contains("smp=...: CPUs to start (a number from 1 to 256; now 4)"));
	assert_true(host_log_contains("verbose[=on|off]: log more"));
	assert_true(host_log_contains("console=...: where logs go (one of serial, vga, both; now serial)"));
}

/* --- kv_next --- */

static void test_kv_next(void **state)
{
	struct kv_iter it = { .p = "  guest name=hello\tmode=real mem=2  " };
	char k[8], v[8];
	bool hv, cut;

	assert_true(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_string_equal(k, "guest");
	assert_string_equal(v, "");
	assert_false(hv);
	assert_false(cut);
	assert_true(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_string_equal(k, "name");
	assert_string_equal(v, "hello");
	assert_true(hv);
	assert_true(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_string_equal(k, "mode");
	assert_true(kv_next(&it, k, sizeof(k), NULL, 0, NULL, NULL));
	assert_string_equal(k, "mem");
	assert_false(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_false(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));	/* stays done */

	it.p = "averylongkey=averylongvalue x=";
	assert_true(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_string_equal(k, "averylo");
	assert_string_equal(v, "averylo");
	assert_true(cut);
	assert_true(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_string_equal(k, "x");
	assert_true(hv);	/* "x=" has an empty value, unlike "x" */
	assert_string_equal(v, "");
	assert_false(cut);

	/* the edges: 7 characters fit in 8 bytes, 8 do not */
	it.p = "abcdefg=1234567 abcdefgh=12345678";
	assert_true(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_string_equal(k, "abcdefg");
	assert_string_equal(v, "1234567");
	assert_false(cut);
	assert_true(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
	assert_string_equal(k, "abcdefg");
	assert_string_equal(v, "1234567");
	assert_true(cut);

	it.p = NULL;
	assert_false(kv_next(&it, k, sizeof(k), v, sizeof(v), &hv, &cut));
}

/* --- parse_u64 --- */

static void test_parse_u64(void **state)
{
	static const struct { const char *s; int ret; u64 v; } cases[] = {
		{ "0", 0, 0 }, { "42", 0, 42 }, { "0x2A", 0, 42 }, { "0xdeadBEEF", 0, 0xdeadbeef },
		{ "4k", 0, 4096 }, { "4K", 0, 4096 }, { "3M", 0, 3 << 20 }, { "1G", 0, 1ULL << 30 },
		{ "0x10M", 0, 16ULL << 20 }, { "0xffffffffffffffff", 0, ~0ULL },
		{ "17179869183G", 0, 17179869183ULL << 30 },
		{ "", -EINVAL, 0 }, { "0x", -EINVAL, 0 }, { "K", -EINVAL, 0 }, { "0xK", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "1 ", -EINVAL, 0 },
		{ "12a", -EINVAL, 0 }, { "0xfz", -EINVAL, 0 }, { "0xfg", 0, 15ULL << 30 }, { "1KK", -EINVAL, 0 }, { "1T", -EINVAL, 0 },
		{ "18446744073709551616", -ERANGE, 0 }, { "0x1ffffffffffffffff", -ERANGE, 0 },
		{ "17179869184G", -ERANGE, 0 }, { "16777216T", -EINVAL, 0 },
		/* bad syntax beats overflow */
		{ "99999999999999999999999z", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 v = 0x1234;
		int ret = parse_u64(cases[i].s, &v);

		if (ret != cases[i].ret)
			fail_msg("parse_u64(\"%s\") returned %d, expected %d", cases[i].s, ret, cases[i].ret);
		assert_int_equal(v, ret ? 0x1234 : cases[i].v);	/* untouched on error */
	}
	assert_int_equal(parse_u64(NULL, &(u64){0}), -EINVAL);
}

/* --- parse_cpu_list --- */

static void test_cpu_list(void **state)
{
	u64 m[2];

	assert_int_equal(parse_cpu_list("0-3,5,7-8", m, 1), 0);
	assert_int_equal(m[0], 0x1af);
	assert_int_equal(parse_cpu_list("63", m, 1), 0);
	assert_int_equal(m[0], 1ULL << 63);
	assert_int_equal(parse_cpu_list("0-63", m, 1), 0);
	assert_int_equal(m[0], ~0ULL);
	assert_int_equal(parse_cpu_list("62-65,127,0x10", m, 2), 0);
	assert_int_equal(m[0], (3ULL << 62) | (1ULL << 16));
	assert_int_equal(m[1], 3ULL | (1ULL << 63));
	assert_int_equal(parse_cpu_list("4-4", m, 2), 0);	/* also clears what was there */
	assert_int_equal(m[0], 1ULL << 4);
	assert_int_equal(m[1], 0);
}

static void test_cpu_list_errors(void **state)
{
	static const char *const bad[] = {
		"", ",", "1,", ",1", "1,,2", "-", "-3", "3-", "3-1", "1-2-3", "a", "1 2",
		"64", "0-64", "1K", "99999999999999999999",
	};
	u64 m[1];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		m[0] = 0xabcd;
		if (parse_cpu_list(bad[i], m, 1) != -EINVAL)
			fail_msg("parse_cpu_list(\"%s\") accepted", bad[i]);
		assert_int_equal(m[0], 0xabcd);	/* untouched on error */
	}
	assert_int_equal(parse_cpu_list("1", m, 0), -EINVAL);
	assert_int_equal(parse_cpu_list(NULL, m, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty_input, setup),
		cmocka_unit_test_setup(test_hostfault_choices, setup),
		cmocka_unit_test_setup(test_all_types, setup),
		cmocka_unit_test_setup(test_bool_forms, setup),
		cmocka_unit_test_setup(test_numbers, setup),
		cmocka_unit_test_setup(test_number_errors, setup),
		cmocka_unit_test_setup(test_missing_value, setup),
		cmocka_unit_test_setup(test_unknown_and_nameless, setup),
		cmocka_unit_test_setup(test_enum, setup),
		cmocka_unit_test_setup(test_string_limits, setup),
		cmocka_unit_test_setup(test_separators, setup),
		cmocka_unit_test_setup(test_quotes, setup),
		cmocka_unit_test_setup(test_later_wins, setup),
		cmocka_unit_test_setup(test_long_input, setup),
		cmocka_unit_test_setup(test_help, setup),
		cmocka_unit_test_setup(test_kv_next, setup),
		cmocka_unit_test_setup(test_parse_u64, setup),
		cmocka_unit_test_setup(test_cpu_list, setup),
		cmocka_unit_test_setup(test_cpu_list_errors, setup),
	};

	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
