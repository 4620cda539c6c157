; svmhv-guest: mode=real mem=32 refused=linux-header
;
; tests/guests/linux_cmdline.asm - negative control for the Linux boot protocol
; loader (vmm/loader/linux.c): a header whose cmdline_size (4) is shorter than the
; command line the run gives it.
; svmhv must refuse it with a message and start the other guests (run
; "linux-refusals", tests/harness/suites.py, gives its module string).
%define LX_CMDLINE_SIZE 4
%include "linux_hdr.inc"
	cli
.halt:	hlt
	jmp .halt
