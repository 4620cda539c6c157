; svmhv-guest: mode=long mem=16 vcpus=2 expect=exit:0
;
; tests/guests/smp_long.asm - a guest with several vCPUs (vcpus=2 in the
; suite; any number from 2 to 64 works).  Every vCPU starts at _start with
; the same registers, so the first thing each does is ask HC_INFO who it
; is, and only then picks its own stack.  Each vCPU makes NCALLS null
; hypercalls, yielding every YIELD_EVERY of them, checks that its index
; never changes (a vCPU moved to another physical CPU is still the same
; vCPU), marks its index in a shared bitmap and adds one to a shared
; counter with LOCK XADD.  vCPU 0 waits for the others, reports, and exits
; the whole guest; the others park in HLT with interrupts off.
bits 64
default rel

%include "svmhv.inc"

MAX_VCPUS   equ 64          ; what a module string allows
STACK_SIZE  equ 4096
NCALLS      equ 10000
YIELD_EVERY equ 1000
WAIT_ROUNDS equ 1000000     ; vCPU 0 gives up after this many yields

section .text
global _start
_start:
  cli
  cld
  ; No stack yet, and the same RSP on every vCPU: only registers until
  ; the index is known.
  mov eax, HC_INFO
  vmmcall
  mov r15, rax              ; my index
  mov r14, rbx              ; number of vCPUs
  cmp r15, MAX_VCPUS
  jb .index_ok
  mov eax, HC_EXIT          ; nowhere to put a stack: give up loudly
  mov ebx, 2
  vmmcall
.index_ok:
  lea rsp, [stacks]
  lea rax, [r15 + 1]
  shl rax, 12               ; STACK_SIZE
  add rsp, rax

  ; ---- the work every vCPU does ----
  xor r13d, r13d            ; hypercalls that did not return 0
  xor r12d, r12d            ; times HC_INFO named another vCPU
  mov ebp, NCALLS
.call:
  HC HC_NOP
  test rax, rax
  jz .nop_ok
  inc r13
.nop_ok:
  mov eax, ebp
  xor edx, edx
  mov ecx, YIELD_EVERY
  div ecx
  test edx, edx
  jnz .no_yield
  HC HC_YIELD
  HC HC_INFO
  cmp rax, r15
  je .no_yield
  inc r12
.no_yield:
  dec ebp
  jnz .call

  lock add [nop_errors], r13
  lock add [index_changes], r12
  lock bts qword [seen], r15
  mov eax, 1
  lock xadd [arrived], rax

  test r15, r15
  jz .vcpu0
.park:
  hlt                       ; IF = 0: parked until the guest is stopped
  jmp .park

  ; ---- vCPU 0: wait for everyone, then report ----
.vcpu0:
  mov ebp, WAIT_ROUNDS
.wait:
  cmp [arrived], r14
  jae .all_here
  pause
  HC HC_YIELD
  dec ebp
  jnz .wait
.all_here:
  mov eax, HC_TR_PASS          ; any n >= 2 works; the suite runs vcpus=2
  cmp r14, 2
  jae .several
  mov eax, HC_TR_FAIL
.several:
  REPORT rax, "hc_info at least two vcpus", r14
  CHECK_EQ [arrived], r14, "every vcpu arrived (lock xadd)"
  ; Indexes 0 .. n-1, each seen once.
  mov ecx, r14d
  mov rax, -1
  cmp ecx, 64
  jae .mask_done
  mov eax, 1
  shl rax, cl
  dec rax
.mask_done:
  CHECK_EQ [seen], rax, "vcpu indexes 0..n-1 each once"
  CHECK_EQ [nop_errors], 0, "hc_nop returns 0 on every vcpu"
  CHECK_EQ [index_changes], 0, "vcpu index stable across yields"
  EXIT 0

  SVMHV_LIB

section .data
align 64
arrived:       dq 0         ; LOCK XADD counter
align 64
seen:          dq 0         ; bit n: vCPU n got here
nop_errors:    dq 0
index_changes: dq 0

section .bss
alignb 4096
stacks: resb MAX_VCPUS * STACK_SIZE
