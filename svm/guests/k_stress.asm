; svmhv-guest: mode=real
; svm/guests/k_stress.asm - built into the kernel for the host-state
; stress: null hypercalls, and every 64th round a virtual timer, HLT until
; it fires, then a yield.  Runs until the host stops it.
; It first gives every field VMLOAD restores a value of its own, unlike any
; the host has, so a host restore that is missing or wrong is seen: FS and
; GS selectors, FS/GS/KernelGsBase bases, STAR, LSTAR, CSTAR, SFMASK and
; SYSENTER_CS/ESP/EIP by WRMSR (TR and LDTR come from the test, in the
; VMCB: real mode cannot load them).  KernelGsBase and FS base then change
; every 64th round.
%include "svmhv_hypercall.inc"	; HC_* from hw/svmhv_hypercall.h
bits 16
org 0x7c00
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, 0x7000
	mov word [0x30 * 4], isr	; IVT entry for the timer vector
	mov word [0x30 * 4 + 2], 0
	mov ax, 0x7e51
	mov fs, ax
	mov ax, 0x7e52
	mov gs, ax
	mov si, msrs
.msr:
	mov ecx, [si]
	test ecx, ecx
	jz .msrs_done
	mov eax, [si + 4]
	mov edx, [si + 8]
	wrmsr
	add si, 12
	jmp .msr
.msrs_done:
	xor esi, esi
.loop:
	mov eax, HC_NOP
	vmmcall
	inc esi
	test si, 0x3f
	jnz .loop
	mov ecx, 0xc0000102		; KernelGsBase: 0x7e57_0000_0000 + round
	mov eax, esi
	mov edx, 0x7e57
	wrmsr
	mov ecx, 0xc0000100		; FS base: 0x7e57_1000_0000 + round
	or eax, 0x10000000
	wrmsr
	mov eax, HC_TIMER		; 20 us, vector 0x30
	mov ebx, 20
	mov ecx, 0x30
	vmmcall
	sti
	hlt
	cli
	mov eax, HC_YIELD
	vmmcall
	jmp .loop
isr:
	iret

align 4
msrs:	; MSR, low, high; all canonical where the MSR needs it
	dd 0xc0000100, 0x0000f500, 0x00007e57	; FS base
	dd 0xc0000101, 0x00006500, 0x00007e57	; GS base
	dd 0xc0000102, 0x0000c600, 0x00007e57	; KernelGsBase
	dd 0xc0000081, 0x5a5a5a5a, 0x0023001b	; STAR
	dd 0xc0000082, 0x00001500, 0x00007e57	; LSTAR
	dd 0xc0000083, 0x00002500, 0x00007e57	; CSTAR
	dd 0xc0000084, 0x00047700, 0x00000000	; SFMASK
	dd 0x00000174, 0x00007e50, 0x00000000	; SYSENTER_CS
	dd 0x00000175, 0x00003500, 0x00007e57	; SYSENTER_ESP
	dd 0x00000176, 0x00004500, 0x00007e57	; SYSENTER_EIP
	dd 0
