; sched/switch.asm - the stack switch at the heart of a context switch.
; The C side (sched/sched.c) has already loaded the next task's FS base,
; KernelGsBase and LDT; this saves the callee-saved registers of the task
; we leave on its own stack and resumes the next one where it left off.

section .text
bits 64

; struct task *switch_stack(u64 *prev_rsp, u64 next_rsp, struct task *prev)
; Returns, in the next task's context, the task that was switched away from.
global switch_stack
switch_stack:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	mov rax, rdx
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; First code a new task runs: switch_stack "returns" here with the
; previous task in RAX.
extern task_start
global task_entry_trampoline
task_entry_trampoline:
	mov rdi, rax
	xor ebp, ebp
	call task_start
	ud2
