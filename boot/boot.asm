; boot/boot.asm - multiboot2 header and the 32-bit entry GRUB jumps to.
;
; GRUB enters in 32-bit protected mode with paging off, EAX = magic, EBX =
; physical address of the boot information.  Nothing else is assumed: under
; GRUB-EFI, EFER.NXE may be set, CR4 non-zero and CR3 the firmware's, so
; every control register is written with a known value before paging is on.
; The code builds identity, direct-map and higher-half mappings of the first
; 4 GiB with 2 MiB pages, enters long mode, jumps to the higher half and
; calls kmain(magic, mbi_phys).  The C side replaces these tables early.

%include "kernel/layout.inc"

MB2_MAGIC        equ 0xE85250D6
MB2_ARCH_I386    equ 0
MB2_BOOT_MAGIC   equ 0x36d76289

section .multiboot2
align 8
global mb2_header
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; information request: command line, modules, basic memory, memory map,
	; framebuffer, ACPI old and new RSDP, EFI tags (all optional to GRUB)
	align 8
.info_req:
	dw 1, 1			; type 1, flags 1 = optional (GRUB ignores unknown ones)
	dd .info_req_end - .info_req
	dd 1, 3, 4, 6, 8, 14, 15
.info_req_end:
	align 8
	; framebuffer: no preference, optional; under BIOS grub.cfg keeps text
.fb:
	dw 5, 1
	dd 20
	dd 0, 0, 0
	align 8
	; page-align modules so guest images can be mapped as they are
	dw 6, 0
	dd 8
	align 8
	; end tag
	dw 0, 0
	dd 8
mb2_header_end:

section .boot.text progbits alloc exec nowrite
bits 32
global _start
_start:
	cli
	cld
	mov esp, boot_stack_top
	mov [boot_magic], eax
	mov [boot_mbi], ebx

	cmp eax, MB2_BOOT_MAGIC
	jne .bad_magic

	; CPUID extended leaves and long mode must exist.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	xor esi, esi
	test edx, 1 << 20	; NX available?
	jz .no_nx
	mov esi, 1 << 11	; EFER.NXE
.no_nx:
	; Known control state: paging off, CR4 = PAE only.
	mov eax, cr0
	and eax, 0x7fffffff
	mov cr0, eax
	mov eax, 1 << 5
	mov cr4, eax

	call build_boot_tables
	mov eax, boot_pml4
	mov cr3, eax

	; EFER = LME (+ NXE when present); clears anything the firmware left.
	mov ecx, 0xC0000080
	mov eax, (1 << 8)
	or eax, esi
	xor edx, edx
	wrmsr

	; CR0 = PE | MP | ET | NE | WP | PG
	mov eax, (1 << 0) | (1 << 1) | (1 << 4) | (1 << 5) | (1 << 16) | (1 << 31)
	mov cr0, eax

	lgdt [boot_gdt_ptr]
	jmp 0x08:.long_mode

.bad_magic:
	mov esi, msg_bad_magic
	jmp boot_fail
.no_long_mode:
	mov esi, msg_no_lm
	jmp boot_fail

bits 64
.long_mode:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rax, .higher_half
	jmp rax
.higher_half:
	mov rsp, bsp_stack_top
	xor ebp, ebp
	mov edi, [boot_magic]
	mov esi, [boot_mbi]
	extern kmain
	call kmain
.hang:
	cli
	hlt
	jmp .hang

bits 32
; Fill the boot page tables: pd0..pd3 map 0..4 GiB with 2 MiB pages.
build_boot_tables:
	mov edi, boot_pml4
	mov ecx, (7 * 4096) / 4
	xor eax, eax
	rep stosd
	; four page directories, 2048 entries, address = index * 2 MiB
	mov edi, boot_pd
	xor ecx, ecx
.pd_loop:
	mov eax, ecx
	shl eax, 21
	or eax, 0x83		; present, writable, 2 MiB page
	mov [edi + ecx * 8], eax
	mov eax, ecx
	shr eax, 11		; high bits of the address (index * 2 MiB >> 32)
	mov [edi + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jb .pd_loop
	; pdpt_lo[0..3] -> pd0..pd3
	mov edi, boot_pdpt_lo
	mov eax, boot_pd + 0x003
	mov [edi + 0], eax
	add eax, 4096
	mov [edi + 8], eax
	add eax, 4096
	mov [edi + 16], eax
	add eax, 4096
	mov [edi + 24], eax
	; pdpt_hi[510] -> pd0, [511] -> pd1: KERNEL_VMA maps physical 0..2 GiB
	mov edi, boot_pdpt_hi
	mov eax, boot_pd + 0x003
	mov [edi + 510 * 8], eax
	add eax, 4096
	mov [edi + 511 * 8], eax
	; pml4[0] identity, pml4[256] direct map, pml4[511] kernel
	mov edi, boot_pml4
	mov eax, boot_pdpt_lo + 0x003
	mov [edi + 0], eax
	mov [edi + 256 * 8], eax
	mov eax, boot_pdpt_hi + 0x003
	mov [edi + 511 * 8], eax
	ret

; Print the NUL-terminated string at ESI on COM1 and in VGA text memory,
; then halt for good.  Used before anything else works.
boot_fail:
	mov dx, 0x3f9		; COM1: 115200 8N1, no interrupts
	xor al, al
	out dx, al
	mov dx, 0x3fb
	mov al, 0x80
	out dx, al
	mov dx, 0x3f8
	mov al, 1
	out dx, al
	mov dx, 0x3f9
	xor al, al
	out dx, al
	mov dx, 0x3fb
	mov al, 0x03
	out dx, al
	mov edi, 0xb8000
	push esi
.serial:
	lodsb
	test al, al
	jz .vga
	mov ah, al
	mov dx, 0x3fd
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov al, ah
	mov dx, 0x3f8
	out dx, al
	jmp .serial
.vga:
	pop esi
.vga_loop:
	lodsb
	test al, al
	jz .halt
	cmp al, 10
	je .vga_loop
	mov ah, 0x4f		; white on red
	mov [edi], ax
	add edi, 2
	jmp .vga_loop
.halt:
	cli
	hlt
	jmp .halt

section .boot.data progbits alloc noexec write
align 16
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff	; 0x08: 64-bit code
	dq 0x00cf92000000ffff	; 0x10: data
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt
global boot_magic, boot_mbi
boot_magic: dd 0
boot_mbi:   dd 0
msg_bad_magic: db "svmhv: not started by a multiboot2 loader (bad magic in EAX); halting.", 13, 10, 0
msg_no_lm:     db "svmhv: this CPU has no 64-bit long mode; halting.", 13, 10, 0

section .boot.bss nobits alloc noexec write
alignb 4096
global boot_pml4
boot_pml4:    resb 4096
boot_pdpt_lo: resb 4096
boot_pdpt_hi: resb 4096
boot_pd:      resb 4 * 4096
boot_stack:   resb 4096
boot_stack_top:

section .bss
alignb 16
global bsp_stack_base, bsp_stack_top
bsp_stack_base: resb KSTACK_SIZE
bsp_stack_top:
