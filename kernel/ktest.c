/* kernel/ktest.c - the KTAP test runner (KTAP v1: a top-level plan over the
 * suites, each suite a nested, indented subtest with its own plan). */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const struct ktest_suite *const __ktests_start[], *const __ktests_end[];

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("        # %s: %s:%d: %s\n", t->name, file, line, msg);
	t->failures++;
}

void ktest_skip(struct ktest *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(t->skip_reason, sizeof(t->skip_reason), fmt, ap);
	va_end(ap);
	t->skipped = true;
}

void ktest_note(struct ktest *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("        # %s: %s\n", t->name, msg);
}

/* Is `name` in the comma-separated list `spec` (or spec is "all")? */
static bool selected(const struct ktest_suite *s, const char *spec)
{
	if (!strcmp(spec, "all"))
		return !(s->flags & KTEST_EXPLICIT);
	size_t n = strlen(s->name);
	for (const char *p = spec; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && !strncmp(p, s->name, n))
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

static bool known(const char *name, size_t len)
{
	for (const struct ktest_suite *const *s = __ktests_start; s < __ktests_end; s++)
		if (strlen((*s)->name) == len && !strncmp((*s)->name, name, len))
			return true;
	return false;
}

static bool svm_usable_for_tests;

void ktest_dyn_plan(struct ktest_dyn *d, u32 n)
{
	d->planned = n;
	kprintf("    1..%u\n", n);
}

void ktest_dyn_result(struct ktest_dyn *d, const char *name, int status, const char *fmt, ...)
{
	char why[160] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	d->reported++;
	if (status == KTEST_FAIL) {
		d->failed++;
		if (why[0])
			kprintf("        # %s: %s\n", name, why);
		kprintf("    not ok %u %s\n", d->reported, name);
	} else if (status == KTEST_SKIPPED) {
		kprintf("    ok %u %s # SKIP %s\n", d->reported, name, why);
	} else {
		if (why[0])
			kprintf("        # %s: %s\n", name, why);
		kprintf("    ok %u %s\n", d->reported, name);
	}
}

int ktest_run(const char *spec, bool svm_usable)
{
	svm_usable_for_tests = svm_usable;
	if (strcmp(spec, "all")) {
		for (const char *p = spec; *p;) {
			const char *comma = strchr(p, ',');
			size_t len = comma ? (size_t)(comma - p) : strlen(p);
			if (!known(p, len)) {
				pr_err("test: no suite named '%.*s'; suites are:", (int)len, p);
				for (const struct ktest_suite *const *s = __ktests_start; s < __ktests_end; s++)
					pr_err(" %s", (*s)->name);
				pr_err("\n");
				return -1;
			}
			if (!comma)
				break;
			p = comma + 1;
		}
	}
	u32 nsuites = 0;
	for (const struct ktest_suite *const *s = __ktests_start; s < __ktests_end; s++)
		nsuites += selected(*s, spec);

	int failed_total = 0;
	u32 idx = 0;
	kprintf("KTAP version 1\n1..%u\n", nsuites);
	for (const struct ktest_suite *const *sp = __ktests_start; sp < __ktests_end; sp++) {
		const struct ktest_suite *s = *sp;
		if (!selected(s, spec))
			continue;
		idx++;
		int failed = 0;
		if (s->dynamic) {
			kprintf("    KTAP version 1\n    # Subtest: %s\n", s->name);
			struct ktest_dyn d = { 0, 0, 0 };
			if ((s->flags & KTEST_NEEDS_SVM) && !svm_usable_for_tests) {
				ktest_dyn_plan(&d, 1);
				ktest_dyn_result(&d, "svm", KTEST_SKIPPED, "SVM is not usable on this machine");
			} else {
				s->dynamic(&d);
			}
			if (!d.planned && !d.reported)
				ktest_dyn_plan(&d, 0);
			for (u32 i = d.reported; i < d.planned; i++)
				ktest_dyn_result(&d, "missing", KTEST_FAIL, "planned but never reported");
			failed = (int)d.failed;
			kprintf("%sok %u %s\n", failed ? "not " : "", idx, s->name);
			failed_total += failed;
			continue;
		}
		kprintf("    KTAP version 1\n    # Subtest: %s\n    1..%lu\n", s->name, s->ncases);
		for (size_t i = 0; i < s->ncases; i++) {
			struct ktest t = { .name = s->cases[i].name };
			if ((s->flags & KTEST_NEEDS_SVM) && !svm_usable)
				ktest_skip(&t, "SVM is not usable on this machine");
			else
				s->cases[i].fn(&t);
			if (t.failures) {
				failed++;
				kprintf("    not ok %lu %s\n", i + 1, t.name);
			} else if (t.skipped) {
				kprintf("    ok %lu %s # SKIP %s\n", i + 1, t.name, t.skip_reason);
			} else {
				kprintf("    ok %lu %s\n", i + 1, t.name);
			}
		}
		kprintf("%sok %u %s\n", failed ? "not " : "", idx, s->name);
		failed_total += failed;
	}
	return failed_total;
}
