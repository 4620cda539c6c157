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
};

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

bool guest_cfg_is_guest(const char *s)
{
	struct kv_iter it = { s };
	char key[8];
	bool has_val, cut;

	if (!kv_next(&it, key, sizeof(key), NULL, 0, &has_val, &cut))
		return false;
	return !has_val && !cut && strcmp(key, "guest") == 0;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int set_name(struct guest_cfg *c, const char *val)
{
	size_t i, n = strlen(val);

	if (n == 0 || n >= sizeof(c->name)) {
		pr_err("guest: name=%s: want 1 to %lu characters\n", val,
		       (unsigned long)(sizeof(c->name) - 1));
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!name_char_ok(val[i])) {
			pr_err("guest: name=%s: character '%c' not allowed (A-Z a-z 0-9 _ -)\n",
			       val, val[i]);
			return -EINVAL;
		}
	}
	memcpy(c->name, val, n + 1);
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

/* platform=bare|pc (a minimal form until the loader's own lands). */
static int set_platform(struct guest_cfg *c, const char *val)
{
	if (strcmp(val, "bare") == 0)
		c->platform = GUEST_PLATFORM_BARE;
	else if (strcmp(val, "pc") == 0)
		c->platform = GUEST_PLATFORM_PC;
	else {
		pr_err("guest: platform=%s: want bare or pc\n", val);
		return -EINVAL;
	}
	return 0;
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
	for (e = GUEST_EXPECT_SHUTDOWN; e <= GUEST_EXPECT_INVALID; e++) {
		if (strcmp(val, expect_names[e]) == 0) {
			c->expect = (enum guest_expect)e;
			c->expect_status = 0;
			return 0;
		}
	}
	pr_err("guest: expect=%s: want exit:N, shutdown, npf, timeout or invalid\n", val);
	return -EINVAL;
}

enum key_id { K_NAME, K_MEM, K_MODE, K_VCPUS, K_CPUS, K_TIMEOUT, K_EXPECT, K_PLATFORM, K_COUNT };

static const char *const key_names[K_COUNT] = {
	[K_NAME] = "name",
	[K_MEM] = "mem",
	[K_MODE] = "mode",
	[K_VCPUS] = "vcpus",
	[K_CPUS] = "cpus",
	[K_TIMEOUT] = "timeout",
	[K_EXPECT] = "expect",
	[K_PLATFORM] = "platform",
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

	kv_next(&it, key, sizeof(key), NULL, 0, NULL, NULL);	/* "guest" */
	while (kv_next(&it, key, sizeof(key), val, sizeof(val), &has_val, &cut)) {
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(key, key_names[k]) == 0)
				break;
		if (k == K_COUNT) {
			pr_err("guest: unknown key '%s%s' (known: name mem mode vcpus cpus timeout expect platform)\n",
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

int guest_cfg_set_mode(struct guest_cfg *cfg, enum guest_image_kind kind)
{
	enum guest_mode want;

	switch (kind) {
	case GUEST_IMAGE_FLAT:
		want = GUEST_MODE_REAL;
		break;
	case GUEST_IMAGE_ELF32:
		want = GUEST_MODE_PROT;
		break;
	case GUEST_IMAGE_ELF64:
		want = GUEST_MODE_LONG;
		break;
	default:
		pr_err("guest %s: unknown image kind %d\n", cfg->name, (int)kind);
		return -EINVAL;
	}
	if (cfg->mode != GUEST_MODE_UNSET && cfg->mode != want) {
		pr_err("guest %s: mode=%s but the image is %s, which starts in %s mode\n",
		       cfg->name, mode_names[cfg->mode],
		       kind == GUEST_IMAGE_FLAT ? "a flat binary" :
		       kind == GUEST_IMAGE_ELF32 ? "ELF32" : "ELF64",
		       mode_names[want]);
		return -EINVAL;
	}
	cfg->mode = want;
	return 0;
}
