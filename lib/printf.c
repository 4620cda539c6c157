/* lib/printf.c - the formatting core behind every printf-like function:
 * kvsnprintf with the usual conversions (d i u x X o p s c %, flags - 0 +
 * space #, width, precision, length modifiers hh h l ll z t j).  It writes
 * into a caller's buffer only; kernel/printk.c sends the result to the
 * console. */
#include "lib/printf.h"
#include "lib/string.h"

struct outbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void out_c(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_num(struct outbuf *o, u64 v, bool neg, int base, bool upper,
		    int width, int prec, bool left, bool zero, char sign, bool alt)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	if (v == 0 && prec != 0)
		tmp[n++] = '0';
	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	int zeros = prec > n ? prec - n : 0;
	int prefix = (neg || sign) ? 1 : 0;
	if (alt && base == 16)
		prefix += 2;
	if (zero && !left && prec < 0 && width > n + prefix)
		zeros = width - n - prefix;
	int pad = width - n - zeros - prefix;
	if (!left)
		while (pad-- > 0)
			out_c(o, ' ');
	if (neg)
		out_c(o, '-');
	else if (sign)
		out_c(o, sign);
	if (alt && base == 16) {
		out_c(o, '0');
		out_c(o, upper ? 'X' : 'x');
	}
	while (zeros-- > 0)
		out_c(o, '0');
	while (n)
		out_c(o, tmp[--n]);
	if (left)
		while (pad-- > 0)
			out_c(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			out_c(&o, *p);
			continue;
		}
		bool left = false, zero = false, alt = false;
		char sign = 0;
		int width = 0, prec = -1, lng = 0;
		for (;; p++) {
			if (p[1] == '-') left = true;
			else if (p[1] == '0') zero = true;
			else if (p[1] == '+') sign = '+';
			else if (p[1] == ' ') { if (!sign) sign = ' '; }
			else if (p[1] == '#') alt = true;
			else break;
		}
		p++;
		if (*p == '*') {
			width = va_arg(ap, int);
			if (width < 0) { left = true; width = -width; }
			p++;
		} else {
			while (*p >= '0' && *p <= '9')
				width = width * 10 + (*p++ - '0');
		}
		if (*p == '.') {
			p++;
			prec = 0;
			if (*p == '*') {
				prec = va_arg(ap, int);
				p++;
			} else {
				while (*p >= '0' && *p <= '9')
					prec = prec * 10 + (*p++ - '0');
			}
		}
		for (;; p++) {
			if (*p == 'l') lng++;
			else if (*p == 'h') lng = lng > 0 ? lng : lng - 1;
			else if (*p == 'z' || *p == 't' || *p == 'j') lng = 2;
			else break;
		}
		u64 uv;
		s64 sv;
		switch (*p) {
		case 'd':
		case 'i':
			sv = lng >= 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng == -1) sv = (short)sv;
			if (lng == -2) sv = (signed char)sv;
			out_num(&o, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10, false,
				width, prec, left, zero, sign, false);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			uv = lng >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			if (lng == -1) uv = (u16)uv;
			if (lng == -2) uv = (u8)uv;
			out_num(&o, uv, false, *p == 'u' ? 10 : *p == 'o' ? 8 : 16,
				*p == 'X', width, prec, left, zero, 0, alt);
			break;
		case 'p':
			uv = (u64)(uintptr_t)va_arg(ap, void *);
			out_num(&o, uv, false, 16, false, width ? width : 18, 16, left,
				false, 0, true);
			break;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int n = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
			int pad = width - n;
			if (!left)
				while (pad-- > 0)
					out_c(&o, ' ');
			for (int i = 0; i < n; i++)
				out_c(&o, s[i]);
			if (left)
				while (pad-- > 0)
					out_c(&o, ' ');
			break;
		}
		case '%':
			out_c(&o, '%');
			break;
		case '\0':
			p--;
			break;
		default:
			out_c(&o, '%');
			out_c(&o, *p);
			break;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
