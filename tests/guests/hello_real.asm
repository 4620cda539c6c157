; svmhv-guest: mode=real mem=2 expect=exit:0
;
; tests/guests/hello_real.asm - the smallest svmhv guest, and the example
; in docs/guests.md: a flat binary started in real mode at 0:0x7c00 that
; says hello over COM1 and stops with HC_EXIT 0.
bits 16
org 0x7c00

%include "svmhv.inc"

start:
  REAL_SETUP
  PRINT "hello from a real-mode guest", 10
  EXIT 0

  SVMHV_LIB
