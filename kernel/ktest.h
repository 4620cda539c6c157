/* kernel/ktest.h - in-kernel test suites, chosen with test=all or
 * test=SUITE[,SUITE], reported in KTAP over the serial port.  A suite is
 * registered with KTEST_SUITE anywhere in the kernel. */
#ifndef SVMHV_KTEST_H
#define SVMHV_KTEST_H
#include "lib/types.h"

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

/* A dynamic suite learns its cases as it runs (one per guest, say): it
 * announces its plan with ktest_dyn_plan, then reports each case. */
struct ktest_dyn {
	u32 planned, reported, failed;
};
void ktest_dyn_plan(struct ktest_dyn *d, u32 n);
void ktest_dyn_result(struct ktest_dyn *d, const char *name, int status, const char *fmt, ...)
	__printf(4, 5);
#define KTEST_PASS 0
#define KTEST_FAIL 1
#define KTEST_SKIPPED 2

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;
	size_t ncases;
	u32 flags;
	void (*dynamic)(struct ktest_dyn *d);
};

#define KTEST_CASE(fn) { #fn, fn }
#define KTEST_DYNAMIC_SUITE(id, sname, sflags, fn)					\
	static const struct ktest_suite id##_suite = { sname, NULL, 0, sflags, fn };	\
	static const struct ktest_suite *const id##_ptr					\
		__attribute__((section(".ktests"), used)) = &id##_suite
#define KTEST_SUITE(id, sname, sflags, ...)						\
	static const struct ktest_case id##_cases[] = { __VA_ARGS__ };			\
	static const struct ktest_suite id##_suite = {					\
		sname, id##_cases, ARRAY_SIZE(id##_cases), sflags, NULL };		\
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
