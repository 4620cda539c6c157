; svmhv-guest: mode=real mem=32 refused=linux-header
;
; tests/guests/linux_no64.asm - negative control for the Linux boot protocol
; loader (vmm/loader/linux.c): a 2.15 header whose xloadflags lack bit 0: no 64-bit
; entry.
; svmhv must refuse it with a message and start the other guests (run
; "linux-refusals", tests/harness/suites.py, gives its module string).
%define LX_XLF 0x2
%include "linux_hdr.inc"
	cli
.halt:	hlt
	jmp .halt
