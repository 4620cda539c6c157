; svm/vmrun.asm - the world switch.  One stub, called with interrupts held
; off by GIF=0 (CLGI in svm/vcpu.c):
;   save host callee-saved registers; VMLOAD the guest's extra state; load
;   the guest's general registers; VMRUN; store them back; VMSAVE the
;   guest's extra state; VMLOAD the host's (FS, GS, TR, LDTR, KernelGsBase,
;   STAR/LSTAR/CSTAR/SFMASK, SYSENTER) from this CPU's host save area;
;   clear what the guest left in registers; return to C.
; Offsets into struct guest_regs come from asm-offsets (svm/svm.h).
;
; void svm_vmrun(paddr_t vmcb_pa, struct guest_regs *regs, paddr_t host_area_pa)

%include "asm-offsets.inc"

; The guest's general registers from the block at rsi (rsi last); back
; into the block at rax; and the way out of a world-switch stub: clear what
; the guest left in the caller-saved registers, drop the two saved
; arguments, restore the callee-saved ones.
%macro GUEST_REGS_LOAD 0
	mov rbx, [rsi + GR_RBX]
	mov rcx, [rsi + GR_RCX]
	mov rdx, [rsi + GR_RDX]
	mov rdi, [rsi + GR_RDI]
	mov rbp, [rsi + GR_RBP]
	mov r8,  [rsi + GR_R8]
	mov r9,  [rsi + GR_R9]
	mov r10, [rsi + GR_R10]
	mov r11, [rsi + GR_R11]
	mov r12, [rsi + GR_R12]
	mov r13, [rsi + GR_R13]
	mov r14, [rsi + GR_R14]
	mov r15, [rsi + GR_R15]
	mov rsi, [rsi + GR_RSI]
%endmacro
%macro GUEST_REGS_STORE 0
	mov [rax + GR_RBX], rbx
	mov [rax + GR_RCX], rcx
	mov [rax + GR_RDX], rdx
	mov [rax + GR_RSI], rsi
	mov [rax + GR_RDI], rdi
	mov [rax + GR_RBP], rbp
	mov [rax + GR_R8],  r8
	mov [rax + GR_R9],  r9
	mov [rax + GR_R10], r10
	mov [rax + GR_R11], r11
	mov [rax + GR_R12], r12
	mov [rax + GR_R13], r13
	mov [rax + GR_R14], r14
	mov [rax + GR_R15], r15
%endmacro
; The stubs' frame: the callee-saved registers, then the third and second
; arguments (RDX at [rsp+8], RSI at [rsp]); STUB_RETURN takes it down.
%macro STUB_ENTER 0
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	push rdx
	push rsi
%endmacro
%macro STUB_RETURN 0
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor edi, edi
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor eax, eax

	add rsp, 16
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
%endmacro

section .text
bits 64
global svm_vmrun
svm_vmrun:
	STUB_ENTER		; [rsp+8] host save area PA, [rsp] guest register block

	mov rax, rdi
	vmload		; guest FS, GS, TR, LDTR, KernelGsBase, syscall MSRs

	GUEST_REGS_LOAD

	vmrun		; RAX = VMCB PA; returns on #VMEXIT with RAX, RSP restored

	push rax		; VMCB PA
	mov rax, [rsp + 8]	; guest register block
	GUEST_REGS_STORE
	pop rax
	vmsave		; guest's extra state back into its VMCB

	mov rax, [rsp + 8]
	vmload		; host's extra state

	; Leave nothing of the guest in registers the C code could see.
	STUB_RETURN

; hostsave=lazy's world switch (docs/host-state.md).  The guest's VMLOAD
; state - TR, LDTR, KernelGsBase, STAR/LSTAR/CSTAR/SFMASK, SYSENTER, the FS
; and GS selectors - stays in the CPU from #VMEXIT to the next VMRUN while
; the exit is handled with GIF=0; only the FS and GS bases are swapped, with
; WRMSR, since C reaches per-CPU data through GS and task data through FS.
; With lz->load_guest the guest's state comes from the VMCB by VMLOAD (the
; first entry of a window); else the CPU still holds it and only its FS/GS
; bases go back.  After #VMEXIT: the guest's bases into lz, the host's
; from lz.  No VMSAVE, no host VMLOAD: svm_lazy_end (svm/run.c) does them
; when the window closes.
; void svm_vmrun_lazy(paddr_t vmcb_pa, struct guest_regs *regs, struct svm_lazy *lz)
; An MSR from / into the 64-bit field at [r8 + off] (clobbers eax, ecx, edx).
%macro WRMSR_FROM 2
	mov ecx, %1
	mov eax, [r8 + %2]
	mov edx, [r8 + %2 + 4]
	wrmsr
%endmacro
%macro RDMSR_TO 2
	mov ecx, %1
	rdmsr
	mov [r8 + %2], eax
	mov [r8 + %2 + 4], edx
%endmacro
global svm_vmrun_lazy
svm_vmrun_lazy:
	STUB_ENTER		; [rsp+8] struct svm_lazy, [rsp] guest register block

	mov r8, rdx
	cmp qword [r8 + LZ_LOAD_GUEST], 0
	je .bases
	mov rax, rdi
	vmload		; the guest's extra state, bases included
	jmp .regs
.bases:
	WRMSR_FROM ASM_MSR_FS_BASE, LZ_GUEST_FS
	WRMSR_FROM ASM_MSR_GS_BASE, LZ_GUEST_GS
	; From here to the VMEXIT nothing may use FS or GS: they are the guest's.
.regs:
	mov rax, rdi
	GUEST_REGS_LOAD

	vmrun

	push rax
	mov rax, [rsp + 8]	; guest register block
	GUEST_REGS_STORE
	pop rax

	mov r8, [rsp + 8]	; struct svm_lazy
	RDMSR_TO ASM_MSR_FS_BASE, LZ_GUEST_FS
	RDMSR_TO ASM_MSR_GS_BASE, LZ_GUEST_GS
	WRMSR_FROM ASM_MSR_FS_BASE, LZ_HOST_FS
	WRMSR_FROM ASM_MSR_GS_BASE, LZ_HOST_GS

	STUB_RETURN

; The floor of a world switch, for benchmarks: VMRUN, #VMEXIT, advance RIP
; by a fixed length, VMRUN again, `count` times, with no C in between and
; no guest register traffic.  The guest must run an instruction of
; `insn_len` bytes that exits on every execution (e.g. VMMCALL in a loop),
; and must not touch r12-r15, which hold the loop's state across VMRUN; its
; other registers are whatever the host left in them.
; u64 svm_vmrun_floor(paddr_t vmcb_pa, struct vmcb *vmcb, u64 count, u64 insn_len)
global svm_vmrun_floor
svm_vmrun_floor:
	push rbp
	mov rbp, rsp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov r12, rdi		; VMCB PA
	mov r13, rsi		; VMCB virtual address
	mov r14, rdx		; iterations
	mov r15, rcx		; instruction length
	mov rax, r12
	vmload
.loop:
	mov rax, r12
	vmrun
	add [r13 + VMCB_SAVE_RIP], r15
	dec r14
	jnz .loop
	mov rax, r12
	vmsave
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
