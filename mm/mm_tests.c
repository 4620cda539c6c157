/* mm/mm_tests.c - KTAP suite "mm": the frame allocator and heap as the
 * booted kernel has them (what must never be handed out, double frees,
 * exhaustion-safe large allocations), and the kernel page tables (direct
 * map, W^X of the image, no identity map left behind). */
#include "kernel/ktest.h"
#include "kernel/boot.h"
#include "kernel/mb2.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/pte.h"
#include "mm/vmm.h"
#include "kernel/cpu.h"

static bool rdmsr_nx(void)
{
	return rdmsr(MSR_EFER) & EFER_NXE;
}

extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __text_start[], __rodata_start[], __data_start[];

static bool overlaps(paddr_t pa, u64 b, u64 e)
{
	return pa < e && pa + 4096 > b;
}

/* Allocates frames until a few thousand are out and checks none of them is
 * in the first MiB, the kernel image, the boot information or a module. */
static void frames_avoid_reserved_memory(struct ktest *t)
{
	enum { N = 4096 };
	static paddr_t got[N];
	u32 n = 0, bad = 0;
	for (; n < N; n++) {
		if (frame_alloc(1, 1, &got[n]))
			break;
		paddr_t pa = got[n];
		if (pa < 0x100000 || overlaps(pa, (u64)__kernel_phys_start, (u64)__kernel_phys_end) ||
		    overlaps(pa, boot_mbi_phys, boot_mbi_phys + boot_info.total_size))
			bad++;
		for (u32 m = 0; m < boot_info.module_count; m++)
			if (overlaps(pa, boot_info.modules[m].start, boot_info.modules[m].end))
				bad++;
	}
	for (u32 i = 0; i < n; i++)
		frame_free(got[i], 1);
	KT_EXPECT(t, n == N, "%u frames, got %u", N, n);
	KT_EXPECT(t, bad == 0, "no frame in reserved memory, %u were", bad);
	KT_EXPECT(t, frame_check() == 0, "allocator consistent afterwards");
}

static void frame_double_free_is_refused(struct ktest *t)
{
	paddr_t pa;
	KT_EXPECT(t, frame_alloc(1, 1, &pa) == 0, "a frame");
	struct pmm_stats a, b;
	KT_EXPECT(t, frame_free(pa, 1) == 0, "first free works");
	frame_stats(&a);
	KT_EXPECT(t, frame_free(pa, 1) == -EINVAL, "second free refused");
	KT_EXPECT(t, frame_free((paddr_t)__kernel_phys_start, 1) == -EINVAL, "freeing the kernel refused");
	frame_stats(&b);
	KT_EXPECT_EQ(t, b.free_pages, a.free_pages);
}

static void aligned_runs_for_guest_ram(struct ktest *t)
{
	paddr_t pa;
	KT_EXPECT(t, frame_alloc(1024, 512, &pa) == 0, "4 MiB at 2 MiB alignment");
	KT_EXPECT(t, IS_ALIGNED(pa, 0x200000), "2 MiB aligned, found %#lx", pa);
	frame_free(pa, 1024);
	KT_EXPECT(t, frame_alloc(1ULL << 40, 1, &pa) == -ENOMEM, "an absurd request fails cleanly");
}

static void heap_objects_of_any_size(struct ktest *t)
{
	static void *p[64];
	size_t sizes[] = { 1, 16, 17, 100, 2048, 2049, 4096, 5000, 65536, 1 << 20 };
	u32 n = 0;
	for (u32 i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[n] = kmalloc(sizes[i]);
		KT_EXPECT(t, p[n] != NULL, "kmalloc(%lu)", sizes[i]);
		if (p[n]) {
			memset(p[n], 0x5a, sizes[i]);
			KT_EXPECT(t, IS_ALIGNED((u64)p[n], 16), "16-byte aligned");
			n++;
		}
	}
	for (u32 i = 0; i < n; i++)
		kfree(p[i]);
	KT_EXPECT(t, kmem_heap_check() == 0, "heap consistent");
	void *q = kmalloc(64);
	kfree(q);
	KT_EXPECT(t, kfree_checked(q) == -EINVAL, "double kfree refused");
}

static void image_is_write_xor_execute(struct ktest *t)
{
	unsigned int lvl;
	u64 *e = vmm_lookup(kernel_cr3, (u64)__text_start, &lvl);
	KT_EXPECT(t, e && !(*e & PTE_W) && !(*e & PTE_NX), "text read-only and executable");
	e = vmm_lookup(kernel_cr3, (u64)__rodata_start, &lvl);
	KT_EXPECT(t, e && !(*e & PTE_W), "rodata read-only");
	e = vmm_lookup(kernel_cr3, (u64)__data_start, &lvl);
	KT_EXPECT(t, e && (*e & PTE_W), "data writable");
	if (rdmsr_nx())
		KT_EXPECT(t, e && (*e & PTE_NX), "data not executable");
	KT_EXPECT(t, vmm_lookup(kernel_cr3, 0x200000, &lvl) == NULL, "no identity map left");
	KT_EXPECT(t, vmm_lookup(kernel_cr3, HHDM_BASE + 0x100000, &lvl) != NULL, "direct map present");
}

KTEST_SUITE(mm, "mm", 0,
	KTEST_CASE(frames_avoid_reserved_memory),
	KTEST_CASE(frame_double_free_is_refused),
	KTEST_CASE(aligned_runs_for_guest_ram),
	KTEST_CASE(heap_objects_of_any_size),
	KTEST_CASE(image_is_write_xor_execute));
