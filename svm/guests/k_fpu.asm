; svmhv-guest: mode=long mem=4
; svm/guests/k_fpu.asm - built into the kernel for the gstate suite
; (svm/gstate_tests.c): the guest's own x87/SSE/AVX state, XCR0 and
; DR0-DR3.  The host picks the test and its parameters in a mailbox at GPA
; 0x80000 before the guest starts (struct fpu_mailbox in
; svm/gstate_tests.c mirrors it: keep the two in step); each vCPU counts
; what it found in its own slot, which the host reads after the guest
; stopped.  Tests:
;   1 isolate  fill XMM0-15 (YMM0-15 once AVX is on), MXCSR and the x87
;              stack with values unique to (role, iteration), HC_YIELD,
;              read everything back; `iters` times
;   2 xsetbv   XSETBV's #UD/#GP cases and CPUID 1/0xD, one HC_TEST_RESULT
;              per check (IDT below records the vector)
;   3 xcr0     an even role enables AVX (or SSE) with XSETBV, an odd one
;              leaves XCR0 at 1; each checks XGETBV around every yield
;   4 dr       DR0 = an instruction breakpoint on the role's own stub
;              (enabled in DR7), DR1-DR3 = values unique to (role,
;              iteration); yield, check them, and that calling the stub
;              still traps.  (An execution breakpoint, not a data one:
;              QEMU 7.2's TCG crashes on data breakpoints in a nested guest.)
;   5 tsc_aux  WRMSR TSC_AUX = 0x5a00 + role, then RDTSCP's ECX around
;              every yield, and RDMSR at the end, must give it back
;   6 dr_cross an even role arms an execution breakpoint on stub 0 (DR0,
;              DR7) and only yields; an odd role, breakpoints off, calls
;              stub 0 around every yield: neither may see a #DB (the
;              other guest's breakpoint must never fire in this one)
; role = mailbox role + vCPU index.  The last vCPU to finish exits 0.
bits 64
default rel

%include "../../tests/guests/svmhv.inc"

MB            equ 0x80000
MB_TEST       equ 8
MB_ITERS      equ 16
MB_ROLE       equ 24
MB_FINISHED   equ 32
MB_NVCPUS     equ 40
MB_SLOTS      equ 0x100
SLOT_SHIFT    equ 7           ; 128-byte slots
S_DONE        equ 0
S_XMM_BAD     equ 8           ; iterations with an XMM register or MXCSR wrong
S_YMM_BAD     equ 16          ; ... with an upper YMM half wrong
S_X87_BAD     equ 24          ; ... with an x87 stack register wrong
S_AVX         equ 32          ; 1 when YMM was used
S_FIRST_BAD   equ 40          ; first bad iteration + 1, 0 none
S_XCR0_BAD    equ 48
S_DR_BAD      equ 56
S_DB_HITS     equ 64
S_XCR0        equ 72          ; the XCR0 this vCPU set (xcr0 test)
S_XCR0_SEEN   equ 80          ; the last wrong XGETBV value
S_LAST_VEC    equ 88          ; vector recorded by the IDT handlers
S_AUX_BAD     equ 96          ; RDTSCP/RDMSR results that were not this vCPU's TSC_AUX
S_AUX_SEEN    equ 104         ; the last wrong one
MSR_TSC_AUX   equ 0xc0000103

CR4_OSFXSR    equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10
CR4_OSXSAVE   equ 1 << 18
DR7_X0        equ 0x400 | 1   ; L0, R/W0 = 00 (execution), LEN0 = 00
RFLAGS_RF     equ 1 << 16

section .text
global _start
_start:
  cli
  cld
  HC HC_INFO                  ; RAX = vCPU index
  mov r15, rax
  lea rsp, [stacks_top]
  mov rax, r15
  shl rax, 12
  sub rsp, rax
  mov r14, r15
  shl r14, SLOT_SHIFT
  add r14, MB + MB_SLOTS      ; r14 = this vCPU's slot
  mov r13, [abs MB + MB_ROLE]
  add r13, r15                ; r13 = role
  lea rsi, [bufs]
  mov rax, r15
  shl rax, 11
  add rsi, rax                ; rsi = this vCPU's 2 KiB of buffers
  call setup_idt
  lidt [idtr]
  mov rax, cr4
  or rax, CR4_OSFXSR | CR4_OSXMMEXCPT
  mov cr4, rax
  mov rax, [abs MB + MB_TEST]
  cmp rax, 1
  je t_isolate
  cmp rax, 2
  je t_xsetbv
  cmp rax, 3
  je t_xcr0
  cmp rax, 4
  je t_dr
  cmp rax, 5
  je t_tsc_aux
  cmp rax, 6
  je t_dr_cross
  EXIT 2

; ---- done: the last vCPU out exits the guest ----
finish:
  mov eax, 1
  lock xadd [abs MB + MB_FINISHED], rax
  inc rax
  cmp rax, [abs MB + MB_NVCPUS]
  jb .park
  EXIT 0
.park:
  hlt
  jmp .park

; R12 = 1 when AVX is usable now: CPUID says AVX and XSAVE, CR4.OSXSAVE
; set and XSETBV(x87|SSE|AVX) accepted.
enable_avx:
  xor r12d, r12d
  mov eax, 1
  cpuid
  bt ecx, 28
  jnc .no
  bt ecx, 26
  jnc .no
  mov rax, cr4
  or rax, CR4_OSXSAVE
  mov cr4, rax
  xor ecx, ecx
  mov eax, 7
  xor edx, edx
  xsetbv
  xor ecx, ecx
  xgetbv
  cmp eax, 7
  jne .no
  mov r12d, 1
.no:
  ret

; ---- 1: isolate ----
t_isolate:
  call enable_avx
  mov [r14 + S_AVX], r12
  xor ebp, ebp
.loop:
  call fill
  HC HC_YIELD
  call verify
  inc rbp
  mov [r14 + S_DONE], rbp
  cmp rbp, [abs MB + MB_ITERS]
  jb .loop
  jmp finish

; Expected values at RSI: 16 registers x 32 bytes, 8 x87 integers at
; +512, MXCSR at +576; then loaded into the registers.
fill:
  xor ecx, ecx
.q:
  mov rax, r13
  shl rax, 56
  mov rdx, rbp
  shl rdx, 24
  or rax, rdx
  mov rdx, rcx
  shl rdx, 8
  or rax, rdx
  or rax, 0x5a
  mov [rsi + rcx * 8], rax
  inc ecx
  cmp ecx, 64
  jb .q
  xor ecx, ecx
.k:
  imul rax, r13, 1000003
  mov rdx, rbp
  shl rdx, 4
  add rax, rdx
  lea rax, [rax + rcx + 1]
  mov [rsi + 512 + rcx * 8], rax
  inc ecx
  cmp ecx, 8
  jb .k
  mov eax, r13d
  and eax, 3
  shl eax, 13                 ; rounding control: differs between roles
  or eax, 0x1f80
  mov [rsi + 576], eax
  ldmxcsr [rsi + 576]
  test r12, r12
  jz .sse
%assign n 0
%rep 16
  vmovdqu ymm %+ n, [rsi + n * 32]
%assign n n + 1
%endrep
  jmp .x87
.sse:
%assign n 0
%rep 16
  movdqu xmm %+ n, [rsi + n * 32]
%assign n n + 1
%endrep
.x87:
  fninit
%assign k 0
%rep 8
  fild qword [rsi + 512 + k * 8]
%assign k k + 1
%endrep
  ret

; Stores the registers at RSI + 1024 in the same layout and counts what
; differs from RSI.
verify:
  lea rdi, [rsi + 1024]
  test r12, r12
  jz .sse
%assign n 0
%rep 16
  vmovdqu [rdi + n * 32], ymm %+ n
%assign n n + 1
%endrep
  jmp .x87
.sse:
%assign n 0
%rep 16
  movdqu [rdi + n * 32], xmm %+ n
%assign n n + 1
%endrep
.x87:
%assign k 7
%rep 8
  fistp qword [rdi + 512 + k * 8]
%assign k k - 1
%endrep
  stmxcsr [rdi + 576]
  xor r8d, r8d
  xor r9d, r9d
  xor r10d, r10d
  xor ecx, ecx
.c:
  mov rax, [rsi + rcx * 8]
  cmp rax, [rdi + rcx * 8]
  je .cok
  mov edx, ecx
  and edx, 3
  cmp edx, 2
  jae .upper
  mov r8d, 1
  jmp .cok
.upper:
  test r12, r12
  jz .cok
  mov r9d, 1
.cok:
  inc ecx
  cmp ecx, 64
  jb .c
  xor ecx, ecx
.d:
  mov rax, [rsi + 512 + rcx * 8]
  cmp rax, [rdi + 512 + rcx * 8]
  je .dok
  mov r10d, 1
.dok:
  inc ecx
  cmp ecx, 8
  jb .d
  mov eax, [rsi + 576]
  cmp eax, [rdi + 576]
  je .m
  mov r8d, 1
.m:
  add [r14 + S_XMM_BAD], r8
  add [r14 + S_YMM_BAD], r9
  add [r14 + S_X87_BAD], r10
  or r8, r9
  or r8, r10
  jz .r
  cmp qword [r14 + S_FIRST_BAD], 0
  jne .r
  lea rax, [rbp + 1]
  mov [r14 + S_FIRST_BAD], rax
.r:
  ret

; ---- 2: xsetbv ----
; TRY ecx, value, vector (0 = none), "name"
%macro TRY 4
  mov qword [r14 + S_LAST_VEC], 0
  mov ecx, %1
  mov rax, %2
  mov rdx, rax
  shr rdx, 32
  xsetbv
  mov rax, [r14 + S_LAST_VEC]
  CHECK_EQ rax, %3, %4
%endmacro

t_xsetbv:
  mov rax, cr4
  and rax, ~CR4_OSXSAVE
  mov cr4, rax
  mov eax, 1
  cpuid
  shr ecx, 27
  and ecx, 1
  CHECK_EQ rcx, 0, "cpuid.1 ecx.osxsave clear with cr4.osxsave clear"
  TRY 0, 1, 6, "xsetbv with cr4.osxsave clear: #UD"
  mov rax, cr4
  or rax, CR4_OSXSAVE
  mov cr4, rax
  mov eax, 1
  cpuid
  mov r12d, ecx
  shr ecx, 27
  and ecx, 1
  CHECK_EQ rcx, 1, "cpuid.1 ecx.osxsave set with cr4.osxsave set"
  TRY 1, 1, 13, "xsetbv ecx=1: #GP"
  TRY 0, 0, 13, "xsetbv x87 clear: #GP"
  TRY 0, 2, 13, "xsetbv sse without x87: #GP"
  TRY 0, 5, 13, "xsetbv avx without sse: #GP"
  TRY 0, 0x101, 13, "xsetbv bit 8 (not a user component): #GP"
  TRY 0, 0x8000000000000001, 13, "xsetbv bit 63: #GP"
  TRY 0, 0x27, 13, "xsetbv avx-512 opmask alone: #GP"
  TRY 0, 0xe3, 13, "xsetbv avx-512 without avx: #GP"
  TRY 0, 3, 0, "xsetbv x87|sse accepted"
  xor ecx, ecx
  xgetbv
  CHECK_EQ rax, 3, "xgetbv reads 3"
  mov eax, 0xd
  xor ecx, ecx
  cpuid
  CHECK_EQ rbx, 576, "cpuid.d.0 ebx = 576 for xcr0 x87|sse"
  bt r12d, 28                 ; AVX in CPUID 1
  jc .avx
  TEST_SKIP "xsetbv avx: no AVX in cpuid.1"
  jmp .back
.avx:
  mov eax, 0xd
  xor ecx, ecx
  cpuid
  and eax, 7
  CHECK_EQ rax, 7, "cpuid.d.0 eax offers x87|sse|avx"
  TRY 0, 7, 0, "xsetbv x87|sse|avx accepted"
  xor ecx, ecx
  xgetbv
  CHECK_EQ rax, 7, "xgetbv reads 7"
  mov eax, 0xd
  xor ecx, ecx
  cpuid
  CHECK_EQ rbx, 832, "cpuid.d.0 ebx = 832 for xcr0 x87|sse|avx"
.back:
  TRY 0, 1, 0, "xsetbv back to x87 accepted"
  xor ecx, ecx
  xgetbv
  CHECK_EQ rax, 1, "xgetbv reads 1"
  jmp finish

; ---- 3: xcr0 ----
t_xcr0:
  mov rax, cr4
  or rax, CR4_OSXSAVE
  mov cr4, rax
  mov r12d, 1
  test r13, 1
  jnz .set
  mov r12d, 3
  mov eax, 1
  cpuid
  bt ecx, 28
  jnc .xsetbv
  mov r12d, 7
.xsetbv:
  xor ecx, ecx
  mov eax, r12d
  xor edx, edx
  xsetbv
.set:
  mov [r14 + S_XCR0], r12
  xor ebp, ebp
.loop:
  xor ecx, ecx
  xgetbv
  shl rdx, 32
  or rax, rdx
  cmp rax, r12
  je .ok
  inc qword [r14 + S_XCR0_BAD]
  mov [r14 + S_XCR0_SEEN], rax
.ok:
  HC HC_YIELD
  inc rbp
  mov [r14 + S_DONE], rbp
  cmp rbp, [abs MB + MB_ITERS]
  jb .loop
  jmp finish

; ---- 5: tsc_aux ----
t_tsc_aux:
  mov eax, 0x80000001
  cpuid
  bt edx, 27                  ; RDTSCP
  jc .have
  EXIT 3
.have:
  lea r12, [r13 + 0x5a00]
  mov ecx, MSR_TSC_AUX
  mov eax, r12d
  xor edx, edx
  wrmsr
  xor ebp, ebp
.loop:
  rdtscp
  cmp ecx, r12d
  je .ok
  inc qword [r14 + S_AUX_BAD]
  mov [r14 + S_AUX_SEEN], rcx
.ok:
  HC HC_YIELD
  inc rbp
  mov [r14 + S_DONE], rbp
  cmp rbp, [abs MB + MB_ITERS]
  jb .loop
  mov ecx, MSR_TSC_AUX
  rdmsr
  shl rdx, 32
  or rax, rdx
  cmp rax, r12
  je finish
  inc qword [r14 + S_AUX_BAD]
  mov [r14 + S_AUX_SEEN], rax
  jmp finish

; ---- 6: dr_cross ----
t_dr_cross:
  lea rdi, [bp_stubs]         ; stub 0, the same address in every guest
  test r13, 1
  jnz .caller
  mov dr0, rdi
  mov eax, DR7_X0
  mov dr7, rax
  xor ebp, ebp
.arm:
  HC HC_YIELD
  inc rbp
  mov [r14 + S_DONE], rbp
  cmp rbp, [abs MB + MB_ITERS]
  jb .arm
  mov eax, 0x400
  mov dr7, rax
  jmp finish
.caller:
  mov eax, 0x400
  mov dr7, rax
  xor ebp, ebp
.call:
  call rdi                    ; must never trap: no breakpoint of ours
  HC HC_YIELD
  inc rbp
  mov [r14 + S_DONE], rbp
  cmp rbp, [abs MB + MB_ITERS]
  jb .call
  jmp finish

; ---- 4: dr ----
; R8-R10 = the DR1-DR3 values of iteration RBP.
%macro DR_VALUES 0
  mov r8, r13
  shl r8, 40
  mov rax, rbp
  shl rax, 8
  or r8, rax
  lea r9, [r8 + 2]
  lea r10, [r8 + 3]
  inc r8
%endmacro

t_dr:
  lea rdi, [bp_stubs]
  mov rax, r13
  and eax, 3
  shl eax, 4
  add rdi, rax                ; this role's own stub
  mov dr0, rdi
  mov eax, DR7_X0
  mov dr7, rax
  xor ebp, ebp
.loop:
  DR_VALUES
  mov dr1, r8
  mov dr2, r9
  mov dr3, r10
  call rdi                    ; traps: #DB before the stub's NOP
  HC HC_YIELD
  DR_VALUES
  xor r11d, r11d
  mov rax, dr0
  cmp rax, rdi
  setne r11b
  mov rax, dr1
  cmp rax, r8
  jne .bad
  mov rax, dr2
  cmp rax, r9
  jne .bad
  mov rax, dr3
  cmp rax, r10
  je .check
.bad:
  mov r11d, 1
.check:
  add [r14 + S_DR_BAD], r11
  call rdi                    ; traps again when DR0 is still ours
  inc rbp
  mov [r14 + S_DONE], rbp
  cmp rbp, [abs MB + MB_ITERS]
  jb .loop
  mov eax, 0x400
  mov dr7, rax
  jmp finish

; ---- the IDT: #DB counts, #UD and #GP record the vector and skip the
; 3-byte XSETBV/XGETBV; anything else exits with status 3 ----
setup_idt:
  lea rdi, [idt]
  xor ecx, ecx
.e:
  lea rax, [isr_other]
  cmp ecx, 1
  jne .n6
  lea rax, [isr_db]
.n6:
  cmp ecx, 6
  jne .n13
  lea rax, [isr_ud]
.n13:
  cmp ecx, 13
  jne .set
  lea rax, [isr_gp]
.set:
  mov [rdi], ax
  mov word [rdi + 2], 0x18
  mov word [rdi + 4], 0x8e00  ; present, DPL 0, 64-bit interrupt gate
  shr rax, 16
  mov [rdi + 6], ax
  mov qword [rdi + 8], 0
  add rdi, 16
  inc ecx
  cmp ecx, 32
  jb .e
  ret

isr_db:
  inc qword [r14 + S_DB_HITS]
  or qword [rsp + 16], RFLAGS_RF  ; an instruction breakpoint is a fault: resume past it
  push rax
  mov eax, 0xffff0ff0
  mov dr6, rax
  pop rax
  iretq
isr_ud:
  mov qword [r14 + S_LAST_VEC], 6
  add qword [rsp], 3
  iretq
isr_gp:
  add rsp, 8                  ; the error code
  mov qword [r14 + S_LAST_VEC], 13
  add qword [rsp], 3
  iretq
align 16
bp_stubs:
%rep 4
  nop
  ret
  align 16
%endrep

isr_other:
  mov qword [r14 + S_LAST_VEC], 0xff
  EXIT 3

SVMHV_LIB

section .data
align 16
idtr:
  dw 32 * 16 - 1
  dq idt

section .bss
alignb 4096
idt:        resb 32 * 16
alignb 64
bufs:       resb 2048 * 4
alignb 16
stacks:     resb 4096 * 4
stacks_top:

