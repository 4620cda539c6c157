; svmhv-guest: mode=real mem=32 refused=linux-header
;
; tests/guests/linux_bigsize.asm - negative control for the Linux boot protocol
; loader (vmm/loader/linux.c): a header that lies about its size: init_size 1 GiB,
; past the 32 MiB of RAM the run gives it.
; svmhv must refuse it with a message and start the other guests (run
; "linux-refusals", tests/harness/suites.py, gives its module string).
%define LX_INIT_SIZE 0x40000000
%include "linux_hdr.inc"
	cli
.halt:	hlt
	jmp .halt
