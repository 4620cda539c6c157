/* tests/host/test_guest_cfg_parse.c - host unit tests for the guest module
 * strings (vmm/loader/cfg.c): defaults, every key, every refusal and its
 * message, output left alone on error, the mode and platform chosen from
 * the image kind, and "attach" lines.  Images are in test_guest_cfg_image.c. */
#include "tests/host/guest_cfg_fixtures.h"

/* ---- module strings ---- */

static struct guest_cfg parse_ok(const char *s)
{
	struct guest_cfg c;

	host_log_reset();
	assert_int_equal(guest_cfg_parse(s, &c), 0);
	return c;
}

/* Refused, with a message containing `needle`, and *out untouched. */
static void parse_bad(const char *s, const char *needle)
{
	struct guest_cfg c, before;

	memset(&c, 0xa5, sizeof(c));
	before = c;
	host_log_reset();
	assert_int_equal(guest_cfg_parse(s, &c), -EINVAL);
	assert_memory_equal(&c, &before, sizeof(c));
	if (!host_log_contains(needle)) {
		fprintf(stderr, "message for '%s' lacks '%s':\n%s", s, needle, host_log);
		fail();
	}
}

static void test_defaults(void **state)
{
	struct guest_cfg c = parse_ok("guest");

	assert_string_equal(c.name, "");
	assert_int_equal(c.mem_mib, GUEST_MEM_DEFAULT_MIB);
	assert_int_equal(c.mem_mib, 16);
	assert_int_equal(c.mode, GUEST_MODE_UNSET);
	assert_int_equal(c.vcpus, 1);
	assert_false(c.has_cpus);
	for (int i = 0; i < GUEST_CPU_WORDS; i++)
		assert_int_equal(c.cpus_mask[i], 0);
	assert_int_equal(c.timeout_ms, 0);
	assert_int_equal(c.expect, GUEST_EXPECT_NONE);
	assert_int_equal(c.expect_status, 0);
	assert_int_equal(guest_cfg_ram_bytes(&c), 16 * MiB);
}

static void test_every_key(void **state)
{
	struct guest_cfg c = parse_ok("guest name=Hello_world-2 mem=2 mode=prot vcpus=4 "
				      "cpus=0-3,200 timeout=1500 expect=exit:3");

	assert_string_equal(c.name, "Hello_world-2");
	assert_int_equal(c.mem_mib, 2);
	assert_int_equal(guest_cfg_ram_bytes(&c), 2 * MiB);
	assert_int_equal(c.mode, GUEST_MODE_PROT);
	assert_int_equal(c.vcpus, 4);
	assert_true(c.has_cpus);
	assert_int_equal(c.cpus_mask[0], 0xf);
	assert_int_equal(c.cpus_mask[1], 0);
	assert_int_equal(c.cpus_mask[2], 0);
	assert_int_equal(c.cpus_mask[3], 1ULL << (200 - 192));
	assert_int_equal(c.timeout_ms, 1500);
	assert_int_equal(c.expect, GUEST_EXPECT_EXIT);
	assert_int_equal(c.expect_status, 3);
}

static void test_whitespace_and_order(void **state)
{
	struct guest_cfg c = parse_ok("  guest\tmode=long\n\nname=x  mem=0x20 ");

	assert_string_equal(c.name, "x");
	assert_int_equal(c.mode, GUEST_MODE_LONG);
	assert_int_equal(c.mem_mib, 32);
}

static void test_modes(void **state)
{
	assert_int_equal(parse_ok("guest mode=real").mode, GUEST_MODE_REAL);
	assert_int_equal(parse_ok("guest mode=prot").mode, GUEST_MODE_PROT);
	assert_int_equal(parse_ok("guest mode=long").mode, GUEST_MODE_LONG);
	parse_bad("guest mode=Real", "mode=Real");
	parse_bad("guest mode=protected", "want real, prot or long");
	parse_bad("guest mode=unset", "mode=unset");
	assert_string_equal(guest_mode_name(GUEST_MODE_LONG), "long");
	assert_string_equal(guest_mode_name((enum guest_mode)42), "?");
}

static void test_expect(void **state)
{
	struct guest_cfg c;

	assert_int_equal(parse_ok("guest expect=shutdown").expect, GUEST_EXPECT_SHUTDOWN);
	assert_int_equal(parse_ok("guest expect=npf").expect, GUEST_EXPECT_NPF);
	assert_int_equal(parse_ok("guest expect=timeout").expect, GUEST_EXPECT_TIMEOUT);
	assert_int_equal(parse_ok("guest expect=invalid").expect, GUEST_EXPECT_INVALID);
	assert_int_equal(parse_ok("guest expect=reset").expect, GUEST_EXPECT_RESET);
	assert_int_equal(parse_ok("guest expect=poweroff").expect, GUEST_EXPECT_POWEROFF);
	assert_string_equal(guest_expect_name(GUEST_EXPECT_POWEROFF), "poweroff");

	c = parse_ok("guest expect=exit:0");
	assert_int_equal(c.expect, GUEST_EXPECT_EXIT);
	assert_int_equal(c.expect_status, 0);
	assert_int_equal(parse_ok("guest expect=exit:-1").expect_status, -1);
	assert_int_equal(parse_ok("guest expect=exit:0x10").expect_status, 16);
	assert_true(parse_ok("guest expect=exit:9223372036854775807").expect_status == INT64_MAX);
	assert_true(parse_ok("guest expect=exit:-9223372036854775808").expect_status == INT64_MIN);

	parse_bad("guest expect=exit", "want exit:N, shutdown");
	parse_bad("guest expect=exit:", "expect=exit:");
	parse_bad("guest expect=exit:-", "signed 64-bit");
	parse_bad("guest expect=exit:--1", "signed 64-bit");
	parse_bad("guest expect=exit:abc", "expect=exit:abc");
	parse_bad("guest expect=exit:9223372036854775808", "signed 64-bit");
	parse_bad("guest expect=exit:-9223372036854775809", "signed 64-bit");
	parse_bad("guest expect=exit:1G", "signed 64-bit");
	parse_bad("guest expect=crash", "expect=crash");
	parse_bad("guest expect=none", "expect=none");
	assert_string_equal(guest_expect_name(GUEST_EXPECT_NPF), "npf");
}

static void test_platform_key(void **state)
{
	assert_int_equal(parse_ok("guest").platform, GUEST_PLATFORM_UNSET);
	assert_int_equal(parse_ok("guest platform=bare").platform, GUEST_PLATFORM_BARE);
	assert_int_equal(parse_ok("guest platform=pc").platform, GUEST_PLATFORM_PC);
	parse_bad("guest platform=amiga", "want bare or pc");
	parse_bad("guest platform=pc platform=pc", "given twice");
}

static void test_x2apic_key(void **state)
{
	(void)state;
	assert_false(parse_ok("guest").no_x2apic);
	assert_false(parse_ok("guest x2apic=on").no_x2apic);
	assert_true(parse_ok("guest x2apic=off").no_x2apic);
	parse_bad("guest x2apic=maybe", "want on or off");
	parse_bad("guest x2apic=off x2apic=on", "given twice");
}

static void test_stamp_key(void **state)
{
	(void)state;
	assert_false(parse_ok("guest").stamp);
	assert_true(parse_ok("guest stamp=on").stamp);
	assert_false(parse_ok("guest stamp=off").stamp);
	parse_bad("guest stamp=yes", "want on or off");
}

static void test_com1_rate_key(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("guest").com1_rate, 11520);
	assert_int_equal(parse_ok("guest com1_rate=1").com1_rate, 1);
	assert_int_equal(parse_ok("guest com1_rate=1048576").com1_rate, 1048576);
	parse_bad("guest com1_rate=0", "1..1048576");
	parse_bad("guest com1_rate=1048577", "1..1048576");
	parse_bad("guest com1_rate=fast", "com1_rate");
}

static void test_is_guest(void **state)
{
	assert_true(guest_cfg_is_guest("guest"));
	assert_true(guest_cfg_is_guest("  guest name=a"));
	assert_false(guest_cfg_is_guest(NULL));
	assert_false(guest_cfg_is_guest(""));
	assert_false(guest_cfg_is_guest("   "));
	assert_false(guest_cfg_is_guest("guests"));
	assert_false(guest_cfg_is_guest("guest=1"));
	assert_false(guest_cfg_is_guest("initrd guest"));
	assert_false(guest_cfg_is_guest("Guest"));

	parse_bad(NULL, "does not start with the word 'guest'");
	parse_bad("", "does not start with the word 'guest'");
	parse_bad("kernel name=x", "'kernel name=x'");
	host_log_reset();
	assert_int_equal(guest_cfg_parse("guest", NULL), -EINVAL);
}

static void test_unknown_and_malformed_keys(void **state)
{
	parse_bad("guest memory=4", "unknown key 'memory'");
	parse_bad("guest name=a colour=red", "unknown key 'colour'");
	parse_bad("guest =5", "unknown key ''");
	parse_bad("guest averyveryverylongkeyname=1", "unknown key 'averyveryverylo...'");
	parse_bad("guest mem", "mem needs a value");
	parse_bad("guest mem=", "mem needs a value");
	parse_bad("guest mem=2 mem=4", "mem given twice");
	parse_bad("guest name=a name=a", "name given twice");
	parse_bad("guest guest", "unknown key 'guest'");
}

static void test_name(void **state)
{
	char s[128];

	assert_string_equal(parse_ok("guest name=a").name, "a");
	assert_string_equal(parse_ok("guest name=0-9_AZaz").name, "0-9_AZaz");
	/* 31 characters fit, 32 do not. */
	snprintf(s, sizeof(s), "guest name=%s", "abcdefghijklmnopqrstuvwxyz01234");
	assert_string_equal(parse_ok(s).name, "abcdefghijklmnopqrstuvwxyz01234");
	snprintf(s, sizeof(s), "guest name=%s", "abcdefghijklmnopqrstuvwxyz012345");
	parse_bad(s, "want 1 to 31 characters");
	parse_bad("guest name=a.b", "character '.' not allowed");
	parse_bad("guest name=a/b", "character '/' not allowed");
	parse_bad("guest name=\"a\"", "not allowed");
	/* Longer than the parser's value buffer. */
	memset(s, 'x', sizeof(s));
	memcpy(s, "guest name=", 11);
	s[sizeof(s) - 1] = '\0';
	parse_bad(s, "value too long");
}

static void test_numbers(void **state)
{
	assert_int_equal(parse_ok("guest mem=1").mem_mib, 1);
	assert_int_equal(parse_ok("guest mem=4096").mem_mib, 4096);
	parse_bad("guest mem=0", "mem=0: want MiB in 1..4096");
	parse_bad("guest mem=4097", "mem=4097: want MiB in 1..4096");
	parse_bad("guest mem=16M", "mem=16M: not a number");	/* no K/M/G suffixes */
	parse_bad("guest mem=1k", "mem=1k: not a number");
	parse_bad("guest mem=abc", "mem=abc: not a number");
	parse_bad("guest mem=-1", "mem=-1: not a number");
	parse_bad("guest mem=99999999999999999999999", "too large");

	assert_int_equal(parse_ok("guest vcpus=1").vcpus, 1);
	assert_int_equal(parse_ok("guest vcpus=64").vcpus, 64);
	parse_bad("guest vcpus=0", "vcpus=0: want 1..64");
	parse_bad("guest vcpus=65", "vcpus=65: want 1..64");
	parse_bad("guest vcpus=4294967297", "vcpus=4294967297");

	assert_int_equal(parse_ok("guest timeout=0").timeout_ms, 0);
	assert_int_equal(parse_ok("guest timeout=0x10").timeout_ms, 16);
	parse_bad("guest timeout=1K", "timeout=1K: not a number");
	assert_true(parse_ok("guest timeout=18446744073709551615").timeout_ms == UINT64_MAX);
	parse_bad("guest timeout=5s", "timeout=5s: not a number, want milliseconds");
}

static void test_cpus(void **state)
{
	struct guest_cfg c = parse_ok("guest cpus=5");

	assert_true(c.has_cpus);
	assert_int_equal(c.cpus_mask[0], 1 << 5);
	c = parse_ok("guest cpus=0-255");
	for (int i = 0; i < GUEST_CPU_WORDS; i++)
		assert_true(c.cpus_mask[i] == ~0ULL);
	parse_bad("guest cpus=256", "cpus=256: want a CPU list");
	parse_bad("guest cpus=3-1", "cpus=3-1");
	parse_bad("guest cpus=1,,2", "cpus=1,,2");
	parse_bad("guest cpus=a", "CPUs 0..255");
}

static void test_set_mode(void **state)
{
	struct guest_cfg c = parse_ok("guest name=m");

	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_FLAT), 0);
	assert_int_equal(c.mode, GUEST_MODE_REAL);
	c = parse_ok("guest name=m");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_ELF32), 0);
	assert_int_equal(c.mode, GUEST_MODE_PROT);
	c = parse_ok("guest name=m mode=long");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_ELF64), 0);
	assert_int_equal(c.mode, GUEST_MODE_LONG);

	c = parse_ok("guest name=m mode=long");
	host_log_reset();
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_ELF32), -EINVAL);
	assert_true(host_log_contains("mode=long but the image is ELF32"));
	c = parse_ok("guest name=m mode=prot");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_FLAT), -EINVAL);
	assert_true(host_log_contains("flat binary"));
	c = parse_ok("guest name=m mode=real");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_ELF64), -EINVAL);
	assert_int_equal(guest_cfg_set_mode(&c, (enum guest_image_kind)9), -EINVAL);
}

/* After a lone "--" everything is the guest's command line: never keys,
 * bounded, leading blanks dropped, inner ones kept. */
static void test_cmdline(void **state)
{
	char s[GUEST_CMDLINE_MAX + 64];
	struct guest_cfg c;

	assert_string_equal(parse_ok("guest name=a").cmdline, "");
	c = parse_ok("guest name=apic vcpus=2 -- foo bar");
	assert_string_equal(c.name, "apic");
	assert_int_equal(c.vcpus, 2);
	assert_string_equal(c.cmdline, "foo bar");
	/* Keys after "--" belong to the guest, even repeated or unknown. */
	c = parse_ok("guest mem=2 -- mem=4 name=x colour=red  --  x");
	assert_int_equal(c.mem_mib, 2);
	assert_string_equal(c.name, "");
	assert_string_equal(c.cmdline, "mem=4 name=x colour=red  --  x");
	assert_string_equal(parse_ok("guest --").cmdline, "");
	assert_string_equal(parse_ok("guest --   ").cmdline, "");
	assert_string_equal(parse_ok("guest\t--\targ").cmdline, "arg");
	/* Only a lone "--" splits. */
	parse_bad("guest --x", "unknown key '--x'");
	parse_bad("guest --=1", "unknown key '--'");
	parse_bad("guest name=a-- b", "unknown key 'b'");

	/* GUEST_CMDLINE_MAX characters fit, one more does not. */
	memset(s, 0, sizeof(s));
	strcpy(s, "guest name=long -- ");
	memset(s + strlen(s), 'x', GUEST_CMDLINE_MAX);
	c = parse_ok(s);
	assert_int_equal(strlen(c.cmdline), GUEST_CMDLINE_MAX);
	s[strlen(s)] = 'y';
	parse_bad(s, "at most 512");
}

static void test_platform_from_image(void **state)
{
	struct guest_cfg c = parse_ok("guest");

	assert_int_equal(c.platform, GUEST_PLATFORM_UNSET);
	assert_int_equal(parse_ok("guest platform=bare").platform, GUEST_PLATFORM_BARE);
	assert_int_equal(parse_ok("guest platform=pc").platform, GUEST_PLATFORM_PC);
	parse_bad("guest platform=PC", "platform=PC: want bare or pc");
	parse_bad("guest platform=unset", "want bare or pc");
	parse_bad("guest platform=", "platform needs a value");
	parse_bad("guest platform=pc platform=pc", "platform given twice");
	assert_string_equal(guest_platform_name(GUEST_PLATFORM_PC), "pc");
	assert_string_equal(guest_platform_name((enum guest_platform)7), "?");

	/* The image decides when platform= is not given ... */
	c = parse_ok("guest");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_MB1), 0);
	assert_int_equal(c.mode, GUEST_MODE_PROT);
	assert_int_equal(c.platform, GUEST_PLATFORM_PC);
	c = parse_ok("guest");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_ELF32), 0);
	assert_int_equal(c.platform, GUEST_PLATFORM_BARE);
	c = parse_ok("guest");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_FLAT), 0);
	assert_int_equal(c.platform, GUEST_PLATFORM_BARE);
	/* A Linux bzImage: long mode on a PC; platform=bare or another
	 * mode is refused. */
	c = parse_ok("guest");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_LINUX), 0);
	assert_int_equal(c.mode, GUEST_MODE_LONG);
	assert_int_equal(c.platform, GUEST_PLATFORM_PC);
	assert_string_equal(guest_image_kind_name(GUEST_IMAGE_LINUX), "Linux bzImage");
	c = parse_ok("guest name=l platform=bare");
	host_log_reset();
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_LINUX), -EINVAL);
	assert_true(host_log_contains("platform=bare but the image is a Linux bzImage"));
	c = parse_ok("guest name=l mode=prot");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_LINUX), -EINVAL);
	assert_true(host_log_contains("mode=prot but the image is Linux bzImage"));
	/* ... and platform= wins when it is. */
	c = parse_ok("guest platform=bare");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_MB1), 0);
	assert_int_equal(c.platform, GUEST_PLATFORM_BARE);
	c = parse_ok("guest platform=pc");
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_ELF64), 0);
	assert_int_equal(c.platform, GUEST_PLATFORM_PC);
	/* A multiboot v1 image is 32-bit protected mode. */
	c = parse_ok("guest name=k mode=long");
	host_log_reset();
	assert_int_equal(guest_cfg_set_mode(&c, GUEST_IMAGE_MB1), -EINVAL);
	assert_true(host_log_contains("mode=long but the image is multiboot v1"));
	assert_string_equal(guest_image_kind_name(GUEST_IMAGE_MB1), "multiboot v1");
	assert_string_equal(guest_image_kind_name(GUEST_IMAGE_FLAT), "flat binary");
	assert_string_equal(guest_image_kind_name((enum guest_image_kind)0), "?");
}

/* "attach for=NAME [STRING]". */
static void attach_ok(const char *s, const char *name, const char *rest)
{
	char n[GUEST_NAME_SIZE];
	const char *r = NULL;

	host_log_reset();
	assert_int_equal(guest_attach_parse(s, n, &r), 0);
	assert_string_equal(n, name);
	assert_non_null(r);
	assert_string_equal(r, rest);
}

static void attach_bad(const char *s, const char *needle)
{
	char n[GUEST_NAME_SIZE] = "untouched";
	const char *r = "untouched";

	host_log_reset();
	assert_int_equal(guest_attach_parse(s, n, &r), -EINVAL);
	assert_string_equal(n, "untouched");
	assert_string_equal(r, "untouched");
	if (!host_log_contains(needle)) {
		fprintf(stderr, "message for '%s' lacks '%s':\n%s", s, needle, host_log);
		fail();
	}
}

static void test_attach(void **state)
{
	char s[128];

	assert_true(guest_cfg_is_attach("attach for=a"));
	assert_true(guest_cfg_is_attach("  attach"));
	assert_false(guest_cfg_is_attach(NULL));
	assert_false(guest_cfg_is_attach(""));
	assert_false(guest_cfg_is_attach("attached for=a"));
	assert_false(guest_cfg_is_attach("attach=1"));
	assert_false(guest_cfg_is_attach("guest attach"));
	/* An attach module is no guest, and a guest no attach module. */
	assert_false(guest_cfg_is_guest("attach for=a"));
	assert_false(guest_cfg_is_attach("guest name=a"));

	attach_ok("attach for=apic", "apic", "");
	attach_ok("  attach\tfor=k-1_X   ", "k-1_X", "");
	attach_ok("attach for=apic env NR_CPUS=2", "apic", "env NR_CPUS=2");
	attach_ok("attach for=a    x  y ", "a", "x  y ");

	attach_bad(NULL, "does not start with the word 'attach'");
	attach_bad("guest for=a", "does not start with the word 'attach'");
	attach_bad("attach", "want 'attach for=NAME'");
	attach_bad("attach name=a", "want 'attach for=NAME'");
	attach_bad("attach for", "want 'attach for=NAME'");
	attach_bad("attach x for=a", "want 'attach for=NAME'");
	attach_bad("attach for=", "want 1 to 31 characters");
	attach_bad("attach for=a.b", "character '.' not allowed");
	snprintf(s, sizeof(s), "attach for=%s", "abcdefghijklmnopqrstuvwxyz012345");
	attach_bad(s, "want 1 to 31 characters");
	snprintf(s, sizeof(s), "attach for=%s", "abcdefghijklmnopqrstuvwxyz01234");
	attach_ok(s, "abcdefghijklmnopqrstuvwxyz01234", "");
}
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_whitespace_and_order),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_platform_key),
		cmocka_unit_test(test_x2apic_key),
		cmocka_unit_test(test_com1_rate_key),
		cmocka_unit_test(test_stamp_key),
		cmocka_unit_test(test_is_guest),
		cmocka_unit_test(test_unknown_and_malformed_keys),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_set_mode),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_platform_from_image),
		cmocka_unit_test(test_attach),
	};

	return cmocka_run_group_tests_name("guest_cfg_parse", tests, NULL, NULL);
}
