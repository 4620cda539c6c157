/* vmm/loader/loader.h - what a guest module says about itself: the settings
 * in its multiboot2 module string (cfg.c), which kind of image it carries
 * (flat binary, ELF32, ELF64) and the loaders that copy it into guest RAM
 * (elf.c, flat.c), and the neutral start state a loader fills and the
 * backend turns into its own format (start.c).  Pure logic except start.c:
 * guest setup calls
 * it with the module's string and bytes, the host unit tests with made-up
 * ones.  Everything here is input from outside, so each refusal is one
 * pr_err naming the key, value or header field at fault.
 *
 * Module string (docs/guests.md):
 *
 *	guest [name=NAME] [mem=MIB] [mode=real|prot|long] [vcpus=N]
 *	      [cpus=LIST] [timeout=MS] [expect=exit:N|shutdown|npf|timeout|invalid|poweroff]
 *	      [platform=bare|pc] [-- COMMAND LINE]
 *	attach for=NAME [STRING]	(a multiboot v1 module, or a Linux guest's
 *					 initrd, for guest NAME)
 */
#ifndef SVMHV_VMM_LOADER_H
#define SVMHV_VMM_LOADER_H

#include "lib/types.h"

#define GUEST_NAME_SIZE		32	/* NUL included */
#define GUEST_MEM_DEFAULT_MIB	16
#define GUEST_MEM_MAX_MIB	4096
#define GUEST_VCPUS_MAX		64
/* COM1's output pace after its burst: a real 115200-baud line (10 bits a
 * byte) by default; com1_rate= changes it. */
#define GUEST_COM1_RATE_DEFAULT	11520
#define GUEST_COM1_RATE_MAX	1048576
#define GUEST_CPU_WORDS		4	/* cpus= covers CPUs 0-255 */
/* The guest's own command line, after a lone "--" (multiboot v1 cmdline,
 * Linux's kernel command line). */
#define GUEST_CMDLINE_MAX	512	/* characters, NUL not counted */

/* A flat binary is a boot sector: loaded and started at 0:0x7c00. */
#define GUEST_FLAT_LOAD		0x7c00ULL
/* At most this many ELF program headers are looked at. */
#define GUEST_ELF_MAX_PHDRS	32

enum guest_mode {
	GUEST_MODE_UNSET = 0,	/* no mode=: the image decides */
	GUEST_MODE_REAL,	/* flat binary, 16-bit real mode */
	GUEST_MODE_PROT,	/* ELF32, 32-bit protected mode, paging off */
	GUEST_MODE_LONG,	/* ELF64, 64-bit long mode, identity-mapped */
};

/* Why the test harness expects the guest to stop. */
enum guest_expect {
	GUEST_EXPECT_NONE = 0,	/* no expect=: nothing is checked */
	GUEST_EXPECT_EXIT,	/* HC_EXIT with status expect_status */
	GUEST_EXPECT_SHUTDOWN,	/* triple fault */
	GUEST_EXPECT_NPF,	/* access outside its memory */
	GUEST_EXPECT_TIMEOUT,	/* still running when timeout= ran out */
	GUEST_EXPECT_INVALID,	/* VMRUN refused its state (VMEXIT_INVALID) */
	GUEST_EXPECT_RESET,	/* asked for a reset (ACPI reset register, i8042) */
	GUEST_EXPECT_POWEROFF,	/* powered off (ACPI S5) */
};

/* The virtual platform around the vCPUs. */
enum guest_platform {
	GUEST_PLATFORM_UNSET = 0,	/* no platform=: the image decides */
	GUEST_PLATFORM_BARE,		/* svmhv's own guests: COM1 output, hypercalls,
					 * interrupts without an APIC (vmm/irq.h) */
	GUEST_PLATFORM_PC,		/* a PC: local APICs, I/O APIC, 16550, fw_cfg,
					 * ACPI tables, APs in wait-for-SIPI */
};

struct guest_cfg {
	char name[GUEST_NAME_SIZE];	/* "" when not given: the loader names it */
	u64 mem_mib;
	enum guest_mode mode;
	enum guest_platform platform;
	u32 vcpus;
	u64 cpus_mask[GUEST_CPU_WORDS];	/* physical CPUs it may run on */
	bool has_cpus;			/* false: any CPU; cpus_mask is zero */
	u64 timeout_ms;			/* 0: no timeout */
	enum guest_expect expect;
	s64 expect_status;		/* GUEST_EXPECT_EXIT only */
	bool no_x2apic;			/* x2apic=off: CPUID 1:ECX[21] clear, EXTD refused */
	u64 com1_rate;			/* COM1 output, bytes a second after the burst */
	bool stamp;			/* stamp=on: its console lines carry its time */
	/* Everything after a lone "--" word, leading blanks dropped, never
	 * parsed as keys; "" when there is none. */
	char cmdline[GUEST_CMDLINE_MAX + 1];
};

enum guest_image_kind {
	GUEST_IMAGE_FLAT = 1,
	GUEST_IMAGE_ELF32,
	GUEST_IMAGE_ELF64,
	GUEST_IMAGE_MB1,	/* multiboot v1 (mb1.h): wins over the ELF32 reading */
	GUEST_IMAGE_LINUX,	/* a bzImage with a setup header (linux.h) */
};

/* Whether a module string is meant for a guest: its first word is
 * "guest".  NULL is not. */
bool guest_cfg_is_guest(const char *s);

/* Parses a module string into *out, defaults first (mem 16 MiB, 1 vCPU,
 * no mode, no platform, any CPU, no timeout, no expectation, x2APIC
 * offered (on a pc platform), no command line).  Unknown keys, repeated keys, keys without a value and values out
 * of range are refused; so is a command line longer than
 * GUEST_CMDLINE_MAX.  Returns 0, or -EINVAL after one pr_err; *out is
 * written only on success. */
int guest_cfg_parse(const char *s, struct guest_cfg *out);

/* Whether a module string hands a module to a guest: its first word is
 * "attach".  NULL is not. */
bool guest_cfg_is_attach(const char *s);

/* Parses "attach for=NAME [STRING]": copies NAME (a valid guest name) to
 * for_name[GUEST_NAME_SIZE] and points *rest at STRING, the rest of s
 * after NAME with leading blanks dropped ("" when none).  Anything else
 * as the second word, or a bad NAME, is refused: -EINVAL after one
 * pr_err, outputs untouched. */
int guest_attach_parse(const char *s, char *for_name, const char **rest);

/* Checks the image against the settings: a flat binary runs in real mode,
 * ELF32 and multiboot v1 in protected mode, ELF64 and Linux in long mode.
 * Fills in cfg->mode when the string gave none, and cfg->platform: a PC
 * for multiboot v1 and Linux (the guests written for real hardware; Linux
 * with platform=bare is refused), bare for svmhv's own images.  0, or
 * -EINVAL after a pr_err. */
int guest_cfg_set_mode(struct guest_cfg *cfg, enum guest_image_kind kind);

/* "flat binary", "ELF32", "ELF64", "multiboot v1". */
const char *guest_image_kind_name(enum guest_image_kind kind);
const char *guest_platform_name(enum guest_platform platform);
const char *guest_mode_name(enum guest_mode mode);
const char *guest_expect_name(enum guest_expect expect);
u64 guest_cfg_ram_bytes(const struct guest_cfg *cfg);

/* Says which kind of image img[0, len) is, and whether it fits a guest
 * with ram_size bytes of RAM.  Anything starting with the ELF magic is
 * checked as an ELF executable, strictly: little-endian, ET_EXEC, i386 for
 * ELF32 or x86-64 for ELF64, no dynamic linking, every program header
 * inside the file, every PT_LOAD's file bytes inside the file and its
 * memory inside guest RAM, with vaddr == paddr (guests start unpaged or
 * identity-mapped), no two PT_LOADs overlapping, and the entry point in
 * the file bytes of an executable PT_LOAD.  Anything else is a flat binary
 * that must fit in RAM from GUEST_FLAT_LOAD.  Returns the kind, or -EINVAL
 * after a pr_err. */
int guest_image_kind(const u8 *img, size_t len, u64 ram_size);

/* Copies an ELF image's PT_LOAD segments into guest_ram[0, ram_size)
 * (which the caller maps: guest-physical address = offset), zero-filling
 * each segment's memsz beyond its filesz, and sets *entry.  Checks the
 * image as guest_image_kind() does first and writes nothing to guest_ram
 * when it is refused.  Bytes of guest_ram outside the segments are not
 * touched.  0, or -EINVAL. */
int guest_elf_load(const u8 *img, size_t len, u8 *guest_ram, u64 ram_size, u64 *entry);

/* ELF only (elf.c): whether img starts with the ELF magic, and the checks
 * guest_image_kind() makes of an ELF file; the kind, or -EINVAL. */
bool guest_elf_magic(const u8 *img, size_t len);
int guest_elf_check(const u8 *img, size_t len, u64 ram_size);

/* The same for a flat binary: copied to GUEST_FLAT_LOAD, *entry set to
 * it.  0, or -EINVAL when it does not fit. */
int guest_flat_load(const u8 *img, size_t len, u8 *guest_ram, u64 ram_size, u64 *entry);

/* ---- the neutral start state (start.c) ---- */

/* A segment register as the start state gives it: attrib holds the
 * descriptor's attribute bits packed into 12 (type, S, DPL, P in 0-7; AVL,
 * L, D/B, G in 8-11), the form AMD's VMCB also uses. */
struct vmm_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
};

/* How every vCPU of a guest starts: filled by the loader, turned into its
 * own format by the backend.  General registers other than RAX and RBX
 * (a boot protocol's hand-over, e.g. multiboot v1's magic and info) and
 * RSI (Linux's zero page) are zero. */
struct vmm_start_state {
	enum guest_mode mode;
	u64 rax, rbx, rsi;	/* rsi: Linux's zero page */
	u64 rip, rsp, rflags;
	u64 cr0, cr3, cr4;
	u64 efer;		/* as the guest sees it */
	u64 pat, dr6, dr7;
	struct vmm_seg cs, ds, es, ss, fs, gs, ldtr, tr, gdtr, idtr;
	u64 gdt_gpa;		/* the GDT built in guest RAM, 0 none */
	u64 map_root_gpa;	/* the identity map's PML4, 0 none */
	u64 map_bytes;		/* ... covering [0, map_bytes) */
};

/* Fills *st for mode with RIP = entry, and builds what that mode starts
 * with in ram: the GDT (prot, long) and an identity map of the first
 * 4 GiB in 2 MiB pages (long).  The caller checked that long mode has at
 * least 2 MiB of RAM. */
void vmm_start_state_build(enum guest_mode mode, u64 entry, u8 *ram, struct vmm_start_state *st);
/* Linux's 64-bit boot protocol: long mode as above, with the GDT the
 * protocol names (hw/linux_boot.h: LINUX_BOOT_CS, LINUX_BOOT_DS) and
 * RSI = zero_page; RIP = entry (load address + 0x200). */
void vmm_start_state_linux64(u64 entry, u64 zero_page, u8 *ram, struct vmm_start_state *st);
/* The state after INIT, and the start a SIPI with sipi_vector gives. */
void vmm_start_state_reset(struct vmm_start_state *st, u8 sipi_vector);
#endif
