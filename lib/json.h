/* lib/json.h - builds one JSON object on one line in a fixed buffer
 * (lib/json.c), for the benchmark's BENCH / BENCHMETA lines.  Output that
 * does not fit is cut off, never overruns; the caller prints buf. */
#ifndef SVMHV_LIB_JSON_H
#define SVMHV_LIB_JSON_H
#include "lib/types.h"

struct json_buf {
	char buf[2048];
	size_t len;
};

/* Raw text, printf-style: "{" to open, arrays and null values. */
void json_add(struct json_buf *j, const char *fmt, ...) __printf(2, 3);
/* "key":value members; a comma goes before every member but the first. */
void json_str(struct json_buf *j, const char *key, const char *s);
void json_u64(struct json_buf *j, const char *key, u64 v);
void json_bool(struct json_buf *j, const char *key, bool v);
void json_fixed(struct json_buf *j, const char *key, u64 v_x100);	/* v / 100, two decimals */
/* Closes the object and ends the line. */
void json_close(struct json_buf *j);

#endif
