; svmhv-guest: mode=prot mem=16 expect=npf
;
; tests/guests/hostile_npf.asm - writes to guest-physical 0x40000000
; (1 GiB), far above its 16 MiB of RAM, where nothing is mapped in its
; nested page table.  svmhv must stop it with a nested page fault instead
; of handing it any host memory.  (Keep mem= below 1024 for this to hold.)
bits 32

%include "svmhv.inc"

FAR_AWAY equ 0x40000000

section .text
global _start
_start:
  cli
  mov esp, stack_top        ; the start state promises no stack
  mov dword [FAR_AWAY], 0xdeadbeef
  ; Still running: the write went somewhere.  Say so and exit with a
  ; status the expect=npf test will not accept.
  mov eax, [FAR_AWAY]
  TEST_FAIL "write outside ram did not stop the guest", eax
  EXIT 1

  SVMHV_LIB

section .bss
alignb 16
stack: resb 4096
stack_top:
