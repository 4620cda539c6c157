; svmhv-guest: mode=real
; svm/guests/k_stress.asm - built into the kernel for the host-state
; stress: null hypercalls, and every 64th round a virtual timer, HLT until
; it fires, then a yield.  Runs until the host stops it.
bits 16
org 0x7c00
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, 0x7000
	mov word [0x30 * 4], isr	; IVT entry for the timer vector
	mov word [0x30 * 4 + 2], 0
	xor esi, esi
.loop:
	mov eax, 0			; HC_NOP
	vmmcall
	inc esi
	test si, 0x3f
	jnz .loop
	mov eax, 5			; HC_TIMER: 20 us, vector 0x30
	mov ebx, 20
	mov ecx, 0x30
	vmmcall
	sti
	hlt
	cli
	mov eax, 6			; HC_YIELD
	vmmcall
	jmp .loop
isr:
	iret
