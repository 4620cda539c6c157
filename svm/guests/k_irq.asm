; svmhv-guest: mode=real
; svm/guests/k_irq.asm - built into the kernel for the vcpu suite
; (svm/vcpu_tests.c): interrupt shadow, HLT and lost-event cases.  The host
; picks the case by where it starts the guest (RIP) and, for `main`, by BX;
; it also writes the IVT entry for TIMER_VEC itself, so cases that start
; with an interrupt already pending need no set-up code.  Results are words
; in guest RAM the host reads after the guest stopped (RES_*).
bits 16
org 0x7c00

%include "svmhv_hypercall.inc"	; HC_* from hw/svmhv_hypercall.h
TIMER_VEC equ 0x30
ITERS     equ 10000

RES_COUNT equ 0x600     ; handler runs
RES_RET   equ 0x604     ; the IP the last one returned to
RES_FAIL  equ 0x608     ; loop: iterations not woken exactly once
RES_BADIP equ 0x60c     ; loop: iterations whose handler did not return behind HLT
RES_ITER  equ 0x610     ; loop: iterations done
RES_CR8   equ 0x614     ; cr8: CR8 read back after writing 15

%macro EXIT 1
	mov eax, HC_EXIT
	mov ebx, %1
	vmmcall
%%park:
	cli
	hlt
	jmp %%park
%endmacro

start:                  ; 0x7c00
	jmp main
	times 0x10 - ($ - $$) db 0x90

; 0x7c10: the host starts here with IF=1, an interrupt shadow reported and
; an interrupt pending.  The shadow covers this HLT: the interrupt must
; come after it (returning to 0x7c11), never before it.
shadow_hlt:
	hlt
shadow_after:           ; 0x7c11
	cli
	EXIT 0
	times 0x30 - ($ - $$) db 0x90

; 0x7c30: the host starts here with IF=1, an interrupt pending and the page
; of the stack (0x6000) withdrawn from the nested page tables: delivering
; the interrupt exits (NPF) halfway; it must still arrive, exactly once.
lost_event:
	mov cx, 50
.spin:
	mov eax, HC_NOP
	vmmcall
	loop .spin
	cli
	EXIT 0
	times 0x60 - ($ - $$) db 0x90

isr:                    ; 0x7c60
	push bp
	mov bp, sp
	push ax
	inc dword [RES_COUNT]
	mov ax, [bp + 2]
	mov [RES_RET], ax
	pop ax
	pop bp
	iret

main:
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, 0x7000
	cmp bx, 2
	je timer_due
	cmp bx, 3
	je hlt_loop
	cmp bx, 4
	je cli_hlt
	cmp bx, 5
	je cr8_write
	EXIT 99

; The timer is due before STI: `sti; hlt; cli` takes it exactly once, after
; the HLT (the STI shadow covers the HLT, then HLT ends for it).
timer_due:
	mov eax, HC_TIMER
	mov ebx, 20
	mov ecx, TIMER_VEC
	vmmcall
	mov cx, 500             ; 500 exits: far more than 20 us anywhere
.wait:
	mov eax, HC_NOP
	vmmcall
	loop .wait
	sti
	hlt
timer_due_after:
	cli
	cmp word [RES_RET], timer_due_after
	je .behind
	inc dword [RES_BADIP]
.behind:
	EXIT 0

; ITERS rounds of arm; sti; hlt; cli, each woken exactly once, behind HLT.
hlt_loop:
	mov edi, [RES_COUNT]
	mov eax, HC_TIMER
	mov ebx, 20
	mov ecx, TIMER_VEC
	vmmcall
	sti
	hlt
hlt_loop_after:
	cli
	mov eax, [RES_COUNT]
	sub eax, edi
	cmp eax, 1
	je .once
	inc dword [RES_FAIL]
.once:
	cmp word [RES_RET], hlt_loop_after
	je .behind
	inc dword [RES_BADIP]
.behind:
	inc dword [RES_ITER]
	cmp dword [RES_ITER], ITERS
	jb hlt_loop
	EXIT 0

; HLT with IF=0 and a timer armed: a CPU stays halted; so must the vCPU,
; without exits, until the guest's time runs out.
cli_hlt:
	cli
	mov eax, HC_TIMER
	mov ebx, 20
	mov ecx, TIMER_VEC
	vmmcall
	hlt
	EXIT 1

; Offsets the host relies on (svm/vcpu_tests.c).
%if shadow_hlt - start != 0x10 || lost_event - start != 0x30 || isr - start != 0x60
%error "k_irq.asm: fixed entry points moved"
%endif

; The host starts here (BX=5) with an interrupt pending: with IF=0 it sits
; in V_IRQ while CR8 is written (AMD's LOCK MOV CR0 form, any mode), read
; back, and lowered; after STI it arrives exactly once.  Each CR8 write
; exits while V_IRQ is set (svm/run.c): QEMU 7.2 aborts if it does not.
cr8_write:
	cli
	mov eax, 15
	db 0xf0
	mov cr0, eax            ; LOCK MOV CR0: CR8 <- 15
	db 0xf0
	mov eax, cr0            ; LOCK MOV from CR0: EAX <- CR8
	mov [RES_CR8], eax
	xor eax, eax
	db 0xf0
	mov cr0, eax            ; CR8 <- 0
	sti
	nop
	cli
	EXIT 0
