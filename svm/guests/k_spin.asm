; svmhv-guest: mode=real
; svm/guests/k_spin.asm - built into the kernel: null hypercalls forever,
; the guest the migration count test moves around.
bits 16
org 0x7c00
.loop:
	mov eax, 0			; HC_NOP
	vmmcall
	jmp .loop
