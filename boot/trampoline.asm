; boot/trampoline.asm - where an application processor starts.  The boot
; CPU copies trampoline_start..trampoline_end to a free page below 1 MiB
; (kernel/smp.c) and sends INIT, SIPI, SIPI with that page's number as the
; vector; the AP wakes in real mode at CS = page << 8, IP = 0.
;
; The code runs at whatever page it was copied to: it takes its base from
; CS and patches the two far-jump targets and the GDT base itself.  Its
; parameters (tramp_*) are filled in by the boot CPU before each start:
; CR0/CR4/EFER, a CR3 below 4 GiB whose slot 0 identity-maps the first
; 2 MiB (so the code keeps running when paging comes on), the stack and
; the C entry point.  Every stack is taken with XCHG, so a CPU that wakes
; late, after the boot CPU has given up on it, finds no stack and parks
; here instead of sharing another CPU's.
;
; Real mode -> 32-bit protected mode -> long mode (AMD APM vol. 2, 14.6
; "Enabling and Activating Long Mode") -> the kernel's higher half.

section .rodata
bits 16
align 16
global trampoline_start, trampoline_end
global tramp_cr0, tramp_cr3, tramp_cr4, tramp_efer, tramp_stack, tramp_entry

%define OFF(x) ((x) - trampoline_start)

trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	mov es, ax
	mov ss, ax
	movzx ebx, ax
	shl ebx, 4			; EBX = linear base, kept to the end

	lea eax, [ebx + OFF(gdt)]
	mov [OFF(gdtr) + 2], eax
	lea eax, [ebx + OFF(pm32)]
	mov [OFF(pm32_ptr)], eax
	lea eax, [ebx + OFF(lm64)]
	mov [OFF(lm64_ptr)], eax

	o32 lgdt [OFF(gdtr)]
	mov eax, cr0
	or eax, 1			; PE
	mov cr0, eax
	o32 jmp far [OFF(pm32_ptr)]

bits 32
pm32:
	mov ax, GDT_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, [ebx + OFF(tramp_cr4)]	; PAE at least
	mov cr4, eax
	mov eax, [ebx + OFF(tramp_cr3)]
	mov cr3, eax
	mov ecx, 0xC0000080		; EFER: LME (+ NXE like the boot CPU)
	mov eax, [ebx + OFF(tramp_efer)]
	xor edx, edx
	wrmsr
	mov eax, [ebx + OFF(tramp_cr0)]	; PG, and CD/NW clear unlike after INIT
	mov cr0, eax
	jmp far [ebx + OFF(lm64_ptr)]

bits 64
lm64:
	mov ax, GDT_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov ebx, ebx			; the upper half is undefined after the switch
	xchg rax, [rbx + OFF(tramp_stack)]
	test rax, rax
	jz .park
	mov rsp, rax
	xor ebp, ebp
	push rbp			; a null return address ends backtraces
	mov rax, [rbx + OFF(tramp_entry)]
	jmp rax
.park:
	cli
	hlt
	jmp .park

GDT_CODE32 equ 0x08
GDT_DATA   equ 0x10
GDT_CODE64 equ 0x18

align 16
gdt:
	dq 0
	dq 0x00cf9a000000ffff		; 0x08: 32-bit code, flat
	dq 0x00cf92000000ffff		; 0x10: data, flat
	dq 0x00af9a000000ffff		; 0x18: 64-bit code
gdt_end:
align 4
	dw 0
gdtr:
	dw gdt_end - gdt - 1
	dd 0				; base, patched
pm32_ptr:
	dd 0				; offset, patched
	dw GDT_CODE32
lm64_ptr:
	dd 0				; offset, patched
	dw GDT_CODE64

align 8
tramp_cr0:   dd 0
tramp_cr3:   dd 0
tramp_cr4:   dd 0
tramp_efer:  dd 0
tramp_stack: dq 0
tramp_entry: dq 0
trampoline_end:
