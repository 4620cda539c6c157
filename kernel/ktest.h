/* kernel/ktest.h - in-kernel test suites, chosen with test=all or
 * test=SUITE[,SUITE], reported in KTAP over the serial port.  A suite is
 * registered with KTEST_SUITE anywhere in the kernel. */
#ifndef SVMHV_KTEST_H
#define SVMHV_KTEST_H
#include "kernel/types.h"

struct ktest {
	const char *name;
	int failures;
	bool skipped;
	char skip_reason[120];
};
typedef void (*ktest_fn)(struct ktest *t);

struct ktest_case {
	const char *name;
	ktest_fn fn;
};

#define KTEST_EXPLICIT  BIT(0)	/* run only when named, never by test=all */
#define KTEST_NEEDS_SVM BIT(1)	/* skipped when SVM is unusable */

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;
	size_t ncases;
	u32 flags;
};

#define KTEST_CASE(fn) { #fn, fn }
#define KTEST_SUITE(id, sname, sflags, ...)						\
	static const struct ktest_case id##_cases[] = { __VA_ARGS__ };			\
	static const struct ktest_suite id##_suite = {					\
		sname, id##_cases, ARRAY_SIZE(id##_cases), sflags };			\
	static const struct ktest_suite *const id##_ptr					\
		__attribute__((section(".ktests"), used)) = &id##_suite

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...) __printf(4, 5);
void ktest_skip(struct ktest *t, const char *fmt, ...) __printf(2, 3);
void ktest_note(struct ktest *t, const char *fmt, ...) __printf(2, 3);

#define KT_EXPECT(t, cond, ...) do { if (!(cond)) \
	ktest_fail(t, __FILE__, __LINE__, __VA_ARGS__); } while (0)
#define KT_EXPECT_EQ(t, found, expected) do {						\
	u64 f_ = (u64)(found), e_ = (u64)(expected);					\
	if (f_ != e_) ktest_fail(t, __FILE__, __LINE__,					\
		"%s: expected %#lx (%s), found %#lx", #found, e_, #expected, f_);	\
	} while (0)
#define KT_SKIP(t, ...) do { ktest_skip(t, __VA_ARGS__); return; } while (0)

/* Runs the suites the spec names; returns the number of failed cases,
 * or -1 when the spec names a suite that does not exist. */
int ktest_run(const char *spec, bool svm_usable);
#endif
