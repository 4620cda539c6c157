/* bench/result.c - the store of benchmark results (bench/result.h): one
 * entry per bench/scenario/policy, samples pooled over the rounds, each
 * round's median kept apart.  Filled by bench/ws_runs.c and
 * bench/sched_switch.c, printed by bench/report.c. */
#include "bench/result.h"
#include "kernel/printk.h"
#include "lib/printf.h"
#include "lib/sort.h"
#include "lib/string.h"
#include "mm/kmem.h"

struct bench_result bench_results[BENCH_MAX_RESULTS];
u32 bench_nresults;

u64 bench_median_small(const u64 *v, u32 n)
{
	u64 tmp[BENCH_MAX_ROUNDS];
	if (!n)
		return 0;
	n = MIN(n, BENCH_MAX_ROUNDS);
	memcpy(tmp, v, n * sizeof(u64));
	sort_u64(tmp, n);
	return tmp[(n - 1) / 2];
}

struct bench_result *bench_result_new(const char *bench, const char *scenario, const char *policy)
{
	for (u32 i = 0; i < bench_nresults; i++) {
		struct bench_result *r = &bench_results[i];
		if (!strcmp(r->bench, bench) && !strcmp(r->scenario, scenario) && !strcmp(r->policy, policy))
			return r;
	}
	if (bench_nresults == BENCH_MAX_RESULTS) {
		pr_err("bench: more than %u results; %s/%s/%s dropped\n", BENCH_MAX_RESULTS, bench,
		       scenario, policy);
		return NULL;
	}
	struct bench_result *r = &bench_results[bench_nresults++];
	memset(r, 0, sizeof(*r));
	ksnprintf(r->bench, sizeof(r->bench), "%s", bench);
	ksnprintf(r->scenario, sizeof(r->scenario), "%s", scenario);
	r->policy = policy;
	return r;
}

int bench_result_add(struct bench_result *r, const u64 *s, u32 n)
{
	if (r->nsamples + (u64)n > r->cap) {
		u32 cap = MAX(r->cap * 2, r->nsamples + n);
		u64 *bigger = kmalloc((size_t)cap * sizeof(u64));
		if (!bigger) {
			r->failed = true;
			ksnprintf(r->note, sizeof(r->note), "out of memory for %u samples", cap);
			return -ENOMEM;
		}
		if (r->samples)
			memcpy(bigger, r->samples, r->nsamples * sizeof(u64));
		kfree(r->samples);
		r->samples = bigger;
		r->cap = cap;
	}
	memcpy(r->samples + r->nsamples, s, (size_t)n * sizeof(u64));
	r->nsamples += n;
	r->iterations += n;
	return 0;
}

/* One round's samples: pooled, and the round's median kept apart. */
void bench_result_round(struct bench_result *r, const u64 *s, u32 n)
{
	if (!n || bench_result_add(r, s, n))
		return;
	u64 *tmp = kmalloc((size_t)n * sizeof(u64));
	if (!tmp)
		return;
	memcpy(tmp, s, (size_t)n * sizeof(u64));
	sort_u64(tmp, n);
	if (r->rounds < BENCH_MAX_ROUNDS)
		r->round_median[r->rounds++] = tmp[(n - 1) / 2];
	kfree(tmp);
}

void bench_result_fail(struct bench_result *r, const char *fmt, ...)
{
	if (!r)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (!r->failed)
		kvsnprintf(r->note, sizeof(r->note), fmt, ap);
	va_end(ap);
	r->failed = true;
	pr_err("bench: %s/%s/%s failed: %s\n", r->bench, r->scenario, r->policy, r->note);
}

void bench_result_skip(struct bench_result *r, const char *why)
{
	if (!r)
		return;
	r->skipped = true;
	ksnprintf(r->note, sizeof(r->note), "%s", why);
}

void bench_results_reset(void)
{
	for (u32 i = 0; i < bench_nresults; i++)
		kfree(bench_results[i].samples);
	memset(bench_results, 0, sizeof(bench_results));
	bench_nresults = 0;
}

/* After the last round: the statistics of the pooled samples and the
 * median of each traced phase over the rounds. */
void bench_results_finish(void)
{
	for (u32 i = 0; i < bench_nresults; i++) {
		struct bench_result *r = &bench_results[i];
		stats_compute(r->samples, r->nsamples, &r->st);
		if (r->has_phases)
			for (u32 k = 0; k < BENCH_NPHASES; k++)
				r->phase[k] = bench_median_small(r->phase_round[k], r->rounds);
		if (!r->failed && !r->skipped && !r->st.n)
			bench_result_fail(r, "no samples");
	}
}
