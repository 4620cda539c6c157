; svmhv-guest: mode=prot mem=2 expect=shutdown
;
; tests/guests/hostile_triple.asm - triple-faults on purpose, the classic
; way: with an IDT of limit 0, INT3 cannot be delivered (#GP), neither can
; that #GP (#DF), nor the #DF, and the CPU shuts down.  svmhv must stop
; this guest alone (SHUTDOWN intercept) and carry on with the others.
; Protected mode, where the IDT limit check is beyond doubt.
bits 32

section .text
global _start
_start:
  cli
  lidt [empty_idt]
  int3
  ; Only reached if the shutdown did not stop the guest: spin, which the
  ; test sees as a timeout, not as "shutdown".
.stuck:
  jmp .stuck

section .data
align 8
empty_idt:
  dw 0                      ; limit: not even vector 0 fits
  dd 0
