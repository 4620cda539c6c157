; svmhv-guest: mode=real mem=32 refused=linux-header
;
; tests/guests/linux_old.asm - negative control for the Linux boot protocol
; loader (vmm/loader/linux.c): a setup header of boot protocol 2.11, older than the
; 2.12 the 64-bit entry flag needs.
; svmhv must refuse it with a message and start the other guests (run
; "linux-refusals", tests/harness/suites.py, gives its module string).
%define LX_VERSION 0x020b
%include "linux_hdr.inc"
	cli
.halt:	hlt
	jmp .halt
