; svmhv-guest: mode=real
; svm/guests/k_yield.asm - built into the kernel for the exact-count
; tests: 300 yields, then exit 0.  Two vCPUs of it on one CPU take turns.
bits 16
org 0x7c00
	mov ebp, 300
.loop:
	mov eax, 6			; HC_YIELD
	vmmcall
	dec ebp
	jnz .loop
	mov eax, 2			; HC_EXIT 0
	xor ebx, ebx
	vmmcall
	cli
	hlt
