; svmhv-guest: mode=real mem=1 timeout=500 expect=timeout
;
; tests/guests/hostile_loop.asm - spins forever with interrupts enabled and
; never causes an exit of its own.  svmhv must still get its CPU back (the
; host's timer interrupt exits the guest), keep scheduling other work and
; stop this guest when its timeout runs out.
bits 16
org 0x7c00

start:
  sti
  jmp $
