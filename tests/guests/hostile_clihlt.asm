; svmhv-guest: mode=real mem=1 timeout=500 expect=timeout
;
; tests/guests/hostile_clihlt.asm - halts with interrupts disabled, the
; way a crashed kernel does.  Nothing can ever wake it: svmhv must not
; spin on its behalf, and stops it when its timeout runs out.
bits 16
org 0x7c00

start:
  cli
.again:
  hlt
  jmp .again
