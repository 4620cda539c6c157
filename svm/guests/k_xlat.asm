; svmhv-guest: mode=long mem=4
; svm/guests/k_xlat.asm - built into the kernel for the suite `vcpu`
; (svm/vcpu_tests.c): the cached translation of RIP's page that finds a
; VMMCALL's length without NRIP save (svm/exit_fast.h, skip_insn) must
; follow the guest's own page tables.  A window page W is mapped to page A
; or page B by page tables of the guest's own; the code at W's first byte
; is, in A, a plain VMMCALL (3 bytes), and in B the same with two segment
; prefixes (5 bytes).  Each step calls W after changing what W maps to:
; another CR3, a changed leaf entry (PTE), a changed upper entry (PDE).
; A translation trusted after the change reads A's bytes for B's
; instruction, steps RIP by 3 instead of 5 and runs `01 d9` (add ecx,
; ebx) from the middle of it: ECX comes back non-zero.
;
; Exit status (HC_EXIT): a bit per step that went wrong, 0 when none did:
;   bit 0  CR3 1, W -> A (twice: a walk, then the cached translation)
;   bit 1  CR3 2, W -> B                    (the CR3 changed)
;   bit 2  CR3 1 again, W -> A
;   bit 3  CR3 1, W's PTE rewritten -> B    (a leaf entry changed)
;   bit 4  W's PTE back -> A
;   bit 5  W's PDE -> another page table, W -> B   (an upper entry changed)
bits 64
default rel

%include "svmhv_hypercall.inc"	; HC_* from hw/svmhv_hypercall.h

LOADER_PD   equ 0x3000          ; the loader's identity map of the first GiB (2 MiB pages)
PML4_1      equ 0x300000
PDPT_1      equ 0x301000
PD_1        equ 0x302000
PT_1        equ 0x303000
PML4_2      equ 0x304000
PDPT_2      equ 0x305000
PD_2        equ 0x306000
PT_2        equ 0x307000
PT_3        equ 0x308000
PAGE_A      equ 0x309000
PAGE_B      equ 0x30a000
SCRATCH     equ 0x30b000
WIN         equ 0x40000000      ; PML4 0, PDPT 1, PD 0, PT 0
PTE_FLAGS   equ 0x7             ; present, writable, user

section .text
global _start
_start:
	lea rsp, [stack_top]
	; Zero the tables and both pages, then copy the two code fragments.
	mov edi, PML4_1
	mov ecx, (SCRATCH + 0x1000 - PML4_1) / 8
	xor eax, eax
	cld
	rep stosq
	lea rsi, [code_a]
	mov edi, PAGE_A
	mov ecx, code_a_end - code_a
	rep movsb
	lea rsi, [code_b]
	mov edi, PAGE_B
	mov ecx, code_b_end - code_b
	rep movsb
	; Hierarchy 1: the first GiB as the loader maps it, W -> A.
	mov qword [abs PML4_1], PDPT_1 | PTE_FLAGS
	mov qword [abs PDPT_1], LOADER_PD | PTE_FLAGS
	mov qword [abs PDPT_1 + 8], PD_1 | PTE_FLAGS
	mov qword [abs PD_1], PT_1 | PTE_FLAGS
	mov qword [abs PT_1], PAGE_A | PTE_FLAGS
	; Hierarchy 2: the same, but W -> B.
	mov qword [abs PML4_2], PDPT_2 | PTE_FLAGS
	mov qword [abs PDPT_2], LOADER_PD | PTE_FLAGS
	mov qword [abs PDPT_2 + 8], PD_2 | PTE_FLAGS
	mov qword [abs PD_2], PT_2 | PTE_FLAGS
	mov qword [abs PT_2], PAGE_B | PTE_FLAGS
	; A third page table, W -> B, for the upper-entry step.
	mov qword [abs PT_3], PAGE_B | PTE_FLAGS

	xor r15d, r15d			; failed steps

	mov eax, PML4_1
	mov cr3, rax
	mov r14d, 1
	call call_w
	call call_w

	mov eax, PML4_2
	mov cr3, rax
	mov r14d, 2
	call call_w

	mov eax, PML4_1
	mov cr3, rax
	mov r14d, 4
	call call_w

	mov qword [abs PT_1], PAGE_B | PTE_FLAGS
	invlpg [abs WIN]
	mov r14d, 8
	call call_w

	mov qword [abs PT_1], PAGE_A | PTE_FLAGS
	invlpg [abs WIN]
	mov r14d, 16
	call call_w

	mov qword [abs PD_1], PT_3 | PTE_FLAGS
	invlpg [abs WIN]
	mov r14d, 32
	call call_w

	mov eax, HC_EXIT
	mov ebx, r15d
	vmmcall
	cli
	hlt

; Calls W with EAX = HC_NOP, EBX = 7, ECX = 0; W sets EBX to 1 (A) or 2
; (B).  The expected EBX is 1 for the steps with bits 0, 2, 4 and 2 for
; the others; a wrong step length leaves ECX = 7.  R14 = the step's bit.
call_w:
	mov eax, HC_NOP
	mov ebx, 7
	xor ecx, ecx
	mov rdx, WIN
	call rdx
	mov edx, 1
	test r14d, 2 | 8 | 32
	jz .want
	mov edx, 2
.want:
	cmp ebx, edx
	jne .bad
	test ecx, ecx
	jz .ok
.bad:
	or r15d, r14d
.ok:
	ret

section .rodata
code_a:	db 0x0f, 0x01, 0xd9			; vmmcall
	db 0xbb, 0x01, 0x00, 0x00, 0x00		; mov ebx, 1
	db 0xc3					; ret
code_a_end:
code_b:	db 0x2e, 0x3e, 0x0f, 0x01, 0xd9		; cs ds vmmcall (5 bytes)
	db 0xbb, 0x02, 0x00, 0x00, 0x00		; mov ebx, 2
	db 0xc3					; ret
code_b_end:

section .bss
align 16
	resb 4096
stack_top:
