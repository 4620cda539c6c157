/* hw/elf.h - the parts of the ELF file format a guest loader reads: the
 * identification bytes, the file header and the program headers of both
 * classes (System V ABI, "Object Files" and "Program Loading"; x86 machine
 * numbers from the processor supplements).  Used by the guest image loader
 * in svm/guest_cfg.c (vmm/loader/ next), which copies headers out with
 * memcpy, so the structs pin offsets and sizes rather than alignment. */
#ifndef SVMHV_HW_ELF_H
#define SVMHV_HW_ELF_H
#include "lib/types.h"

/* e_ident[] */
#define EI_NIDENT	16
#define EI_CLASS	4
#define  ELFCLASS32	1
#define  ELFCLASS64	2
#define EI_DATA		5
#define  ELFDATA2LSB	1
#define EI_VERSION	6
#define  EV_CURRENT	1

struct elf32_ehdr {
	/* 0x00 */ u8 e_ident[EI_NIDENT];
	/* 0x10 */ u16 e_type;
#define ET_EXEC		2
	/* 0x12 */ u16 e_machine;
#define EM_386		3
#define EM_X86_64	62
	/* 0x14 */ u32 e_version;
	/* 0x18 */ u32 e_entry;
	/* 0x1c */ u32 e_phoff;
	/* 0x20 */ u32 e_shoff;
	/* 0x24 */ u32 e_flags;
	/* 0x28 */ u16 e_ehsize;
	/* 0x2a */ u16 e_phentsize;
	/* 0x2c */ u16 e_phnum;
	/* 0x2e */ u16 e_shentsize;
	/* 0x30 */ u16 e_shnum;
	/* 0x32 */ u16 e_shstrndx;
};
_Static_assert(offsetof(struct elf32_ehdr, e_entry) == 0x18, "ELF32 e_entry");
_Static_assert(offsetof(struct elf32_ehdr, e_phnum) == 0x2c, "ELF32 e_phnum");
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header is 52 bytes");

struct elf64_ehdr {
	/* 0x00 */ u8 e_ident[EI_NIDENT];
	/* 0x10 */ u16 e_type;
	/* 0x12 */ u16 e_machine;
	/* 0x14 */ u32 e_version;
	/* 0x18 */ u64 e_entry;
	/* 0x20 */ u64 e_phoff;
	/* 0x28 */ u64 e_shoff;
	/* 0x30 */ u32 e_flags;
	/* 0x34 */ u16 e_ehsize;
	/* 0x36 */ u16 e_phentsize;
	/* 0x38 */ u16 e_phnum;
	/* 0x3a */ u16 e_shentsize;
	/* 0x3c */ u16 e_shnum;
	/* 0x3e */ u16 e_shstrndx;
};
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 0x20, "ELF64 e_phoff");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 0x38, "ELF64 e_phnum");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header is 64 bytes");

/* The two classes order a program header's fields differently: ELF64
 * moves p_flags up next to p_type to keep the 64-bit fields aligned. */
struct elf32_phdr {
	/* 0x00 */ u32 p_type;
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
	/* 0x04 */ u32 p_offset;
	/* 0x08 */ u32 p_vaddr;
	/* 0x0c */ u32 p_paddr;
	/* 0x10 */ u32 p_filesz;
	/* 0x14 */ u32 p_memsz;
	/* 0x18 */ u32 p_flags;
#define PF_X		BIT(0)
	/* 0x1c */ u32 p_align;
};
_Static_assert(offsetof(struct elf32_phdr, p_flags) == 0x18, "ELF32 p_flags");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header is 32 bytes");

struct elf64_phdr {
	/* 0x00 */ u32 p_type;
	/* 0x04 */ u32 p_flags;
	/* 0x08 */ u64 p_offset;
	/* 0x10 */ u64 p_vaddr;
	/* 0x18 */ u64 p_paddr;
	/* 0x20 */ u64 p_filesz;
	/* 0x28 */ u64 p_memsz;
	/* 0x30 */ u64 p_align;
};
_Static_assert(offsetof(struct elf64_phdr, p_offset) == 0x08, "ELF64 p_offset");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");

#endif
