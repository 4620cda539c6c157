/* tests/host/test_cpuid_topo.c - vmm/cpuid_topo.c: for 1 to 8 vCPUs (and
 * a few more), every topology leaf agrees with the MADT's APIC IDs 0..n-1
 * and the vCPU count, starting from host values that say something else
 * (all-ones registers, or a 64-thread host), and leaves the other fields
 * alone.  Also decodes the result the way an AMD guest derives its core
 * and package IDs (ApicIdCoreIdSize, else NC) and checks every vCPU lands
 * in package 0 with a core ID of its own. */
#include "tests/host/host_support.h"
#include "vmm/cpuid_topo.h"

static void test_core_bits(void **state)
{
	const u32 want[] = { 0, 0, 1, 2, 2, 3, 3, 3, 3, 4 };
	for (u32 n = 1; n <= 9; n++)
		assert_int_equal(cpuid_topo_core_bits(n), want[n]);
	assert_int_equal(cpuid_topo_core_bits(16), 4);
	assert_int_equal(cpuid_topo_core_bits(17), 5);
}

static void test_leaf1(void **state)
{
	for (u32 n = 1; n <= 8; n++)
		for (u32 id = 0; id < n; id++) {
			u32 a = 0x00a00f11, b = 0x40800800, c = ~0u, d = 0x178bfbff;
			cpuid_topo_apply(1, 0, n, id, &a, &b, &c, &d);
			assert_int_equal(b >> 24, id);
			assert_int_equal((b >> 16) & 0xff, n);
			assert_int_equal(b & 0xffff, 0x0800);	/* CLFLUSH size, brand: kept */
			assert_int_equal(!!(d & BIT(28)), n > 1);
			assert_int_equal(d & ~(u32)BIT(28), 0x178bfbff & ~(u32)BIT(28));
			assert_int_equal(a, 0x00a00f11);
			assert_int_equal(c, ~0u);
		}
}

static void test_amd_leaves_decode(void **state)
{
	for (u32 n = 1; n <= 12; n++) {
		bool core_seen[16] = { false };
		for (u32 id = 0; id < n; id++) {
			u32 a = ~0u, b = ~0u, c = ~0u, d = ~0u;
			cpuid_topo_apply(0x80000001, 0, n, id, &a, &b, &c, &d);
			assert_int_equal(!!(c & BIT(1)), n > 1);	/* CmpLegacy */
			assert_int_equal(c | BIT(1), ~0u);
			a = 0x3030, b = 0x1234, c = 0x0003f03f, d = 0;	/* a 64-core host */
			cpuid_topo_apply(0x80000008, 0, n, id, &a, &b, &c, &d);
			assert_int_equal(a, 0x3030);
			assert_int_equal(b, 0x1234);
			assert_int_equal(c & 0xff, n - 1);	/* NC */
			assert_int_equal(c & 0x30000, 0x30000);	/* PerfTscSize kept */
			u32 bits = (c >> 12) & 0xf;
			if (!bits) {			/* the legacy rule: NC + 1, a power of two up */
				bits = 0;
				while ((1u << bits) < (c & 0xff) + 1)
					bits++;
			}
			assert_true((1u << bits) >= n);
			u32 core = id & ((1u << bits) - 1), pkg = id >> bits;
			assert_int_equal(pkg, 0);
			assert_false(core_seen[core]);
			core_seen[core] = true;
			/* 0x8000001E */
			a = b = c = d = 0xdeadbeef;
			cpuid_topo_apply(0x8000001e, 0, n, id, &a, &b, &c, &d);
			assert_int_equal(a, id);
			assert_int_equal(b, id);		/* 1 thread per core, core = id */
			assert_int_equal(c, 0);			/* 1 node, node 0 */
		}
	}
}

static void test_extended_topology(void **state)
{
	const u32 leaves[] = { 0xb, 0x1f, 0x80000026 };
	for (size_t l = 0; l < ARRAY_SIZE(leaves); l++)
		for (u32 n = 1; n <= 8; n++)
			for (u32 id = 0; id < n; id++) {
				u32 a = 1, b = 64, c = 0x100, d = 77;	/* a host's answer */
				cpuid_topo_apply(leaves[l], 0, n, id, &a, &b, &c, &d);
				assert_int_equal(a, 0);
				assert_int_equal(b, 1);
				assert_int_equal(c & 0xff, 0);
				assert_int_equal(c >> 8, 1);	/* SMT (0xB) / Core (AMD) */
				assert_int_equal(d, id);
				a = 7, b = 64, c = 0x201, d = 77;
				cpuid_topo_apply(leaves[l], 1, n, id, &a, &b, &c, &d);
				assert_int_equal(a, cpuid_topo_core_bits(n));
				assert_true((1u << a) >= n);
				assert_int_equal(b, n);
				assert_int_equal(c & 0xff, 1);
				assert_int_equal(c >> 8, leaves[l] == 0x80000026 ? 4 : 2);
				assert_int_equal(d, id);
				/* the package ID of every vCPU is 0 */
				assert_int_equal(id >> a, 0);
				for (u32 sub = 2; sub < 5; sub++) {
					a = b = c = d = ~0u;
					cpuid_topo_apply(leaves[l], sub, n, id, &a, &b, &c, &d);
					assert_int_equal(a, 0);
					assert_int_equal(b, 0);
					assert_int_equal(c, sub);	/* type 0: invalid level */
					assert_int_equal(d, id);
				}
			}
}

static void test_cache_sharing(void **state)
{
	for (u32 n = 1; n <= 8; n++) {
		/* AMD 0x8000001D: L1d (level 1, type 1), L3 (level 3, type 3) */
		u32 a = (1 << 5) | 1 | (7u << 14), b = 0x01c0003f, c = 63, d = 0;
		cpuid_topo_apply(0x8000001d, 0, n, 0, &a, &b, &c, &d);
		assert_int_equal((a >> 14) & 0xfff, 0);
		assert_int_equal(a & 0x3fff, (1 << 5) | 1);
		assert_int_equal(b, 0x01c0003f);
		a = (3 << 5) | 3 | (15u << 14) | BIT(8);
		cpuid_topo_apply(0x8000001d, 3, n, 0, &a, &b, &c, &d);
		assert_int_equal((a >> 14) & 0xfff, n - 1);
		assert_int_equal(a & 0x3fff, (3 << 5) | 3 | BIT(8));
		a = 0;		/* no more caches: untouched */
		cpuid_topo_apply(0x8000001d, 4, n, 0, &a, &b, &c, &d);
		assert_int_equal(a, 0);
		/* Intel leaf 4 */
		a = (3 << 5) | 3 | (31u << 14) | (63u << 26);
		cpuid_topo_apply(4, 3, n, 0, &a, &b, &c, &d);
		assert_int_equal(a >> 26, (1u << cpuid_topo_core_bits(n)) - 1);
		assert_int_equal((a >> 14) & 0xfff, (1u << cpuid_topo_core_bits(n)) - 1);
	}
}

static void test_other_leaves_untouched(void **state)
{
	const u32 leaves[] = { 0, 2, 7, 0xd, 0x80000000, 0x80000007, 0x8000001f, 0x40000000 };
	for (size_t i = 0; i < ARRAY_SIZE(leaves); i++) {
		assert_false(cpuid_topo_leaf(leaves[i]));
		u32 a = 1, b = 2, c = 3, d = 4;
		cpuid_topo_apply(leaves[i], 0, 4, 2, &a, &b, &c, &d);
		assert_true(a == 1 && b == 2 && c == 3 && d == 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_bits),
		cmocka_unit_test(test_leaf1),
		cmocka_unit_test(test_amd_leaves_decode),
		cmocka_unit_test(test_extended_topology),
		cmocka_unit_test(test_cache_sharing),
		cmocka_unit_test(test_other_leaves_untouched),
	};
	return cmocka_run_group_tests_name("cpuid_topo", tests, NULL, NULL);
}
