; svmhv-guest: mode=prot mem=4 refused=multiboot
;
; tests/guests/mb1_badsum.asm - negative control for the multiboot v1
; loader: a sound ELF32 image whose multiboot header has a wrong
; checksum.  svmhv must refuse it ("bad checksum") rather than start it
; as a plain ELF32 guest; if it ever starts, it says so and exits 0, and
; the harness's run "mb1-refusals" fails on the start line.  refused= in
; the header keeps it out of the runs that boot every guest
; (tests/harness/suites.py).
bits 32

%include "svmhv.inc"

MB1_MAGIC equ 0x1badb002

section .text
align 4
  dd MB1_MAGIC, 0, -(MB1_MAGIC) + 1     ; checksum off by one

global _start
_start:
  PROT_SETUP
  PRINT "mb1_badsum: started although its multiboot header is bad", 10
  EXIT 0

  SVMHV_LIB
  PROT_RUNTIME
