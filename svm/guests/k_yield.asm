; svmhv-guest: mode=real
; svm/guests/k_yield.asm - built into the kernel for the exact-count
; tests: 300 yields, then exit 0.  Two vCPUs of it on one CPU take turns.
%include "svmhv_hypercall.inc"	; HC_* from hw/svmhv_hypercall.h
bits 16
org 0x7c00
	mov ebp, 300
.loop:
	mov eax, HC_YIELD
	vmmcall
	dec ebp
	jnz .loop
	mov eax, HC_EXIT		; status 0
	xor ebx, ebx
	vmmcall
	cli
	hlt
