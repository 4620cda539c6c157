/* lib/json.c - a one-line JSON object writer (lib/json.h).  Keys and
 * strings are escaped for the two characters JSON requires and printable
 * ASCII only: the lines go over a serial console to a parser in Python. */
#include "lib/json.h"
#include "lib/printf.h"

void json_add(struct json_buf *j, const char *fmt, ...)
{
	if (j->len >= sizeof(j->buf))
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(j->buf + j->len, sizeof(j->buf) - j->len, fmt, ap);
	va_end(ap);
	j->len = MIN(j->len + (size_t)n, sizeof(j->buf) - 1);
}

void json_str(struct json_buf *j, const char *key, const char *s)
{
	json_add(j, "%s\"%s\":\"", j->len > 1 ? "," : "", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			json_add(j, "\\%c", *s);
		else if ((u8)*s >= 0x20 && (u8)*s < 0x7f)
			json_add(j, "%c", *s);
	}
	json_add(j, "\"");
}

void json_u64(struct json_buf *j, const char *key, u64 v)
{
	json_add(j, "%s\"%s\":%lu", j->len > 1 ? "," : "", key, v);
}

void json_bool(struct json_buf *j, const char *key, bool v)
{
	json_add(j, "%s\"%s\":%s", j->len > 1 ? "," : "", key, v ? "true" : "false");
}

void json_fixed(struct json_buf *j, const char *key, u64 v_x100)
{
	json_add(j, "%s\"%s\":%lu.%02lu", j->len > 1 ? "," : "", key, v_x100 / 100, v_x100 % 100);
}

void json_close(struct json_buf *j)
{
	json_add(j, "}\n");
}
