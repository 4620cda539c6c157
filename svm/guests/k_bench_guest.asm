; svmhv-guest: mode=long mem=4
; svm/guests/k_bench_guest.asm - built into the kernel for the world-switch
; benchmarks (bench/ws_runs.c).  One 64-bit guest runs one benchmark, chosen by
; the host in a mailbox at GPA 0x80000 before the guest starts: it times
; `samples` iterations of the benchmark's body, one iteration per sample,
; after `warmup` untimed ones, and stores each sample (TSC cycles, u64) in
; its RAM where the host reads them after the guest has stopped.  No new
; hypercall: the only ABI is the mailbox, mirrored by struct bench_mailbox
; in bench/bench.h (keep the two in step).
;
; Every vCPU of the guest runs the same benchmark into its own slot of the
; output (slot = order of arrival, taken with LOCK XADD, so no exit is
; needed to tell vCPUs apart); the last one to finish exits the guest with
; HC_EXIT 0, the others park in HLT.  From the first instruction to the end
; of the timed loop the only exits are the ones the benchmark body makes,
; so the host can also drive the VMMCALL benchmark with svm_vmrun_floor,
; which knows nothing but "advance RIP by 3": one exit (HC_INFO, first
; instruction), then warmup + samples + 1 exits (the last one is the exit
; hypercall).
;
; Registers: RBP = the mailbox, RSI = where the next sample goes, RDI =
; iterations left, R9 = 8 (0 during the warm-up), R10 = the MMIO address,
; R8 = the current sample's start stamp (the host's traced loop reads it
; from the guest registers to split a round trip).  R12-R15 are never
; touched: svm_vmrun_floor keeps its own state in them across VMRUN.
;
; Timestamps: RDTSCP when the host says the CPU has it (it waits for the
; instructions before it to finish), else LFENCE; RDTSC.
bits 64
default rel

%include "svmhv_hypercall.inc"	; HC_* from hw/svmhv_hypercall.h

MBOX        equ 0x80000     ; BENCH_MAILBOX_GPA
MB_MAGIC    equ 0x00
MB_BENCH    equ 0x08
MB_FLAGS    equ 0x0c
MB_WARMUP   equ 0x10
MB_SAMPLES  equ 0x14
MB_OUT      equ 0x18
MB_STRIDE   equ 0x20
MB_HLT_WAIT equ 0x28
MB_TIMER_US equ 0x30
MB_NEXT     equ 0x34
MB_FINISHED equ 0x38
MB_NVCPUS   equ 0x3c
MB_STATUS   equ 0x40
MB_EARLY    equ 0x44
MAGIC       equ 0x314843424e455357   ; "WSBENCH1"
FLAG_RDTSCP equ 1

MAX_VCPUS   equ 64
STACK_SIZE  equ 4096
TIMER_VEC   equ 0x30
MMIO_GPA    equ 0xfeb00000
COM1_SCR    equ 0x3ff
MSR_STAR    equ 0xc0000081
SEL_CODE64  equ 0x18

; RAX = TSC, serialised against what came before.  Clobbers RCX, RDX.
%macro STAMP 0
	test byte [rbp + MB_FLAGS], FLAG_RDTSCP
	jz %%fenced
	rdtscp
	jmp %%have
%%fenced:
	lfence
	rdtsc
%%have:
	shl rdx, 32
	or rax, rdx
%endmacro

; One benchmark: a function timing RDI iterations of its body into [RSI],
; advancing RSI by R9 (0 during the warm-up).
%macro BENCH_BEGIN 1
%1:
.iter:
	STAMP
	mov r8, rax
%endmacro
%macro BENCH_END 0
	STAMP
	sub rax, r8
	mov [rsi], rax
	add rsi, r9
	dec rdi
	jnz .iter
	ret
%endmacro

section .text
global _start
_start:
	; A first exit with nothing live in registers: svm_vmrun_floor's caller
	; runs C code after it (and clobbers registers) before the timed run.
	mov eax, HC_INFO
	vmmcall
	cli
	cld
	mov ebp, MBOX
	mov rax, MAGIC
	cmp [rbp + MB_MAGIC], rax
	jne fail_mailbox
	mov ebx, 1
	lock xadd [rbp + MB_NEXT], ebx		; EBX = my slot
	cmp ebx, MAX_VCPUS
	jae fail_mailbox
	lea rsp, [stacks]
	lea eax, [ebx + 1]
	shl eax, 12				; STACK_SIZE
	add rsp, rax

	call idt_setup

	mov eax, [rbp + MB_BENCH]
	cmp eax, BENCH_NR
	jae fail_mailbox
	lea rcx, [bench_table]
	push qword [rcx + rax * 8]		; [rsp + 8]: the body
	mov rax, [rbp + MB_STRIDE]
	imul rax, rbx
	add rax, [rbp + MB_OUT]
	push rax				; [rsp]: this slot's samples
	mov r10d, MMIO_GPA

	mov edi, [rbp + MB_WARMUP]
	test edi, edi
	jz .timed
	lea rsi, [scratch]
	xor r9d, r9d
	call [rsp + 8]
.timed:
	mov edi, [rbp + MB_SAMPLES]
	test edi, edi
	jz .done
	mov rsi, [rsp]
	mov r9d, 8
	call [rsp + 8]
.done:
	mov eax, 1
	lock xadd [rbp + MB_FINISHED], eax
	inc eax
	cmp eax, [rbp + MB_NVCPUS]
	jb park
	mov eax, HC_EXIT
	xor ebx, ebx
	vmmcall
park:
	cli
	hlt
	jmp park

fail_mailbox:
	mov dword [abs MBOX + MB_STATUS], 1
	mov eax, HC_EXIT
	mov ebx, 1
	vmmcall
	jmp park

; The IDT: one gate, the virtual timer's vector.  Every vCPU writes the
; same bytes; the IDT is shared.
idt_setup:
	lea rax, [timer_isr]
	lea rdi, [idt + TIMER_VEC * 16]
	mov [rdi], ax
	mov word [rdi + 2], SEL_CODE64
	mov word [rdi + 4], 0x8e00		; present, DPL 0, 64-bit interrupt gate
	shr rax, 16
	mov [rdi + 6], ax
	shr rax, 16
	mov [rdi + 8], eax
	mov dword [rdi + 12], 0
	lidt [idtr]
	ret

; Taken before the HLT it was meant to end (the STI shadow did not hold
; it off)?  Then step over the HLT, which nothing would wake, and count it.
timer_isr:
	push rax
	push rcx
	push rdx
	STAMP
	mov [isr_stamp], rax
	mov byte [isr_seen], 1
	lea rax, [bench_hlt.halt]
	cmp [rsp + 24], rax
	jne .after_hlt
	inc qword [rsp + 24]
	lock inc dword [rbp + MB_EARLY]
.after_hlt:
	pop rdx
	pop rcx
	pop rax
	iretq

; ---- the bodies (ids: enum bench_guest_id in bench/bench.h) ----

BENCH_BEGIN bench_baseline		; 0: the two stamps, nothing between
BENCH_END

BENCH_BEGIN bench_vmmcall		; 1: null hypercall
	mov eax, HC_NOP
	vmmcall
BENCH_END

BENCH_BEGIN bench_cpuid			; 2: CPUID leaf 0
	xor eax, eax
	xor ecx, ecx
	cpuid
BENCH_END

BENCH_BEGIN bench_pio			; 3: IN from the emulated COM1 scratch register
	mov edx, COM1_SCR
	in al, dx
BENCH_END

BENCH_BEGIN bench_rdmsr			; 4: intercepted RDMSR of STAR
	mov ecx, MSR_STAR
	rdmsr
BENCH_END

BENCH_BEGIN bench_wrmsr			; 5: intercepted WRMSR of STAR
	mov ecx, MSR_STAR
	xor eax, eax
	xor edx, edx
	wrmsr
BENCH_END

BENCH_BEGIN bench_mmio			; 6: load from the emulated MMIO page (NPF)
	mov rax, [r10]
BENCH_END

BENCH_BEGIN bench_yield			; 8: HC_YIELD (scheduling scenarios)
	mov eax, HC_YIELD
	vmmcall
BENCH_END

; 7: HLT woken by the virtual timer.  Untimed: arm a one-shot timer and
; wait (interrupts off) until it is due, so the host never has to sleep
; for it.  Timed: from just before HLT to the timer's interrupt handler,
; i.e. the HLT exit, the host noticing the due timer, V_IRQ injection,
; VMRUN and the guest taking the interrupt.
bench_hlt:
.iter:
	mov eax, HC_TIMER
	mov ebx, [rbp + MB_TIMER_US]
	mov ecx, TIMER_VEC
	vmmcall
	STAMP
	mov r11, rax
.wait_due:
	STAMP
	sub rax, r11
	cmp rax, [rbp + MB_HLT_WAIT]
	jb .wait_due
	mov byte [isr_seen], 0
	STAMP
	mov r8, rax
	sti
.halt:
	hlt
.wait_isr:				; taken here at the latest (STI shadow)
	cmp byte [isr_seen], 0
	je .wait_isr
	cli
	mov rax, [isr_stamp]
	sub rax, r8
	mov [rsi], rax
	add rsi, r9
	dec rdi
	jnz .iter
	ret

; A guest timer of MB_TIMER_US, then HLT at once: the vCPU task blocks
; and the host's one-shot timer must wake it.  Timed: from arming to the
; interrupt handler, so the sample minus the timer's period is how late the
; guest saw its interrupt.
bench_timer:
.iter:
	mov byte [isr_seen], 0
	mov eax, HC_TIMER
	mov ebx, [rbp + MB_TIMER_US]
	mov ecx, TIMER_VEC
	vmmcall
	STAMP
	mov r8, rax
	sti
	hlt
.wait_isr:
	cmp byte [isr_seen], 0
	je .wait_isr
	cli
	mov rax, [isr_stamp]
	sub rax, r8
	mov [rsi], rax
	add rsi, r9
	dec rdi
	jnz .iter
	ret

section .data
align 8
bench_table:
	dq bench_baseline, bench_vmmcall, bench_cpuid, bench_pio
	dq bench_rdmsr, bench_wrmsr, bench_mmio, bench_hlt, bench_yield, bench_timer
BENCH_NR equ ($ - bench_table) / 8
idtr:
	dw (TIMER_VEC + 1) * 16 - 1
	dq idt

section .bss
alignb 16
idt:		resb (TIMER_VEC + 1) * 16
isr_stamp:	resq 1
isr_seen:	resb 1
alignb 64
scratch:	resq 1
alignb 4096
stacks:		resb MAX_VCPUS * STACK_SIZE
