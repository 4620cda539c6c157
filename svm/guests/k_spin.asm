; svmhv-guest: mode=real
; svm/guests/k_spin.asm - built into the kernel: null hypercalls forever,
; the guest the migration count test moves around.
%include "svmhv_hypercall.inc"	; HC_* from hw/svmhv_hypercall.h
bits 16
org 0x7c00
.loop:
	mov eax, HC_NOP
	vmmcall
	jmp .loop
