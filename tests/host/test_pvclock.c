/* tests/host/test_pvclock.c - vmm/pvclock_core.c: the TSC-to-ns factor of
 * KVM's paravirtual clock for TSC rates from 1 kHz to 1 THz, checked against
 * exact 128-bit arithmetic (the guest's result is never ahead of the true
 * time and behind it by at most 2 ns + 2^-31 of it), the bounds the ABI
 * wants (mul in [2^31, 2^32)), the TSC rate a guest derives back from it
 * the way Linux does, and the one-clock-per-VM property of the structures
 * (every vCPU reads the same time whatever its TSC offset).  The accuracy
 * check is itself shown to catch a factor that is off (a shift one too
 * large or too small, a mul one too large). */
#include "tests/host/host_support.h"
#include "vmm/pvclock_core.h"
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

static const u64 rates[] = {
	1000, 1001, 32768, 1000000, 14318180, 99999999, 100000000, 500000000, 999999999,
	1000000000, 1000000001, 1193182000ULL, 2096006000ULL, 2100000000ULL, 2999999999ULL,
	3579545000ULL, 4000000000ULL, 4294967296ULL, 5000000000ULL, 12345678901ULL,
	100000000000ULL, 999999999999ULL, 1000000000000ULL,
};

static u64 exact_ns(u64 ticks, u64 hz)
{
	return (u64)((u128)ticks * 1000000000u / hz);
}

/* Whether the scaled value of every tick count in a spread (small ones, one
 * second, an hour, 10 years, big random ones) is within the bound of the
 * file comment, and monotonic at each point. */
static bool scale_accurate(const struct pvclock_scale *s, u64 hz)
{
	u64 ticks[64];
	int n = 0;
	for (u64 t = 0; t < 20; t++)
		ticks[n++] = t;
	ticks[n++] = hz - 1;
	ticks[n++] = hz;
	ticks[n++] = hz + 1;
	ticks[n++] = 3600 * hz;
	ticks[n++] = 10ULL * 365 * 86400 * (hz / 1000) * 1000;
	u64 x = 0x9e3779b97f4a7c15ULL;
	while (n < 64) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		/* up to ~100 years at this rate, and below 2^62 for the shifts */
		ticks[n++] = x % (100ULL * 365 * 86400 * (hz > 1000000000ULL ? 10 : 1) * (hz / 1000) + 1) % (1ULL << 62);
	}
	for (int i = 0; i < n; i++) {
		u64 want = exact_ns(ticks[i], hz), got = pvclock_scale_delta(ticks[i], s);
		if (got > want || want - got > 2 + (want >> 31)) {
			if (getenv_verbose())
				fprintf(stderr, "hz %llu ticks %llu: exact %llu got %llu\n",
					(unsigned long long)hz, (unsigned long long)ticks[i],
					(unsigned long long)want, (unsigned long long)got);
			return false;
		}
		if (ticks[i] + 1 && pvclock_scale_delta(ticks[i] + 1, s) < got)
			return false;
	}
	return true;
}

static void test_scale_bounds(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		u64 hz = rates[i];
		struct pvclock_scale s;
		assert_int_equal(pvclock_scale_for_hz(hz, &s), 0);
		assert_true(s.mul >= 0x80000000u);
		/* hz * 2^(shift-1) <= 10^9 < hz * 2^shift, in 128 bits */
		u128 lo = s.shift >= 1 ? (u128)hz << (s.shift - 1) : ((u128)hz >> (1 - s.shift));
		u128 hi = s.shift >= 0 ? (u128)hz << s.shift : 0;
		if (s.shift >= 1)
			assert_true(lo <= 1000000000u);
		else	/* exact: 10^9 * 2^(1-shift) >= hz */
			assert_true(((u128)1000000000u << (1 - s.shift)) >= hz);
		if (s.shift >= 0)
			assert_true(hi > 1000000000u);
		else
			assert_true(((u128)1000000000u << -s.shift) < hz);
		/* mul is the floor of 10^9 * 2^(32-shift) / hz */
		u128 m = ((u128)1000000000u << (32 - s.shift)) / hz;
		assert_true(m == s.mul);
	}
}

static void test_scale_accuracy(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		struct pvclock_scale s;
		assert_int_equal(pvclock_scale_for_hz(rates[i], &s), 0);
		assert_true(scale_accurate(&s, rates[i]));
	}
	/* and every rate in a sweep of 1 kHz .. 1 THz by factors of ~1.001 */
	for (u64 hz = 1000; hz <= 1000000000000ULL; hz += hz / 997 + 1) {
		struct pvclock_scale s;
		assert_int_equal(pvclock_scale_for_hz(hz, &s), 0);
		assert_true(s.mul >= 0x80000000u);
		assert_true(scale_accurate(&s, hz));
	}
}

/* The negative control: the check above fails for a factor that is off. */
static void test_accuracy_check_catches_wrong_factors(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		struct pvclock_scale s, bad;
		assert_int_equal(pvclock_scale_for_hz(rates[i], &s), 0);
		bad = s;
		bad.shift++;
		assert_false(scale_accurate(&bad, rates[i]));
		bad = s;
		bad.shift--;
		assert_false(scale_accurate(&bad, rates[i]));
		bad = s;
		bad.mul++;	/* ahead of the true time for long intervals */
		assert_false(scale_accurate(&bad, rates[i]));
	}
}

/* Linux derives the TSC rate from the structure (its pvclock_tsc_khz):
 * 10^6 * 2^32 / mul kHz, shifted back by tsc_shift.  That must give the
 * rate back within a part per million plus one kHz. */
static void test_guest_derives_rate(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rates); i++) {
		u64 hz = rates[i];
		if (hz < 1000000)
			continue;	/* kHz resolution says nothing below 1 MHz */
		struct pvclock_scale s;
		assert_int_equal(pvclock_scale_for_hz(hz, &s), 0);
		u64 khz = (1000000ULL << 32) / s.mul;
		if (s.shift < 0)
			khz <<= -s.shift;
		else
			khz >>= s.shift;
		u64 want = hz / 1000;
		u64 diff = khz > want ? khz - want : want - khz;
		assert_true(diff <= want / 1000000 + 1);
	}
}

static void test_bad_rates(void **state)
{
	struct pvclock_scale s;
	assert_int_equal(pvclock_scale_for_hz(0, &s), -EINVAL);
	assert_int_equal(pvclock_scale_for_hz(999, &s), -EINVAL);
	assert_int_equal(pvclock_scale_for_hz(1000000000001ULL, &s), -EINVAL);
	assert_int_equal(pvclock_scale_for_hz(~0ULL, &s), -EINVAL);
}

/* Two vCPUs of one VM with different TSC offsets read the same time at the
 * same host TSC, 0 at the reference and one second a second later; their
 * structures differ only in tsc_timestamp.  The flag follows `stable`. */
static void test_one_clock_per_vm(void **state)
{
	const u64 hz = 2096006000ULL, ref = 0x123456789aULL;
	const u64 offsets[] = { 0, 1000, (u64)-5000000000LL, (u64)-ref, 0x7fffffffffffULL };
	struct pvclock_scale s;
	assert_int_equal(pvclock_scale_for_hz(hz, &s), 0);
	for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
		struct pvclock_vcpu_time_info t;
		memset(&t, 0xa5, sizeof(t));
		pvclock_fill(&t, ref, offsets[i], &s, i % 2);
		assert_int_equal(t.version, 0xa5a5a5a5u);	/* the caller's */
		assert_int_equal(t.pad0, 0);
		assert_int_equal(t.flags, i % 2 ? PVCLOCK_TSC_STABLE_BIT : 0);
		assert_int_equal(t.tsc_to_system_mul, s.mul);
		assert_int_equal(t.tsc_shift, s.shift);
		assert_int_equal(t.tsc_timestamp, ref + offsets[i]);
		assert_int_equal(pvclock_read_ns(&t, ref + offsets[i]), 0);
		u64 one_s = pvclock_read_ns(&t, ref + hz + offsets[i]);
		assert_true(one_s <= 1000000000ULL && one_s >= 1000000000ULL - 3);
		u64 later = ref + 7777 * hz + 12345;
		assert_int_equal(pvclock_read_ns(&t, later + offsets[i]),
				 pvclock_scale_delta(later - ref, &s));
	}
}

static void test_wall(void **state)
{
	struct pvclock_wall_clock w = { .version = 7 };
	pvclock_wall_fill(&w, 1764672000ULL * 1000000000ULL + 999999999ULL);
	assert_int_equal(w.version, 7);
	assert_int_equal(w.sec, 1764672000u);
	assert_int_equal(w.nsec, 999999999u);
	pvclock_wall_fill(&w, 0);
	assert_int_equal(w.sec, 0);
	assert_int_equal(w.nsec, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_bounds),
		cmocka_unit_test(test_scale_accuracy),
		cmocka_unit_test(test_accuracy_check_catches_wrong_factors),
		cmocka_unit_test(test_guest_derives_rate),
		cmocka_unit_test(test_bad_rates),
		cmocka_unit_test(test_one_clock_per_vm),
		cmocka_unit_test(test_wall),
	};
	return cmocka_run_group_tests_name("pvclock", tests, NULL, NULL);
}
