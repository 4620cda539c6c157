; svmhv-guest: mode=prot mem=4 vcpus=2
;
; svm/guests/k_apic.asm - built into the kernel for the `platform` suite
; (svm/platform_tests.c), run as a pc VM with two vCPUs: the local APIC,
; the I/O APIC and SMP start-up as an unmodified OS uses them.  vCPU 0 (the
; BSP; vCPU 1 waits for SIPI) goes through the steps below in order and
; exits with HC_EXIT 0, or with the number of the step that failed.  The
; counters live at fixed addresses (CNT_*) so that the host can read them,
; and HOST_REQ is how the guest asks the host to drive an I/O APIC pin
; or to say when vCPU 1 has parked.
bits 32

%include "svmhv_hypercall.inc"
%include "pc_wait.inc"

APIC        equ 0xfee00000
IOAPIC      equ 0xfec00000
A_ID        equ 0x20
A_VER       equ 0x30
A_TPR       equ 0x80
A_EOI       equ 0xb0
A_SVR       equ 0xf0
A_ICR_LO    equ 0x300
A_ICR_HI    equ 0x310
A_LVT_TIMER equ 0x320
A_TMICT     equ 0x380
A_TMCCT     equ 0x390
A_TDCR      equ 0x3e0

V_SELF      equ 0x40
V_TIMER     equ 0x41
V_AP        equ 0x42
V_EDGE      equ 0x43
V_LEVEL     equ 0x44
V_TPR       equ 0x45

; Shared words (the host reads them; offsets are svm/platform_tests.c's)
HOST_REQ    equ 0x7000      ; 1: pulse pin 5 (edge); 2: assert pin 6 (level);
                            ; 4: answer once vCPU 1 is parked in wait-for-SIPI
AP_UP       equ 0x7004      ; the AP writes AP_MAGIC once in protected mode
CNT_SELF    equ 0x7008
CNT_TIMER   equ 0x700c
CNT_AP      equ 0x7010
CNT_EDGE    equ 0x7014
CNT_NMI     equ 0x7018
CNT_TPR     equ 0x701c
CNT_LEVEL   equ 0x7020
X2MODE      equ 0x7024      ; EOI through the x2APIC MSR
AP_MAGIC    equ 0x600df00d

TRAMP       equ 0x8000      ; SIPI vector 8
GDTR_COPY   equ 0x8f00
IDTR_COPY   equ 0x8f10
AP_IPIS     equ 50

%macro FAIL_IF 2            ; condition, step number
	j%1 fail_%2
%endmacro

%macro WAIT_GE 3            ; address, value, step: until [addr] >= value, or fail
	WAIT_UNTIL %1, %2, ae, fail_%3
%endmacro

%macro HALT_UNTIL_GE 2      ; address, value: sti; hlt until [addr] >= value
%%w:	cli
	cmp dword [%1], %2
	jae %%ok
	sti
	hlt
	jmp %%w
%%ok:
	sti
%endmacro

section .text
global _start
_start:
	cli
	cld
	mov esp, bsp_stack_top
	call build_idt
	lidt [idtr]

	; 1: IA32_APIC_BASE says enabled, BSP, at 0xfee00000
	mov ecx, 0x1b
	rdmsr
	and eax, 0xfffff900
	cmp eax, 0xfee00900
	FAIL_IF ne, 1
	; 2: ID 0, version 0x14 with five LVT entries beyond the first
	mov eax, [APIC + A_ID]
	shr eax, 24
	FAIL_IF nz, 2
	mov eax, [APIC + A_VER]
	cmp eax, 0x50014
	FAIL_IF ne, 2
	; 3: software-enable (spurious vector 0xff), TPR 0
	mov dword [APIC + A_SVR], 0x1ff
	mov dword [APIC + A_TPR], 0
	; 4: a self-IPI arrives once interrupts are enabled
	mov dword [APIC + A_ICR_LO], 0x40000 | V_SELF
	HALT_UNTIL_GE CNT_SELF, 1
	; 5: TPR holds back a vector of its class or below, until lowered
	mov dword [APIC + A_TPR], 0x50
	mov dword [APIC + A_ICR_LO], 0x40000 | V_TPR
	sti
	nop
	nop
	nop
	cli
	cmp dword [CNT_TPR], 0
	FAIL_IF ne, 5
	mov dword [APIC + A_TPR], 0
	HALT_UNTIL_GE CNT_TPR, 1
	; 6: a one-shot timer (divide by 1, 200000 ticks) fires once and stops
	mov dword [APIC + A_TDCR], 0xb
	mov dword [APIC + A_LVT_TIMER], V_TIMER
	mov dword [APIC + A_TMICT], 200000
	HALT_UNTIL_GE CNT_TIMER, 1
	mov eax, [APIC + A_TMCCT]	; MMIO: plain loads and stores only
	test eax, eax
	FAIL_IF nz, 6
	; 7: a periodic timer fires again and again
	mov dword [APIC + A_LVT_TIMER], 0x20000 | V_TIMER
	mov dword [APIC + A_TMICT], 100000
	HALT_UNTIL_GE CNT_TIMER, 4
	mov dword [APIC + A_LVT_TIMER], 0x10000 | V_TIMER	; masked
	mov dword [APIC + A_TMICT], 0

	; 8: INIT and SIPI start vCPU 1 at TRAMP in real mode.  First the host
	; says when vCPU 1's task has parked in wait-for-SIPI, as an AP on a PC
	; is long before its OS starts it: waking it then takes a kick, every
	; time, whatever the host's load (the negative control relies on it).
	mov dword [HOST_REQ], 4
	WAIT_UNTIL HOST_REQ, 0x14, e, fail_8
	mov dword [HOST_REQ], 0
	mov esi, tramp_start
	mov edi, TRAMP
	mov ecx, tramp_end - tramp_start
	rep movsb
	sgdt [GDTR_COPY]
	sidt [IDTR_COPY]
	mov dword [APIC + A_ICR_HI], 1 << 24
	mov dword [APIC + A_ICR_LO], 0x4500		; INIT, assert
	mov dword [APIC + A_ICR_LO], 0x4600 | (TRAMP >> 12)	; SIPI
	WAIT_GE AP_UP, AP_MAGIC, 8
	; 9: fixed IPIs to vCPU 1, which sits in HLT between them
	xor ebx, ebx
.ipi:	inc ebx
	mov dword [APIC + A_ICR_HI], 1 << 24
	mov dword [APIC + A_ICR_LO], V_AP
	WAIT_GE CNT_AP, ebx, 9
	cmp ebx, AP_IPIS
	jb .ipi
	; 10: an NMI to vCPU 1
	mov dword [APIC + A_ICR_HI], 1 << 24
	mov dword [APIC + A_ICR_LO], 0x400
	WAIT_GE CNT_NMI, 1, 10

	; 11: the I/O APIC: version 0x11 with 24 pins; pin 5 edge to V_EDGE on
	; APIC 0, pulsed by the host
	mov dword [IOAPIC], 1
	mov eax, [IOAPIC + 0x10]
	cmp eax, 0x170011
	FAIL_IF ne, 11
	mov dword [IOAPIC], 0x10 + 2 * 5 + 1
	mov dword [IOAPIC + 0x10], 0
	mov dword [IOAPIC], 0x10 + 2 * 5
	mov dword [IOAPIC + 0x10], V_EDGE
	mov dword [HOST_REQ], 1
	HALT_UNTIL_GE CNT_EDGE, 1
	; 12: pin 6 level-triggered: the host asserts it once; every EOI while
	; it is asserted delivers it again; the handler masks it on the third
	mov dword [IOAPIC], 0x10 + 2 * 6 + 1
	mov dword [IOAPIC + 0x10], 0
	mov dword [IOAPIC], 0x10 + 2 * 6
	mov dword [IOAPIC + 0x10], 0x8000 | V_LEVEL
	mov dword [HOST_REQ], 2
	HALT_UNTIL_GE CNT_LEVEL, 3
	cli
	mov dword [IOAPIC], 0x10 + 2 * 6
	mov eax, [IOAPIC + 0x10]
	test eax, 0x4000		; remote IRR clear after the last EOI
	FAIL_IF nz, 12

	; 13: x2APIC mode: ID through MSR 0x802, a self-IPI through 0x83f
	mov ecx, 0x1b
	rdmsr
	or eax, 0x400
	wrmsr
	mov dword [X2MODE], 1
	mov ecx, 0x802
	rdmsr
	test eax, eax
	FAIL_IF nz, 13
	mov ecx, 0x83f
	mov eax, V_SELF
	xor edx, edx
	wrmsr
	HALT_UNTIL_GE CNT_SELF, 2
	; 14: TSC-deadline mode through IA32_TSC_DEADLINE
	mov ecx, 0x832
	mov eax, 0x40000 | V_TIMER
	xor edx, edx
	wrmsr
	mov ebx, [CNT_TIMER]
	inc ebx
	rdtsc
	add eax, 300000
	adc edx, 0
	mov ecx, 0x6e0
	wrmsr
	HALT_UNTIL_GE CNT_TIMER, ebx

	cli
	mov eax, HC_EXIT
	xor ebx, ebx
	vmmcall
	jmp park

%assign i 1
%rep 14
fail_%[i]:
	cli
	mov eax, HC_EXIT
	mov ebx, i
	vmmcall
	jmp park
%assign i i + 1
%endrep

park:
	cli
	hlt
	jmp park

; IDT: every vector exits with 99 unless it has a handler below.
build_idt:
	mov edi, idt
	xor ecx, ecx
.l:	mov eax, unexpected
	cmp ecx, 2
	jne .n1
	mov eax, isr_nmi
.n1:	cmp ecx, V_SELF
	jne .n2
	mov eax, isr_self
.n2:	cmp ecx, V_TIMER
	jne .n3
	mov eax, isr_timer
.n3:	cmp ecx, V_AP
	jne .n4
	mov eax, isr_ap
.n4:	cmp ecx, V_EDGE
	jne .n5
	mov eax, isr_edge
.n5:	cmp ecx, V_LEVEL
	jne .n6
	mov eax, isr_level
.n6:	cmp ecx, V_TPR
	jne .n7
	mov eax, isr_tpr
.n7:	mov [edi], ax
	mov word [edi + 2], 0x08
	mov word [edi + 4], 0x8e00
	shr eax, 16
	mov [edi + 6], ax
	add edi, 8
	inc ecx
	cmp ecx, 256
	jb .l
	ret

eoi:
	cmp dword [X2MODE], 0
	jne .x2
	mov dword [APIC + A_EOI], 0
	ret
.x2:	push ecx
	push edx
	mov ecx, 0x80b
	xor eax, eax
	xor edx, edx
	wrmsr
	pop edx
	pop ecx
	ret

%macro ISR 2               ; name, counter
%1:
	push eax
	lock inc dword [%2]
	call eoi
	pop eax
	iret
%endmacro

ISR isr_self, CNT_SELF
ISR isr_timer, CNT_TIMER
ISR isr_ap, CNT_AP
ISR isr_edge, CNT_EDGE
ISR isr_tpr, CNT_TPR

isr_level:
	push eax
	lock inc dword [CNT_LEVEL]
	cmp dword [CNT_LEVEL], 3
	jb .eoi
	mov dword [IOAPIC], 0x10 + 2 * 6
	mov dword [IOAPIC + 0x10], 0x18000 | V_LEVEL	; masked, level
.eoi:	call eoi
	pop eax
	iret

isr_nmi:
	lock inc dword [CNT_NMI]
	iret

unexpected:
	mov eax, HC_EXIT
	mov ebx, 99
	vmmcall
	jmp park

; vCPU 1 in protected mode: its own stack, the BSP's IDT, its APIC on;
; then it halts with interrupts on and counts the IPIs it is sent.
ap_main:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov esp, ap_stack_top
	lidt [IDTR_COPY]
	mov dword [APIC + A_SVR], 0x1ff
	mov dword [AP_UP], AP_MAGIC
.l:	sti
	hlt
	jmp .l

; Copied to TRAMP; runs in real mode with CS = TRAMP >> 4, IP = 0.
bits 16
tramp_start:
	cli
	cld
	xor ax, ax
	mov ds, ax
	lgdt [GDTR_COPY]
	mov eax, cr0
	or eax, 1
	mov cr0, eax
	jmp dword 0x08:ap_main
tramp_end:
bits 32

section .data
align 8
idtr:	dw 256 * 8 - 1
	dd idt

section .bss
align 16
idt:	resb 256 * 8
	resb 4096
bsp_stack_top:
	resb 4096
ap_stack_top:
