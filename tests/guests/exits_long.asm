; svmhv-guest: mode=long mem=16 expect=exit:0
;
; tests/guests/exits_long.asm - a 64-bit guest started by svmhv directly in
; long mode: checks the state it was given (EFER.LME/LMA, CR0.PG, CR4.PAE),
; CPUID, VMMCALL in 64-bit code (HC_NOP, HC_INFO, HC_CONSOLE_WRITE) and
; svmhv's identity map of its RAM with 2 MiB pages: patterns written over a
; buffer spanning several 2 MiB pages read back, a qword straddling each
; 2 MiB boundary splits across the two pages as it should, and the last
; qword of RAM is readable.  Every check is one HC_TEST_RESULT; then
; HC_EXIT 0.
bits 64
default rel

%include "svmhv.inc"

BUF_SIZE    equ 5 * 1024 * 1024   ; spans at least two 2 MiB boundaries
PAGE_2M     equ 2 * 1024 * 1024
STRIDE      equ 4096
EFER_LME    equ 1 << 8
EFER_LMA    equ 1 << 10
CR0_PG      equ 1 << 31
CR4_PAE     equ 1 << 5
PATTERN     equ 0x5a5a0000a5a50000

section .text
global _start
_start:
  cli
  cld
  lea rsp, [stack_top]
  PRINT "exits_long: starting", 10

  ; ---- the state svmhv promised ----
  mov ecx, MSR_EFER
  rdmsr
  mov ebx, eax
  and ebx, EFER_LME | EFER_LMA
  CHECK_EQ rbx, EFER_LME | EFER_LMA, "efer.lme and efer.lma set"
  and eax, EFER_SVME
  CHECK_EQ rax, 0, "efer.svme reads clear"
  mov rax, cr0
  and eax, CR0_PG
  CHECK_NE rax, 0, "cr0.pg set"
  mov rax, cr4
  and eax, CR4_PAE
  CHECK_NE rax, 0, "cr4.pae set"

  ; ---- CPUID ----
  mov eax, SVMHV_CPUID_LEAF
  xor ecx, ecx
  cpuid
  CHECK_EQ rax, SVMHV_CPUID_MAX, "cpuid 0x40000000 eax"
  CHECK_EQ rbx, SVMHV_SIG_EBX, "cpuid 0x40000000 ebx 'svmh'"
  CHECK_EQ rcx, SVMHV_SIG_ECX, "cpuid 0x40000000 ecx 'vsvm'"
  CHECK_EQ rdx, SVMHV_SIG_EDX, "cpuid 0x40000000 edx 'hvsv'"

  ; ---- hypercalls from 64-bit code ----
  mov rax, -1               ; the whole of RAX is the result
  HC HC_NOP
  CHECK_EQ rax, 0, "hc_nop returns 0"

  HC HC_INFO
  mov [info_index], rax
  mov [info_vcpus], rbx
  mov [info_ram], rcx
  CHECK_EQ [info_index], 0, "hc_info vcpu index 0"
  CHECK_EQ [info_vcpus], 1, "hc_info one vcpu"
  CHECK_NE [info_ram], 0, "hc_info ram size nonzero"

  CONSOLE "exits_long: hello through HC_CONSOLE_WRITE", 10
  CHECK_EQ rax, 0, "hc_console_write returns 0"

  ; ---- memory across 2 MiB pages ----
  ; Pass 1 writes a qword derived from its address every STRIDE bytes,
  ; pass 2 reads them all back; a page mapped twice or to the wrong frame
  ; shows as a mismatch.
  lea rdi, [buf]
  lea rsi, [buf + BUF_SIZE]
  mov rdx, PATTERN
.fill:
  mov rax, rdi
  xor rax, rdx
  mov [rdi], rax
  add rdi, STRIDE
  cmp rdi, rsi
  jb .fill

  lea rdi, [buf]
  xor ebx, ebx              ; mismatches
  xor r8d, r8d              ; first bad address
.verify:
  mov rax, rdi
  xor rax, rdx
  cmp [rdi], rax
  je .ok
  inc rbx
  test r8, r8
  jnz .ok
  mov r8, rdi
.ok:
  add rdi, STRIDE
  cmp rdi, rsi
  jb .verify
  CHECK_EQ rbx, 0, "pattern over 5 mib reads back"
  CHECK_EQ r8, 0, "first bad address"

  ; A qword straddling each 2 MiB boundary inside the buffer: its low half
  ; must land in the page below, its high half in the page above.
  lea rdi, [buf + PAGE_2M - 1]
  mov rax, ~(PAGE_2M - 1)
  and rdi, rax              ; first boundary above buf
  xor ebx, ebx              ; boundaries checked
  xor r9d, r9d              ; failures
.straddle:
  lea rax, [rdi + 8]
  cmp rax, rsi
  ja .straddle_done
  mov rax, 0x1122334455667788
  mov [rdi - 4], rax
  cmp dword [rdi - 4], 0x55667788
  jne .bad
  cmp dword [rdi], 0x11223344
  jne .bad
  cmp [rdi - 4], rax
  je .next_boundary
.bad:
  inc r9
.next_boundary:
  inc rbx
  add rdi, PAGE_2M
  jmp .straddle
.straddle_done:
  mov eax, HC_TR_PASS
  cmp rbx, 2
  jae .enough
  mov eax, HC_TR_FAIL
.enough:
  REPORT rax, "at least two 2 mib boundaries tested", rbx
  CHECK_EQ r9, 0, "qwords straddling 2 mib boundaries"

  ; The identity map covers all of RAM: read (never write: svmhv keeps
  ; the page tables somewhere in it) the last qword.  A hole would #PF
  ; with no IDT and shut the guest down.
  mov rax, [info_ram]
  mov rax, [rax - 8]
  TEST_PASS "last qword of ram readable"

  PRINT "exits_long: done", 10
  EXIT 0

  SVMHV_LIB

section .data
align 8
info_index: dq 0
info_vcpus: dq 0
info_ram:   dq 0

section .bss
alignb 4096
stack: resb 16384
stack_top:
alignb 4096
buf: resb BUF_SIZE
