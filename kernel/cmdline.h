/* kernel/cmdline.h - the kernel command line ("key=value key2 key3=v1,v2")
 * parsed into a table of options the caller owns, plus the tokenizer and
 * number parsers it is built from (guest module strings use the same
 * key=value syntax).  Implemented in kernel/cmdline.c. */
#ifndef SVMHV_CMDLINE_H
#define SVMHV_CMDLINE_H

#include "lib/types.h"

enum opt_type { OPT_BOOL, OPT_U64, OPT_STR, OPT_ENUM };

struct opt_desc {
	const char *key;
	enum opt_type type;
	void *value;			/* bool *, u64 *, char[str_size], int * (index into choices) */
	size_t str_size;		/* OPT_STR: size of the buffer, NUL included */
	const char *const *choices;	/* OPT_ENUM: NULL-terminated list of allowed values */
	u64 min, max;			/* OPT_U64: inclusive range; max 0 = no upper limit */
	const char *help;
};

/* Applies every token of `cmdline` (NULL counts as empty) to `opts`.
 * Returns the number of problems found, 0 when clean.  Each problem gets
 * one pr_warn naming the option and what was expected, and the option
 * keeps its current value.  A later token for the same key wins.
 *
 * Syntax: tokens separated by spaces, tabs or newlines; "key" or
 * "key=value".  Booleans take no value or 1/0, yes/no, on/off, true/false
 * (any case).  Numbers are decimal or 0x hex with an optional K, M or G
 * suffix (binary multiples).  Quotes are not supported: a token containing
 * one is reported and skipped.  The input is not modified. */
int cmdline_parse(const char *cmdline, const struct opt_desc *opts, size_t nopts);

/* Logs every option with its type, current value and help text. */
void cmdline_help(const struct opt_desc *opts, size_t nopts);

/* Token iterator: set it.p to the string, then call kv_next until it
 * returns false.  Copies the key (text before the first '=') and the value
 * (text after it) NUL-terminated into the buffers; *has_val says whether an
 * '=' was present; *truncated says whether either did not fit.  val may be
 * NULL when val_size is 0; has_val and truncated may be NULL. */
struct kv_iter {
	const char *p;
};
bool kv_next(struct kv_iter *it, char *key, size_t key_size, char *val, size_t val_size,
	     bool *has_val, bool *truncated);

/* Whole string must be a number: decimal or 0x/0X hex, optional K/M/G
 * suffix (x 2^10, 2^20, 2^30).  Returns 0, -EINVAL on bad syntax or
 * -ERANGE when the value does not fit in 64 bits; *out is written only on
 * success. */
int parse_u64(const char *s, u64 *out);

/* "0-3,5,7-8" -> bits set in mask_words[0..nwords), which are cleared
 * first.  Numbers as for parse_u64 without suffixes.  Returns 0, or
 * -EINVAL on bad syntax, a reversed range or a CPU >= nwords * 64; on
 * error the mask is left untouched. */
int parse_cpu_list(const char *s, u64 *mask_words, size_t nwords);

#endif
