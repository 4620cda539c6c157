; svmhv-guest: mode=real mem=32 expect=exit:0 refused=linux-only -- proto check
;
; tests/guests/linux_proto.asm - a made-up "kernel" booted through Linux's
; 64-bit boot protocol (vmm/loader/linux.c) that checks what the protocol
; promises at its entry, with no Debian package needed: RSI = the zero
; page with "HdrS", type_of_loader 0xff, the command line, the initrd
; (mb1_env.txt attached: its size and first bytes), four e820 entries, the
; ACPI RSDP; CS = 0x10, DS = ES = SS = 0x18, IF = 0, RIP = pref_address +
; 0x200 (16 MiB), and the identity map reaching the initrd at the top of
; RAM.  The protocol promises no stack: the guest sets RSP itself.  Exit
; port 0xf4 with 0 when all hold, else the number of the first check that
; failed.  mode=real above is only how tools/build_guest.py
; builds it (nasm -f bin); the run "linux-proto" (tests/harness/suites.py)
; gives its own module string, so refused= keeps it out of the runs that
; boot every guest.
%include "linux_hdr.inc"

EXIT_PORT equ 0xf4
ZP        equ 0x7000

%macro CHECK 1			; ZF set = the check held
	jz %%ok
	mov eax, %1
	jmp fail
%%ok:
%endmacro

	; The protocol gives no stack: make one below the EBDA (RAM).
	mov rsp, 0x90000
	cmp rsi, ZP
	CHECK 1
	cmp dword [rsi + 0x202], 0x53726448
	CHECK 2
	cmp byte [rsi + 0x210], 0xff
	CHECK 3
	mov ax, cs
	cmp ax, 0x10
	CHECK 4
	mov ax, ds
	cmp ax, 0x18
	CHECK 5
	mov ax, ss
	cmp ax, 0x18
	CHECK 6
	pushfq
	pop rax
	test eax, 0x200		; IF
	CHECK 7
	lea rax, [rel LX_ENTRY64]
	cmp rax, 0x1000200
	CHECK 8
	; The command line: "proto check".
	mov edi, [rsi + 0x228]
	mov rax, 'proto ch'
	cmp [rdi], rax
	CHECK 9
	cmp dword [rdi + 8], 'eck'	; 'eck' and the NUL
	CHECK 10
	; The initrd: mb1_env.txt, "NR_CPUS=2\n", 10 bytes, page-aligned, high.
	cmp dword [rsi + 0x21c], 10
	CHECK 11
	mov edi, [rsi + 0x218]
	test edi, 0xfff
	CHECK 12
	cmp edi, 0x1100000	; past the kernel's init_size
	setb al
	test al, al
	CHECK 13
	cmp dword [rdi], 'NR_C'
	CHECK 14
	; e820: 4 entries, the last RAM from 1 MiB to the end of the 32 MiB.
	cmp byte [rsi + 0x1e8], 4
	CHECK 15
	cmp qword [rsi + 0x2d0 + 3 * 20], 0x100000
	CHECK 16
	cmp qword [rsi + 0x2d0 + 3 * 20 + 8], 31 * 1024 * 1024
	CHECK 17
	cmp dword [rsi + 0x2d0 + 3 * 20 + 16], 1
	CHECK 18
	; The RSDP the zero page points at.
	mov rdi, [rsi + 0x70]
	test rdi, rdi
	setz al
	test al, al
	CHECK 19
	mov rax, 'RSD PTR '
	cmp [rdi], rax
	CHECK 20
	xor eax, eax
fail:
	out EXIT_PORT, eax
	hlt
	jmp fail
