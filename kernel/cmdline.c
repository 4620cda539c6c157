/* kernel/cmdline.c - turns the kernel command line into option values.
 * The boot path hands it the multiboot2 command line and a table of
 * options; guest setup reuses kv_next() and the number parsers on module
 * strings.  The command line is typed by a person, so every mistake gets a
 * message saying what was expected, and the option keeps its value.
 * Tokens are handled as (pointer, length) spans of the caller's string, so
 * input length is unbounded and nothing is written to it. */
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"

#define U64_MAX_VAL (~0ULL)

/* How much of a token a message shows before cutting it with "...". */
#define SHOW_MAX 48

struct span {
	const char *s;
	size_t n;
};

static bool is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Finds the next token at *pp and splits it at the first '='.  Returns
 * false at the end of the string. */
static bool next_token(const char **pp, struct span *tok, struct span *key,
		       struct span *val, bool *has_val)
{
	const char *p = *pp;
	size_t i;

	while (*p && is_sep(*p))
		p++;
	if (!*p) {
		*pp = p;
		return false;
	}
	tok->s = p;
	while (*p && !is_sep(*p))
		p++;
	tok->n = (size_t)(p - tok->s);
	*pp = p;

	key->s = tok->s;
	key->n = tok->n;
	val->s = tok->s + tok->n;
	val->n = 0;
	*has_val = false;
	for (i = 0; i < tok->n; i++) {
		if (tok->s[i] == '=') {
			key->n = i;
			val->s = tok->s + i + 1;
			val->n = tok->n - i - 1;
			*has_val = true;
			break;
		}
	}
	return true;
}

/* Copies a span NUL-terminated; returns true if it had to be cut. */
static bool copy_span(char *dst, size_t size, const struct span *sp)
{
	size_t n = sp->n;
	bool cut = false;

	if (size == 0 || !dst)
		return sp->n != 0;
	if (n >= size) {
		n = size - 1;
		cut = true;
	}
	memcpy(dst, sp->s, n);
	dst[n] = '\0';
	return cut;
}

/* A span fit for a message: cut to SHOW_MAX characters with "...". */
static const char *show(const struct span *sp, char *buf, size_t size)
{
	if (copy_span(buf, size, sp) && size > 4)
		memcpy(buf + size - 4, "...", 4);
	return buf;
}

static bool span_is(const struct span *sp, const char *word)
{
	return strlen(word) == sp->n && strncmp(sp->s, word, sp->n) == 0;
}

static bool span_is_nocase(const struct span *sp, const char *word)
{
	size_t i;

	if (strlen(word) != sp->n)
		return false;
	for (i = 0; i < sp->n; i++)
		if (lower(sp->s[i]) != lower(word[i]))
			return false;
	return true;
}

static bool span_has(const struct span *sp, char c)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		if (sp->s[i] == c)
			return true;
	return false;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 99;
}

/* The number parser behind parse_u64 and parse_cpu_list.  Syntax errors
 * win over overflow, so "99999999999999999999x" is -EINVAL. */
static int parse_u64_span(const struct span *sp, bool allow_suffix, u64 *out)
{
	const char *s = sp->s;
	size_t n = sp->n, i = 0;
	unsigned int base = 10, shift = 0;
	bool overflow = false;
	u64 v = 0;

	if (n >= 2 && s[0] == '0' && lower(s[1]) == 'x') {
		base = 16;
		i = 2;
	}
	if (allow_suffix && n > i) {
		switch (lower(s[n - 1])) {
		case 'k': shift = 10; n--; break;
		case 'm': shift = 20; n--; break;
		case 'g': shift = 30; n--; break;
		default: break;
		}
	}
	if (i >= n)
		return -EINVAL;	/* "", "0x", "K" */
	for (; i < n; i++) {
		int d = digit_value(s[i]);

		if (d >= (int)base)
			return -EINVAL;
		if (v > (U64_MAX_VAL - (u64)d) / base)
			overflow = true;
		v = v * base + (u64)d;
	}
	if (overflow || v > (U64_MAX_VAL >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int parse_u64(const char *s, u64 *out)
{
	struct span sp;

	if (!s || !out)
		return -EINVAL;
	sp.s = s;
	sp.n = strlen(s);
	return parse_u64_span(&sp, true, out);
}

/* One pass over a CPU list; only validates when mask is NULL. */
static int cpu_list_walk(const char *s, u64 *mask, size_t nwords)
{
	const char *p = s;

	for (;;) {
		struct span item, lo_s, hi_s;
		u64 lo, hi, cpu;
		size_t i;

		item.s = p;
		while (*p && *p != ',')
			p++;
		item.n = (size_t)(p - item.s);

		lo_s = item;
		hi_s = item;
		for (i = 0; i < item.n; i++) {
			if (item.s[i] == '-') {
				lo_s.n = i;
				hi_s.s = item.s + i + 1;
				hi_s.n = item.n - i - 1;
				break;
			}
		}
		if (parse_u64_span(&lo_s, false, &lo) || parse_u64_span(&hi_s, false, &hi))
			return -EINVAL;
		if (lo > hi || hi / 64 >= nwords)
			return -EINVAL;
		if (mask)
			for (cpu = lo; cpu <= hi; cpu++)
				mask[cpu / 64] |= BIT(cpu % 64);
		if (!*p)
			return 0;
		p++;	/* past ',' - an empty item after it fails above */
	}
}

int parse_cpu_list(const char *s, u64 *mask_words, size_t nwords)
{
	int ret;

	if (!s || !mask_words || nwords == 0)
		return -EINVAL;
	ret = cpu_list_walk(s, NULL, nwords);
	if (ret)
		return ret;
	memset(mask_words, 0, nwords * sizeof(*mask_words));
	return cpu_list_walk(s, mask_words, nwords);
}

bool kv_next(struct kv_iter *it, char *key, size_t key_size, char *val, size_t val_size,
	     bool *has_val, bool *truncated)
{
	struct span tok, k, v;
	bool hv, cut;

	if (!it || !it->p || !next_token(&it->p, &tok, &k, &v, &hv))
		return false;
	cut = copy_span(key, key_size, &k);
	cut |= copy_span(val, val_size, &v);
	if (has_val)
		*has_val = hv;
	if (truncated)
		*truncated = cut;
	return true;
}

/* --- messages --- */

/* Appends to a message buffer, never past its end. */
static void append(char *buf, size_t size, size_t *pos, const char *s)
{
	int n;

	if (*pos >= size)
		return;
	n = ksnprintf(buf + *pos, size - *pos, "%s", s);
	if (n > 0)
		*pos += (size_t)n;
}

static void fmt_choices(const struct opt_desc *o, char *buf, size_t size)
{
	const char *const *c = o->choices;
	size_t pos = 0;

	buf[0] = '\0';
	append(buf, size, &pos, "one of ");
	for (; c && *c; c++) {
		if (c != o->choices)
			append(buf, size, &pos, ", ");
		append(buf, size, &pos, *c);
	}
}

static int enum_count(const struct opt_desc *o)
{
	int n = 0;

	while (o->choices && o->choices[n])
		n++;
	return n;
}

/* The option's current value, as a message shows it. */
static void fmt_value(const struct opt_desc *o, char *buf, size_t size)
{
	switch (o->type) {
	case OPT_BOOL:
		ksnprintf(buf, size, "%s", *(const bool *)o->value ? "on" : "off");
		break;
	case OPT_U64:
		ksnprintf(buf, size, "%llu", (unsigned long long)*(const u64 *)o->value);
		break;
	case OPT_STR:
		ksnprintf(buf, size, "'%s'", (const char *)o->value);
		break;
	case OPT_ENUM: {
		int i = *(const int *)o->value;

		if (i >= 0 && i < enum_count(o))
			ksnprintf(buf, size, "%s", o->choices[i]);
		else
			ksnprintf(buf, size, "#%d", i);
		break;
	}
	}
}

/* What a valid value looks like, for "expected ..." */
static void fmt_expected(const struct opt_desc *o, char *buf, size_t size)
{
	switch (o->type) {
	case OPT_BOOL:
		ksnprintf(buf, size, "on/off, yes/no, true/false or 1/0");
		break;
	case OPT_U64:
		if (o->max)
			ksnprintf(buf, size, "a number from %llu to %llu",
				  (unsigned long long)o->min, (unsigned long long)o->max);
		else if (o->min)
			ksnprintf(buf, size, "a number of at least %llu", (unsigned long long)o->min);
		else
			ksnprintf(buf, size, "a number");
		break;
	case OPT_STR:
		ksnprintf(buf, size, "a string of at most %lu characters",
			  (unsigned long)(o->str_size ? o->str_size - 1 : 0));
		break;
	case OPT_ENUM:
		fmt_choices(o, buf, size);
		break;
	}
}

/* One warning of the form "cmdline: key=value: <what>, expected <x>,
 * keeping <current>". */
static void complain(const struct opt_desc *o, const struct span *val, bool has_val,
		     const char *what)
{
	char shown[SHOW_MAX], expected[160], cur[SHOW_MAX + 8];

	fmt_expected(o, expected, sizeof(expected));
	fmt_value(o, cur, sizeof(cur));
	if (!has_val)
		pr_warn("cmdline: %s: missing '=value', expected %s, keeping %s\n",
			o->key, expected, cur);
	else
		pr_warn("cmdline: %s=%s: %sexpected %s, keeping %s\n", o->key,
			show(val, shown, sizeof(shown)), what, expected, cur);
}

/* --- applying one token --- */

static int set_bool(const struct opt_desc *o, const struct span *v, bool has_val)
{
	static const char *const yes[] = { "1", "yes", "on", "true" };
	static const char *const no[] = { "0", "no", "off", "false" };
	size_t i;

	if (!has_val) {
		*(bool *)o->value = true;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (span_is_nocase(v, yes[i])) {
			*(bool *)o->value = true;
			return 0;
		}
		if (span_is_nocase(v, no[i])) {
			*(bool *)o->value = false;
			return 0;
		}
	}
	complain(o, v, true, "");
	return -EINVAL;
}

static int set_u64(const struct opt_desc *o, const struct span *v, bool has_val)
{
	u64 x;
	int ret;

	if (!has_val) {
		complain(o, v, false, "");
		return -EINVAL;
	}
	ret = parse_u64_span(v, true, &x);
	if (ret == -ERANGE) {
		complain(o, v, true, "does not fit in 64 bits, ");
		return ret;
	}
	if (ret || x < o->min || (o->max && x > o->max)) {
		complain(o, v, true, "");
		return -EINVAL;
	}
	*(u64 *)o->value = x;
	return 0;
}

static int set_str(const struct opt_desc *o, const struct span *v, bool has_val)
{
	char shown[SHOW_MAX];

	if (!has_val) {
		complain(o, v, false, "");
		return -EINVAL;
	}
	if (v->n >= o->str_size) {
		pr_warn("cmdline: %s=%s: value is %lu characters, at most %lu fit, keeping '%s'\n",
			o->key, show(v, shown, sizeof(shown)), (unsigned long)v->n,
			(unsigned long)(o->str_size ? o->str_size - 1 : 0),
			o->str_size ? (const char *)o->value : "");
		return -E2BIG;
	}
	copy_span(o->value, o->str_size, v);
	return 0;
}

static int set_enum(const struct opt_desc *o, const struct span *v, bool has_val)
{
	int i, n = enum_count(o);

	if (has_val)
		for (i = 0; i < n; i++)
			if (span_is(v, o->choices[i])) {
				*(int *)o->value = i;
				return 0;
			}
	complain(o, v, has_val, "");
	return -EINVAL;
}

static int apply_token(const struct span *tok, const struct span *key, const struct span *val,
		       bool has_val, const struct opt_desc *opts, size_t nopts)
{
	char shown[SHOW_MAX];
	size_t i;

	/* A quote means the user expects shell-like grouping, which would
	 * change how the following tokens split; better to drop it loudly. */
	if (span_has(tok, '"') || span_has(tok, '\'')) {
		pr_warn("cmdline: quotes are not supported, ignoring '%s'\n",
			show(tok, shown, sizeof(shown)));
		return -EINVAL;
	}
	if (key->n == 0) {
		pr_warn("cmdline: '%s' has no option name (ignored)\n",
			show(tok, shown, sizeof(shown)));
		return -EINVAL;
	}
	for (i = 0; i < nopts; i++) {
		const struct opt_desc *o = &opts[i];

		if (!o->key || !o->value || !span_is(key, o->key))
			continue;
		switch (o->type) {
		case OPT_BOOL: return set_bool(o, val, has_val);
		case OPT_U64:  return set_u64(o, val, has_val);
		case OPT_STR:  return set_str(o, val, has_val);
		case OPT_ENUM: return set_enum(o, val, has_val);
		}
		pr_err("cmdline: option '%s' has unknown type %d\n", o->key, (int)o->type);
		return -EINVAL;
	}
	pr_warn("cmdline: unknown option '%s' (ignored)\n", show(key, shown, sizeof(shown)));
	return -ENOENT;
}

int cmdline_parse(const char *cmdline, const struct opt_desc *opts, size_t nopts)
{
	const char *p = cmdline ? cmdline : "";
	struct span tok, key, val;
	bool has_val;
	int problems = 0;

	while (next_token(&p, &tok, &key, &val, &has_val))
		if (apply_token(&tok, &key, &val, has_val, opts, nopts))
			problems++;
	return problems;
}

void cmdline_help(const struct opt_desc *opts, size_t nopts)
{
	char expected[160], cur[SHOW_MAX + 8];
	size_t i;

	for (i = 0; i < nopts; i++) {
		const struct opt_desc *o = &opts[i];

		if (!o->key || !o->value)
			continue;
		fmt_expected(o, expected, sizeof(expected));
		fmt_value(o, cur, sizeof(cur));
		pr_info("  %s%s: %s (%s; now %s)\n", o->key, o->type == OPT_BOOL ? "[=on|off]" : "=...",
			o->help ? o->help : "", expected, cur);
	}
}
