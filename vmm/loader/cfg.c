/* vmm/loader/cfg.c - guest module strings (vmm/loader/loader.h): they come
 * from outside the hypervisor, so a typo in grub.cfg gets a message and a
 * refusal, and the other guests still start.  Also the check of an image's
 * kind against mode=. */
#include "vmm/loader/loader.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/string.h"

/* ---------------------------------------------------------------------
 * Module strings
 * --------------------------------------------------------------------- */

#define KEY_SIZE 16
#define VAL_SIZE 96

static const char *const mode_names[] = {
	[GUEST_MODE_UNSET] = "unset",
	[GUEST_MODE_REAL] = "real",
	[GUEST_MODE_PROT] = "prot",
	[GUEST_MODE_LONG] = "long",
};

static const char *const expect_names[] = {
	[GUEST_EXPECT_NONE] = "none",
	[GUEST_EXPECT_EXIT] = "exit",
	[GUEST_EXPECT_SHUTDOWN] = "shutdown",
	[GUEST_EXPECT_NPF] = "npf",
	[GUEST_EXPECT_TIMEOUT] = "timeout",
	[GUEST_EXPECT_INVALID] = "invalid",
	[GUEST_EXPECT_RESET] = "reset",
	[GUEST_EXPECT_POWEROFF] = "poweroff",
};

static const char *const platform_names[] = {
	[GUEST_PLATFORM_UNSET] = "unset",
	[GUEST_PLATFORM_BARE] = "bare",
	[GUEST_PLATFORM_PC] = "pc",
};

static const char *const kind_names[] = {
	[GUEST_IMAGE_FLAT] = "flat binary",
	[GUEST_IMAGE_ELF32] = "ELF32",
	[GUEST_IMAGE_ELF64] = "ELF64",
	[GUEST_IMAGE_MB1] = "multiboot v1",
	[GUEST_IMAGE_LINUX] = "Linux bzImage",
};

const char *guest_platform_name(enum guest_platform platform)
{
	if ((unsigned int)platform < ARRAY_SIZE(platform_names))
		return platform_names[platform];
	return "?";
}

const char *guest_image_kind_name(enum guest_image_kind kind)
{
	if ((unsigned int)kind < ARRAY_SIZE(kind_names) && kind_names[kind])
		return kind_names[kind];
	return "?";
}

const char *guest_mode_name(enum guest_mode mode)
{
	if ((unsigned int)mode < ARRAY_SIZE(mode_names))
		return mode_names[mode];
	return "?";
}

const char *guest_expect_name(enum guest_expect expect)
{
	if ((unsigned int)expect < ARRAY_SIZE(expect_names))
		return expect_names[expect];
	return "?";
}

u64 guest_cfg_ram_bytes(const struct guest_cfg *cfg)
{
	return cfg->mem_mib << 20;
}

/* Whether the first word of s is exactly `word` (no '='). */
static bool first_word_is(const char *s, const char *word)
{
	struct kv_iter it = { s };
	char key[8];
	bool has_val, cut;

	if (!kv_next(&it, key, sizeof(key), NULL, 0, &has_val, &cut))
		return false;
	return !has_val && !cut && strcmp(key, word) == 0;
}

bool guest_cfg_is_guest(const char *s)
{
	return first_word_is(s, "guest");
}

bool guest_cfg_is_attach(const char *s)
{
	return first_word_is(s, "attach");
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A guest name; `who` starts the message ("guest: name", "attach: for"). */
static int check_name(const char *who, const char *val)
{
	size_t i, n = strlen(val);

	if (n == 0 || n >= GUEST_NAME_SIZE) {
		pr_err("%s=%s: want 1 to %d characters\n", who, val, GUEST_NAME_SIZE - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!name_char_ok(val[i])) {
			pr_err("%s=%s: character '%c' not allowed (A-Z a-z 0-9 _ -)\n",
			       who, val, val[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static int set_name(struct guest_cfg *c, const char *val)
{
	if (check_name("guest: name", val))
		return -EINVAL;
	memcpy(c->name, val, strlen(val) + 1);
	return 0;
}

/* parse_u64 without its K/M/G suffixes: "mem=1K" would be 1024 MiB. */
static int parse_plain(const char *s, u64 *out)
{
	size_t n = strlen(s);

	if (n && strchr("kKmMgG", s[n - 1]))
		return -EINVAL;
	return parse_u64(s, out);
}

/* A number in [min, max]; `what` completes "want ..." in the message. */
static int set_range(const char *key, const char *val, u64 min, u64 max,
		     const char *what, u64 *out)
{
	u64 v;
	int ret = parse_plain(val, &v);

	if (ret || v < min || v > max) {
		pr_err("guest: %s=%s: %s%s\n", key, val,
		       ret == -ERANGE ? "too large, " : ret ? "not a number, " : "",
		       what);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int set_mode(struct guest_cfg *c, const char *val)
{
	unsigned int m;

	for (m = GUEST_MODE_REAL; m <= GUEST_MODE_LONG; m++) {
		if (strcmp(val, mode_names[m]) == 0) {
			c->mode = (enum guest_mode)m;
			return 0;
		}
	}
	pr_err("guest: mode=%s: want real, prot or long\n", val);
	return -EINVAL;
}

/* "exit:N" with N a decimal or 0x number, optionally negative. */
static int set_exit_status(struct guest_cfg *c, const char *val, const char *num)
{
	bool neg = false;
	u64 v;

	if (*num == '-') {
		neg = true;
		num++;
	}
	if (*num == '\0' || *num == '-' || parse_plain(num, &v) ||
	    v > (neg ? (1ULL << 63) : (1ULL << 63) - 1)) {
		pr_err("guest: expect=%s: want exit:N with N a signed 64-bit number\n", val);
		return -EINVAL;
	}
	c->expect = GUEST_EXPECT_EXIT;
	/* -(2^63) has no positive twin: negate in unsigned arithmetic. */
	c->expect_status = neg ? (s64)(0 - v) : (s64)v;
	return 0;
}

static int set_expect(struct guest_cfg *c, const char *val)
{
	unsigned int e;

	if (strncmp(val, "exit:", 5) == 0)
		return set_exit_status(c, val, val + 5);
	for (e = GUEST_EXPECT_SHUTDOWN; e <= GUEST_EXPECT_POWEROFF; e++) {
		if (strcmp(val, expect_names[e]) == 0) {
			c->expect = (enum guest_expect)e;
			c->expect_status = 0;
			return 0;
		}
	}
	pr_err("guest: expect=%s: want exit:N, shutdown, npf, timeout, invalid, reset or poweroff\n", val);
	return -EINVAL;
}

static int set_platform(struct guest_cfg *c, const char *val)
{
	unsigned int p;

	for (p = GUEST_PLATFORM_BARE; p <= GUEST_PLATFORM_PC; p++) {
		if (strcmp(val, platform_names[p]) == 0) {
			c->platform = (enum guest_platform)p;
			return 0;
		}
	}
	pr_err("guest: platform=%s: want bare or pc\n", val);
	return -EINVAL;
}

/* The guest's command line: everything after the lone "--" word, which
 * kv_next has just stepped over (p points right after it). */
static int set_cmdline(struct guest_cfg *c, const char *p)
{
	size_t n;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	n = strlen(p);
	if (n > GUEST_CMDLINE_MAX) {
		pr_err("guest: command line after '--' is %lu characters; at most %d\n",
		       (unsigned long)n, GUEST_CMDLINE_MAX);
		return -EINVAL;
	}
	memcpy(c->cmdline, p, n + 1);
	return 0;
}

enum key_id { K_NAME, K_MEM, K_MODE, K_VCPUS, K_CPUS, K_TIMEOUT, K_EXPECT, K_PLATFORM, K_X2APIC,
	      K_COM1_RATE, K_STAMP, K_COUNT };

static const char *const key_names[K_COUNT] = {
	[K_NAME] = "name",
	[K_MEM] = "mem",
	[K_MODE] = "mode",
	[K_VCPUS] = "vcpus",
	[K_CPUS] = "cpus",
	[K_TIMEOUT] = "timeout",
	[K_EXPECT] = "expect",
	[K_PLATFORM] = "platform",
	[K_X2APIC] = "x2apic",
	[K_COM1_RATE] = "com1_rate",
	[K_STAMP] = "stamp",
};

static int apply(struct guest_cfg *c, enum key_id k, const char *val)
{
	u64 v;
	int ret;

	switch (k) {
	case K_NAME:
		return set_name(c, val);
	case K_MEM:
		return set_range("mem", val, 1, GUEST_MEM_MAX_MIB,
				 "want MiB in 1..4096", &c->mem_mib);
	case K_MODE:
		return set_mode(c, val);
	case K_VCPUS:
		ret = set_range("vcpus", val, 1, GUEST_VCPUS_MAX, "want 1..64", &v);
		if (!ret)
			c->vcpus = (u32)v;
		return ret;
	case K_CPUS:
		if (parse_cpu_list(val, c->cpus_mask, GUEST_CPU_WORDS)) {
			pr_err("guest: cpus=%s: want a CPU list like 0-3,6 (CPUs 0..%d)\n",
			       val, GUEST_CPU_WORDS * 64 - 1);
			return -EINVAL;
		}
		c->has_cpus = true;
		return 0;
	case K_TIMEOUT:
		return set_range("timeout", val, 0, ~0ULL, "want milliseconds",
				 &c->timeout_ms);
	case K_EXPECT:
		return set_expect(c, val);
	case K_PLATFORM:
		return set_platform(c, val);
	case K_X2APIC:
		if (strcmp(val, "on") && strcmp(val, "off")) {
			pr_err("guest: x2apic=%s: want on or off\n", val);
			return -EINVAL;
		}
		c->no_x2apic = strcmp(val, "off") == 0;
		return 0;
	case K_STAMP:
		if (strcmp(val, "on") && strcmp(val, "off")) {
			pr_err("guest: stamp=%s: want on or off\n", val);
			return -EINVAL;
		}
		c->stamp = strcmp(val, "on") == 0;
		return 0;
	case K_COM1_RATE:
		return set_range("com1_rate", val, 1, GUEST_COM1_RATE_MAX,
				 "want bytes per second in 1..1048576", &c->com1_rate);
	case K_COUNT:
		break;
	}
	return -EINVAL;
}

int guest_cfg_parse(const char *s, struct guest_cfg *out)
{
	struct kv_iter it = { s };
	struct guest_cfg c;
	char key[KEY_SIZE], val[VAL_SIZE];
	bool has_val, cut, seen[K_COUNT] = { false };
	unsigned int k;

	if (!out)
		return -EINVAL;
	if (!guest_cfg_is_guest(s)) {
		pr_err("guest: module string '%s' does not start with the word 'guest'\n",
		       s ? s : "");
		return -EINVAL;
	}
	memset(&c, 0, sizeof(c));
	c.mem_mib = GUEST_MEM_DEFAULT_MIB;
	c.vcpus = 1;
	c.com1_rate = GUEST_COM1_RATE_DEFAULT;

	kv_next(&it, key, sizeof(key), NULL, 0, NULL, NULL);	/* "guest" */
	while (kv_next(&it, key, sizeof(key), val, sizeof(val), &has_val, &cut)) {
		/* A lone "--": the rest belongs to the guest, not to us. */
		if (!has_val && !cut && strcmp(key, "--") == 0) {
			if (set_cmdline(&c, it.p))
				return -EINVAL;
			break;
		}
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(key, key_names[k]) == 0)
				break;
		if (k == K_COUNT) {
			pr_err("guest: unknown key '%s%s' (known: name mem mode vcpus cpus timeout expect platform x2apic, then -- for the guest's command line)\n",
			       key, strlen(key) == sizeof(key) - 1 ? "..." : "");
			return -EINVAL;
		}
		if (!has_val || val[0] == '\0') {
			pr_err("guest: %s needs a value (%s=...)\n", key, key);
			return -EINVAL;
		}
		if (cut) {
			pr_err("guest: %s=%s...: value too long\n", key, val);
			return -EINVAL;
		}
		if (seen[k]) {
			pr_err("guest: %s given twice\n", key);
			return -EINVAL;
		}
		seen[k] = true;
		if (apply(&c, (enum key_id)k, val))
			return -EINVAL;
	}
	*out = c;
	return 0;
}

int guest_attach_parse(const char *s, char *for_name, const char **rest)
{
	struct kv_iter it = { s };
	char key[KEY_SIZE], val[VAL_SIZE];
	bool has_val, cut;

	if (!guest_cfg_is_attach(s)) {
		pr_err("attach: module string '%s' does not start with the word 'attach'\n",
		       s ? s : "");
		return -EINVAL;
	}
	kv_next(&it, key, sizeof(key), NULL, 0, NULL, NULL);	/* "attach" */
	if (!kv_next(&it, key, sizeof(key), val, sizeof(val), &has_val, &cut) ||
	    strcmp(key, "for") != 0 || !has_val) {
		pr_err("attach: module string '%s': want 'attach for=NAME', NAME the guest's name=\n", s);
		return -EINVAL;
	}
	if (cut) {
		pr_err("attach: for=%s...: name too long\n", val);
		return -EINVAL;
	}
	if (check_name("attach: for", val))
		return -EINVAL;
	memcpy(for_name, val, strlen(val) + 1);
	s = it.p;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	*rest = s;
	return 0;
}

int guest_cfg_set_mode(struct guest_cfg *cfg, enum guest_image_kind kind)
{
	enum guest_mode want;

	switch (kind) {
	case GUEST_IMAGE_FLAT:
		want = GUEST_MODE_REAL;
		break;
	case GUEST_IMAGE_ELF32:
	case GUEST_IMAGE_MB1:
		want = GUEST_MODE_PROT;
		break;
	case GUEST_IMAGE_ELF64:
	case GUEST_IMAGE_LINUX:
		want = GUEST_MODE_LONG;
		break;
	default:
		pr_err("guest %s: unknown image kind %d\n", cfg->name, (int)kind);
		return -EINVAL;
	}
	if (cfg->mode != GUEST_MODE_UNSET && cfg->mode != want) {
		pr_err("guest %s: mode=%s but the image is %s%s, which starts in %s mode\n",
		       cfg->name, mode_names[cfg->mode],
		       kind == GUEST_IMAGE_FLAT ? "a " : "", guest_image_kind_name(kind),
		       mode_names[want]);
		return -EINVAL;
	}
	/* Linux finds its devices through ACPI and talks to a PC's: it has
	 * nothing to run on without them. */
	if (kind == GUEST_IMAGE_LINUX && cfg->platform == GUEST_PLATFORM_BARE) {
		pr_err("guest %s: platform=bare but the image is a Linux bzImage, which needs platform=pc\n",
		       cfg->name);
		return -EINVAL;
	}
	cfg->mode = want;
	if (cfg->platform == GUEST_PLATFORM_UNSET)
		cfg->platform = kind == GUEST_IMAGE_MB1 || kind == GUEST_IMAGE_LINUX ?
				GUEST_PLATFORM_PC : GUEST_PLATFORM_BARE;
	return 0;
}
