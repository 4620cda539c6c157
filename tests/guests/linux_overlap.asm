; svmhv-guest: mode=real mem=32 refused=linux-header
;
; tests/guests/linux_overlap.asm - negative control for the Linux boot protocol
; loader (vmm/loader/linux.c): an initrd_addr_max just above the kernel's start, so
; that the attached initrd would overlap [load, load + init_size).
; svmhv must refuse it with a message and start the other guests (run
; "linux-refusals", tests/harness/suites.py, gives its module string).
%define LX_INITRD_MAX 0x107ffff
%include "linux_hdr.inc"
	cli
.halt:	hlt
	jmp .halt
