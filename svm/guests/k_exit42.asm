; svmhv-guest: mode=real
; svm/guests/k_exit42.asm - built into the kernel for the svm suite: the
; smallest round trip through guest entry, one VMMCALL and the exit path.
%include "svmhv_hypercall.inc"	; HC_* from hw/svmhv_hypercall.h
bits 16
org 0x7c00
	mov eax, HC_EXIT
	mov ebx, 42
	vmmcall
	cli
	hlt
