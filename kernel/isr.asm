; kernel/isr.asm - interrupt and exception entry.  Each vector has a stub
; that makes the stack look the same (an error code, real or zero, and the
; vector) and jumps to one common path that saves every general register
; into a struct trap_frame and calls trap_dispatch(frame).

%include "asm-offsets.inc"

section .text
bits 64

%macro STUB 1
align 16
isr_stub_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21 || %1 = 29 || %1 = 30
	; the CPU pushed an error code
%else
	push 0
%endif
	push %1
	jmp isr_common
%endmacro

%assign v 0
%rep 256
STUB v
%assign v v + 1
%endrep

extern trap_dispatch
isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	; frame pointer chain: let backtraces go through the interrupted code
	mov rbp, [rsp + TF_RBP]
	push qword [rsp + TF_RIP]
	push rbp
	mov rbp, rsp
	call trap_dispatch
	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16		; vector and error code
	iretq

section .rodata
align 8
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_ %+ v
%assign v v + 1
%endrep
