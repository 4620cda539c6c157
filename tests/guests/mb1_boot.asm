; svmhv-guest: mode=prot mem=8 expect=exit:0 attach=/guests/mb1_env.txt,/guests/mb1_mod2.txt -- mb1_boot arg1 two=2
;
; tests/guests/mb1_boot.asm - a multiboot v1 kernel (ELF32 with the
; 0x1BADB002 header, flags 3: page-aligned modules, memory information)
; that checks the hand-over multiboot specification 3.2 and 3.3 promise:
;  - EAX = 0x2BADB002, protected mode with paging off, IF = 0;
;  - EBX -> the boot information: the MEMORY, CMDLINE, MODS, MEM_MAP and
;    LOADER_NAME flags; mem_lower 639 KiB and mem_upper (mem= - 1 MiB) for
;    8 MiB of RAM; the memory map's first and last ranges; the command line
;    after `--` in the module string, byte for byte;
;  - the two `attach for=mb1_boot` modules in boot order, page-aligned,
;    with the contents of tests/guests/mb1_env.txt and mb1_mod2.txt.
; The harness turns the header's attach= into those modules
; (tests/harness/suites.py, guest_modules).  Every check is one
; HC_TEST_RESULT; then HC_EXIT 0.
bits 32

%include "svmhv.inc"

MB1_MAGIC       equ 0x1badb002
MB1_FLAGS       equ 3           ; bit 0 page-aligned modules, bit 1 memory info
MB1_BOOT_MAGIC  equ 0x2badb002
; struct mb1_info offsets (hw/multiboot1.h)
MBI_FLAGS       equ 0x00
MBI_MEM_LOWER   equ 0x04
MBI_MEM_UPPER   equ 0x08
MBI_CMDLINE     equ 0x10
MBI_MODS_COUNT  equ 0x14
MBI_MODS_ADDR   equ 0x18
MBI_MMAP_LENGTH equ 0x2c
MBI_MMAP_ADDR   equ 0x30
MBI_LOADER_NAME equ 0x40
MBI_WANT_FLAGS  equ (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9)
RAM_MIB         equ 8
MMAP_ENTRIES    equ 4           ; low RAM, EBDA, BIOS area, RAM from 1 MiB
CR0_PE          equ 1
CR0_PG          equ 1 << 31
RFLAGS_IF       equ 1 << 9

section .text
; The header first, well inside the file's first 8 KiB.
align 4
mb1_header:
  dd MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)

global _start
_start:
  ; Nothing but EAX and EBX is promised (no stack): keep them first.
  mov [entry_eax], eax
  mov [entry_ebx], ebx
  mov eax, cr0
  mov [entry_cr0], eax
  mov esp, entry_stack_top
  pushfd
  pop dword [entry_flags]
  PROT_SETUP
  PRINT "mb1_boot: starting", 10

  CHECK_EQ [entry_eax], MB1_BOOT_MAGIC, "eax is the multiboot magic"
  mov eax, [entry_cr0]
  and eax, CR0_PE | CR0_PG
  CHECK_EQ eax, CR0_PE, "protected mode, paging off"
  mov eax, [entry_flags]
  and eax, RFLAGS_IF
  CHECK_EQ eax, 0, "interrupts off at entry"

  mov ebx, [entry_ebx]
  mov eax, [ebx + MBI_FLAGS]
  and eax, MBI_WANT_FLAGS
  CHECK_EQ eax, MBI_WANT_FLAGS, "info flags mem cmdline mods mmap name"
  CHECK_EQ [ebx + MBI_MEM_LOWER], 639, "mem_lower 639 KiB"
  CHECK_EQ [ebx + MBI_MEM_UPPER], (RAM_MIB - 1) * 1024, "mem_upper is RAM above 1 MiB"

  ; The command line, NUL included.
  mov esi, [ebx + MBI_CMDLINE]
  mov edi, want_cmdline
  mov ecx, want_cmdline_len
  call mem_equal
  CHECK_EQ eax, 1, "cmdline is the text after --"
  mov esi, [ebx + MBI_LOADER_NAME]
  mov edi, want_loader
  mov ecx, want_loader_len
  call mem_equal
  CHECK_EQ eax, 1, "loader name svmhv"

  ; The memory map: first range [0, 0x9fc00) available, last one
  ; [1 MiB, RAM end) available.
  CHECK_EQ [ebx + MBI_MMAP_LENGTH], MMAP_ENTRIES * 24, "mmap has 4 entries"
  mov esi, [ebx + MBI_MMAP_ADDR]
  CHECK_EQ [esi + 0], 20, "mmap entry size 20"
  CHECK_EQ [esi + 4], 0, "mmap first base 0"
  CHECK_EQ [esi + 12], 0x9fc00, "mmap first length 0x9fc00"
  CHECK_EQ [esi + 20], 1, "mmap first available"
  add esi, (MMAP_ENTRIES - 1) * 24
  CHECK_EQ [esi + 4], 0x100000, "mmap last base 1 MiB"
  CHECK_EQ [esi + 12], (RAM_MIB - 1) << 20, "mmap last length to RAM end"
  CHECK_EQ [esi + 20], 1, "mmap last available"

  ; The modules, in the order of the boot script.
  CHECK_EQ [ebx + MBI_MODS_COUNT], 2, "two modules"
  mov ebp, [ebx + MBI_MODS_ADDR]
  mov eax, [ebp + 0]
  and eax, 0xfff
  CHECK_EQ eax, 0, "module 0 page-aligned"
  mov eax, [ebp + 4]
  sub eax, [ebp + 0]
  CHECK_EQ eax, want_mod0_len, "module 0 length"
  mov esi, [ebp + 0]
  mov edi, want_mod0
  mov ecx, want_mod0_len
  call mem_equal
  CHECK_EQ eax, 1, "module 0 is mb1_env.txt"
  mov esi, [ebp + 8]
  movzx eax, byte [esi]
  CHECK_EQ eax, 0, "module 0 string empty"
  mov eax, [ebp + 16]
  and eax, 0xfff
  CHECK_EQ eax, 0, "module 1 page-aligned"
  mov eax, [ebp + 16 + 4]
  sub eax, [ebp + 16]
  CHECK_EQ eax, want_mod1_len, "module 1 length"
  mov esi, [ebp + 16]
  mov edi, want_mod1
  mov ecx, want_mod1_len
  call mem_equal
  CHECK_EQ eax, 1, "module 1 is mb1_mod2.txt"

  PRINT "mb1_boot: done", 10
  EXIT 0

; mem_equal - EAX = 1 when ECX bytes at ESI equal those at EDI, else 0.
; Clobbers ESI, EDI, ECX.
mem_equal:
  xor eax, eax
  repe cmpsb
  jne .out
  inc eax
.out:
  ret

  SVMHV_LIB
  PROT_RUNTIME

section .data
want_cmdline:     db "mb1_boot arg1 two=2", 0
want_cmdline_len  equ $ - want_cmdline
want_loader:      db "svmhv", 0
want_loader_len   equ $ - want_loader
want_mod0:        db "NR_CPUS=2", 10
want_mod0_len     equ $ - want_mod0
want_mod1:        db "second module, svmhv mb1 test", 10
want_mod1_len     equ $ - want_mod1

section .bss
entry_eax:   resd 1
entry_ebx:   resd 1
entry_cr0:   resd 1
entry_flags: resd 1
             resd 16
entry_stack_top:
