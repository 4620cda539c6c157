/* bench/machine.c - which machine a benchmark log came from: the CPU, its
 * SVM features, the number of CPUs and the hypervisor underneath, hashed
 * into a machine id; printed as the suite's header on the console and as
 * the one `BENCHMETA {json}` line before the results (bench/suite.c calls
 * them, tools/wsreport groups logs by the id). */
#include "version.h"
#include "bench/bench.h"
#include "svm/svm.h"
#include "kernel/boot.h"
#include "kernel/cpu.h"
#include "kernel/cpuinfo.h"
#include "kernel/mb2.h"
#include "kernel/options.h"
#include "kernel/printk.h"
#include "lib/json.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "drivers/timer.h"

static char hv_sig[13];
static char machine_id[17];

static const char *platform_name(void)
{
	if (!cpu_info.hypervisor)
		return "hardware";
	if (!strcmp(hv_sig, "KVMKVMKVM"))
		return "KVM";
	if (!strcmp(hv_sig, "TCGTCGTCGTCG") || !hv_sig[0])
		return "QEMU (TCG)";
	return "hypervisor";
}

static u64 fnv1a(u64 h, const void *p, size_t n)
{
	const u8 *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* What identifies the machine a log came from: the CPU and what it says
 * about itself, the number of CPUs, and who is underneath.  Not the TSC
 * rate (a measurement) nor the firmware (the same machine boots both). */
void bench_machine_identify(void)
{
	memset(hv_sig, 0, sizeof(hv_sig));
	if (cpu_info.hypervisor) {
		u32 a, b, c, d;
		cpuid(0x40000000, &a, &b, &c, &d);
		memcpy(hv_sig, &b, 4);
		memcpy(hv_sig + 4, &c, 4);
		memcpy(hv_sig + 8, &d, 4);
		for (u32 i = 0; i < 12; i++)
			if (hv_sig[i] && ((u8)hv_sig[i] < 0x20 || (u8)hv_sig[i] > 0x7e))
				hv_sig[i] = '?';
	}
	u64 h = 0xcbf29ce484222325ULL;
	u32 words[] = { cpu_info.family, cpu_info.model, cpu_info.stepping, ncpus_online,
			cpu_info.svm_revision, cpu_info.svm_features, cpu_info.svm_nasid,
			cpu_info.hypervisor };
	h = fnv1a(h, cpu_info.vendor, strlen(cpu_info.vendor));
	h = fnv1a(h, cpu_info.brand, strlen(cpu_info.brand));
	h = fnv1a(h, words, sizeof(words));
	h = fnv1a(h, hv_sig, strlen(hv_sig));
	ksnprintf(machine_id, sizeof(machine_id), "%016lx", h);
}

static const char *brand(void)
{
	const char *b = cpu_info.brand;
	while (*b == ' ')
		b++;
	return *b ? b : "(no brand string)";
}

void bench_print_meta(const struct bench_plan *p)
{
	struct json_buf j = { .len = 0 };
	json_add(&j, "{");
	json_str(&j, "suite", p->name);
	json_str(&j, "version", SVMHV_VERSION);
	json_str(&j, "machine_id", machine_id);
	json_str(&j, "cpu_vendor", cpu_info.vendor);
	json_str(&j, "cpu_brand", brand());
	json_u64(&j, "family", cpu_info.family);
	json_u64(&j, "model", cpu_info.model);
	json_u64(&j, "stepping", cpu_info.stepping);
	json_u64(&j, "cpus", ncpus_online);
	json_u64(&j, "tsc_hz", tsc_hz);
	json_str(&j, "tsc_source", timer_ref_name(tsc_source));
	json_bool(&j, "invariant_tsc", cpu_info.has_invariant_tsc);
	json_bool(&j, "hypervisor", cpu_info.hypervisor);
	json_str(&j, "hypervisor_sig", hv_sig);
	json_str(&j, "platform", platform_name());
	json_str(&j, "firmware", boot_info.efi_boot ? "UEFI" : "BIOS");
	json_bool(&j, "rdtscp", cpu_info.has_rdtscp);
	json_bool(&j, "nrip_save", cpu_info.svm_features & SVM_FEAT_NRIPS);
	json_bool(&j, "hostcheck", kopt.hostcheck);
	json_str(&j, "clock", kopt.icount ? "icount" : "tsc");
	json_bool(&j, "fsgsbase", cpu_info.has_fsgsbase);
	json_u64(&j, "rounds", p->rounds);
	json_u64(&j, "samples", p->samples);
	json_add(&j, ",\"policies\":[\"vmsave\",\"cached\",\"lazy\"]");
	bench_emit_json(&j, "BENCHMETA ");
}

void bench_print_header(const struct bench_plan *p)
{
	kprintf("bench: world-switch benchmarks '%s': %u rounds, policies vmsave, cached and lazy in turn "
		"(A B C A B C), %u samples per micro benchmark after %u warm-up iterations\n", p->name,
		p->rounds, p->samples, p->warmup);
	kprintf("bench: cpu %s '%s' family %#x model %#x stepping %u, %u CPUs\n", cpu_info.vendor, brand(),
		cpu_info.family, cpu_info.model, cpu_info.stepping, ncpus_online);
	kprintf("bench: TSC %lu.%03lu MHz (%s), invariant TSC (CPUID 0x80000007 EDX[8]) %s; "
		"timestamps %s\n", tsc_hz / 1000000, (tsc_hz / 1000) % 1000, timer_ref_name(tsc_source),
		cpu_info.has_invariant_tsc ? "yes" : "NO", cpu_info.has_rdtscp ? "RDTSCP" : "LFENCE; RDTSC");
	kprintf("bench: firmware %s; platform %s (hypervisor bit %s%s%s); machine id %s\n",
		boot_info.efi_boot ? "UEFI" : "BIOS", platform_name(), cpu_info.hypervisor ? "set" : "clear",
		hv_sig[0] ? ", signature " : "", hv_sig, machine_id);
	if (cpu_info.hypervisor)
		kprintf("bench: WARNING: running under a hypervisor: these numbers describe the emulation, "
			"not an AMD CPU\n");
	if (!cpu_info.has_invariant_tsc)
		kprintf("bench: WARNING: no invariant TSC: TSC cycles may not be CPU cycles, and frequency "
			"changes move them\n");
	if (kopt.hostcheck)
		kprintf("bench: WARNING: hostcheck=1: every exit also runs the host-state check\n");
}
