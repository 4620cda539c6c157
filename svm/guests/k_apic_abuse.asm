; svmhv-guest: mode=prot mem=4 vcpus=2
;
; svm/guests/k_apic_abuse.asm - built into the kernel for the `platform`
; suite: a pc VM that abuses its interrupt controllers.  Each abuse must be
; contained - refused, dropped or latched as the hardware would - with the
; guest, its siblings and the host going on.  Exits 0 when the guest saw
; what a PC shows, or the number of the step that went wrong.
bits 32

%include "svmhv_hypercall.inc"
%include "pc_wait.inc"

APIC        equ 0xfee00000
IOAPIC      equ 0xfec00000
A_SVR       equ 0xf0
A_ESR       equ 0x280
A_ICR_LO    equ 0x300
A_ICR_HI    equ 0x310
HOST_REQ    equ 0x7000      ; 3: pulse pin 3 (its entry has an illegal vector)
STORM       equ 5000

section .text
global _start
_start:
	cli
	mov esp, stack_top
	mov dword [APIC + A_SVR], 0x1ff
	; 1: an ICR storm with interrupts off: self-IPIs pile up in IRR (one
	; bit), nothing is delivered, nothing else happens
	mov ecx, STORM
.self:	mov dword [APIC + A_ICR_LO], 0x40000 | 0x40
	dec ecx
	jnz .self
	; 2: fixed IPIs, INIT and SIPI to APIC IDs nobody has
	mov ecx, STORM
.lost:	mov dword [APIC + A_ICR_HI], 0x77 << 24
	mov dword [APIC + A_ICR_LO], 0x41
	dec ecx
	jnz .lost
	mov dword [APIC + A_ICR_HI], 0x55 << 24
	mov dword [APIC + A_ICR_LO], 0x4500
	mov dword [APIC + A_ICR_LO], 0x4608
	; 3: a self-IPI with an illegal vector (3) is not delivered; ESR says so
	mov dword [APIC + A_ESR], 0
	mov dword [APIC + A_ICR_LO], 0x40000 | 3
	mov dword [APIC + A_ESR], 0
	mov eax, [APIC + A_ESR]
	test eax, 0x20			; send illegal vector
	jz fail_3
	; 4: an I/O APIC entry with an illegal vector (5), pulsed by the host:
	; the local APIC refuses it (ESR: receive illegal vector)
	mov dword [IOAPIC], 0x10 + 2 * 3 + 1
	mov dword [IOAPIC + 0x10], 0
	mov dword [IOAPIC], 0x10 + 2 * 3
	mov dword [IOAPIC + 0x10], 5
	mov dword [HOST_REQ], 3
	WAIT_UNTIL HOST_REQ, 0x13, e, fail_4
	mov dword [APIC + A_ESR], 0
	mov eax, [APIC + A_ESR]
	test eax, 0x40			; receive illegal vector
	jz fail_4
	; 5: a storm of NMIs to the AP, which waits for SIPI: held, harmless
	mov ecx, 1000
.nmi:	mov dword [APIC + A_ICR_HI], 1 << 24
	mov dword [APIC + A_ICR_LO], 0x400
	dec ecx
	jnz .nmi
	mov eax, HC_EXIT
	xor ebx, ebx
	vmmcall
	jmp park

fail_3:	mov ebx, 3
	jmp fail
fail_4:	mov ebx, 4
fail:	mov eax, HC_EXIT
	vmmcall
park:	cli
	hlt
	jmp park

section .bss
	resb 4096
stack_top:
