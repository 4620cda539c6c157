; svmhv-guest: mode=prot mem=4 vcpus=2 platform=pc expect=exit:42
;
; tests/guests/pc_devices.asm - the PC platform's simple devices
; (vmm/dev/pc.c) as a PC guest finds them, each check one HC_TEST_RESULT:
;  - COM1 (vmm/dev/uart16550.c): DLAB hides THR/IER behind DLL/DLM, which
;    read back; LCR, SCR and IER read back (IER's top nibble 0); LSR idle
;    is THRE|TEMT; IIR shows the FIFO state FCR set;
;  - fw_cfg (vmm/dev/fwcfg.c): the "QEMU" signature, the CPU count and RAM
;    size match HC_INFO, an unknown key and every byte past an item's end
;    read 0 (4096 reads past the end: the abuse is contained);
;  - ACPI (vmm/dev/acpi.c): the RSDP found by scanning 0xe0000-0xfffff on
;    16-byte boundaries, RSDP/XSDT/FADT/MADT checksums, the MADT's local
;    APICs (one per vCPU) and I/O APIC at 0xfec00000, the FADT's PM timer
;    port: it never goes back over 1000 reads and, over about 10 ms of its
;    time, the TSC ran 100 to 3000 times as far (a TSC of 358 MHz to
;    10.7 GHz: loose on purpose, both come from the host's TSC);
;  - the 8259 pair (vmm/dev/i8259.c): after ICW1-4, the IMR reads back what
;    OCW1 wrote, IRR reads 0;
;  - and last the exit port (vmm/dev/exitport.c): `out 0xf4` with 42,
;    which the harness expects (expect=exit:42).
; vCPUs other than 0 park at once (today they start at the entry too;
; with INIT/SIPI they never run).
bits 32

%include "svmhv.inc"

COM1        equ 0x3f8
FWCFG_SEL   equ 0x510
FWCFG_DATA  equ 0x511
EXIT_PORT   equ 0xf4
EXIT_CODE   equ 42
PIC1        equ 0x20
PIC2        equ 0xa0
IOAPIC_ADDR equ 0xfec00000
PM_TICKS_10MS equ 35795     ; 3.579545 MHz * 10 ms
PM_BRACKET equ 2000000      ; TSC cycles around one PM read: under 1 ms at 2 GHz

section .text
global _start
_start:
  mov eax, HC_INFO
  vmmcall
  test eax, eax
  jnz park
  PROT_SETUP
  mov eax, HC_INFO
  vmmcall
  mov [nvcpus], ebx
  mov [ram_bytes], ecx
  PRINT "pc_devices: uart", 10

  ; ---- COM1 ----
  mov dx, COM1 + UART_LCR_OFF
  mov al, 0x83              ; DLAB, 8N1
  out dx, al
  mov dx, COM1              ; DLL
  mov al, 0x01
  out dx, al
  mov dx, COM1 + 1          ; DLM
  mov al, 0x02
  out dx, al
  xor eax, eax
  mov dx, COM1
  in al, dx
  CHECK_EQ eax, 1, "uart dll reads back"
  mov dx, COM1 + 1
  in al, dx
  CHECK_EQ eax, 2, "uart dlm reads back"
  mov dx, COM1 + UART_LCR_OFF
  in al, dx
  CHECK_EQ eax, 0x83, "uart lcr with dlab"
  mov al, 0x03
  out dx, al
  in al, dx
  CHECK_EQ eax, 0x03, "uart lcr 8n1"
  mov dx, COM1 + 1          ; IER again, not DLM
  in al, dx
  CHECK_EQ eax, 0, "uart ier behind dlab"
  mov al, 0xff
  out dx, al
  in al, dx
  CHECK_EQ eax, 0x0f, "uart ier top nibble 0"
  xor al, al
  out dx, al
  mov dx, COM1 + 7
  mov al, 0x5a
  out dx, al
  xor eax, eax
  in al, dx
  CHECK_EQ eax, 0x5a, "uart scr reads back"
  mov dx, COM1 + 5
  in al, dx
  CHECK_EQ eax, 0x60, "uart lsr idle thre temt"
  mov dx, COM1 + 2
  mov al, 0x07              ; FIFOs on, both cleared
  out dx, al
  in al, dx
  CHECK_EQ eax, 0xc1, "uart iir fifo on no int"
  xor al, al
  out dx, al
  in al, dx
  CHECK_EQ eax, 0x01, "uart iir fifo off no int"
  PRINT "pc_devices: fw_cfg", 10

  ; ---- fw_cfg ----
  mov ax, 0x0000            ; signature
  call fwcfg_select
  call fwcfg_read4
  CHECK_EQ eax, 0x554d4551, "fwcfg signature QEMU"
  mov ax, 0x0005            ; CPU count, u16
  call fwcfg_select
  call fwcfg_read2
  CHECK_EQ eax, [nvcpus], "fwcfg cpu count"
  ; 4096 reads past the end of the item: all 0
  xor ebx, ebx
  mov ecx, 4096
  mov dx, FWCFG_DATA
.past:
  in al, dx
  or bl, al
  dec ecx
  jnz .past
  CHECK_EQ ebx, 0, "fwcfg 4096 reads past the end 0"
  mov ax, 0x0003            ; RAM size, u64
  call fwcfg_select
  call fwcfg_read4
  CHECK_EQ eax, [ram_bytes], "fwcfg ram size low"
  call fwcfg_read4
  CHECK_EQ eax, 0, "fwcfg ram size high"
  call fwcfg_read4
  CHECK_EQ eax, 0, "fwcfg ram size past the end"
  mov ax, 0x7fff            ; nothing there
  call fwcfg_select
  call fwcfg_read4
  CHECK_EQ eax, 0, "fwcfg unknown key reads 0"
  PRINT "pc_devices: acpi", 10

  ; ---- ACPI: find the RSDP as a BIOS-area scan does ----
  mov esi, 0xe0000
.scan:
  cmp dword [esi], 'RSD '
  jne .scan_next
  cmp dword [esi + 4], 'PTR '
  je .found
.scan_next:
  add esi, 16
  cmp esi, 0x100000
  jb .scan
  TEST_FAIL "acpi rsdp found by scan"
  jmp pic_tests
.found:
  TEST_PASS "acpi rsdp found by scan", esi
  mov ecx, 20
  call sum_bytes
  CHECK_EQ eax, 0, "acpi rsdp checksum"
  movzx eax, byte [esi + 15]
  CHECK_EQ eax, 2, "acpi rsdp revision 2"
  mov ecx, [esi + 20]
  call sum_bytes
  CHECK_EQ eax, 0, "acpi rsdp extended checksum"
  CHECK_EQ [esi + 28], 0, "acpi xsdt below 4 GiB"
  mov esi, [esi + 24]       ; XSDT
  CHECK_EQ [esi], 'XSDT', "acpi xsdt signature"
  mov ecx, [esi + 4]
  call sum_bytes
  CHECK_EQ eax, 0, "acpi xsdt checksum"
  ; walk its entries for FACP and APIC
  mov ecx, [esi + 4]
  sub ecx, 36
  shr ecx, 3
  lea ebx, [esi + 36]
.entry:
  test ecx, ecx
  jz .entries_done
  mov edi, [ebx]
  cmp dword [edi], 'FACP'
  jne .not_fadt
  mov [fadt], edi
.not_fadt:
  cmp dword [edi], 'APIC'
  jne .not_madt
  mov [madt], edi
.not_madt:
  add ebx, 8
  dec ecx
  jmp .entry
.entries_done:
  CHECK_NE [fadt], 0, "acpi xsdt lists the fadt"
  CHECK_NE [madt], 0, "acpi xsdt lists the madt"
  cmp dword [fadt], 0
  je pic_tests
  cmp dword [madt], 0
  je pic_tests

  mov esi, [fadt]
  mov ecx, [esi + 4]
  call sum_bytes
  CHECK_EQ eax, 0, "acpi fadt checksum"
  mov eax, [esi + 0x4c]     ; PM_TMR_BLK
  mov [pm_port], eax
  CHECK_NE eax, 0, "acpi fadt names a pm timer"
  mov eax, [esi + 0x70]     ; flags: TMR_VAL_EXT (bit 8) says 32 bits
  mov dword [pm_mask], 0x00ffffff
  test eax, 1 << 8
  jz .pm24
  mov dword [pm_mask], 0xffffffff
.pm24:

  mov esi, [madt]
  mov ecx, [esi + 4]
  call sum_bytes
  CHECK_EQ eax, 0, "acpi madt checksum"
  ; entries from offset 44: type, length
  mov ebx, esi
  add ebx, [esi + 4]        ; end
  lea edi, [esi + 44]
  xor ecx, ecx              ; enabled local APICs
  xor edx, edx              ; I/O APIC address seen
.madt_entry:
  cmp edi, ebx
  jae .madt_done
  movzx eax, byte [edi]
  cmp eax, 0
  jne .madt_not_lapic
  test dword [edi + 4], 1   ; enabled
  jz .madt_next
  inc ecx
  jmp .madt_next
.madt_not_lapic:
  cmp eax, 1
  jne .madt_next
  mov edx, [edi + 4]
.madt_next:
  movzx eax, byte [edi + 1]
  test eax, eax
  jz .madt_done             ; a zero length would loop forever
  add edi, eax
  jmp .madt_entry
.madt_done:
  CHECK_EQ ecx, [nvcpus], "acpi madt one lapic per vcpu"
  CHECK_EQ edx, IOAPIC_ADDR, "acpi madt ioapic at 0xfec00000"

  ; ---- the PM timer ----
  cmp dword [pm_port], 0
  je pic_tests
  mov edx, [pm_port]
  in eax, dx
  and eax, [pm_mask]
  mov ebx, eax              ; previous
  xor edi, edi              ; steps that went back
  mov ecx, 1000
.mono:
  in eax, dx
  and eax, [pm_mask]
  mov esi, eax
  sub esi, ebx              ; forward distance, modulo the counter's width
  and esi, [pm_mask]
  mov ebp, [pm_mask]
  shr ebp, 1
  cmp esi, ebp              ; more than half the range: it went back
  jbe .mono_ok
  inc edi
.mono_ok:
  mov ebx, eax
  dec ecx
  jnz .mono
  CHECK_EQ edi, 0, "pm timer never goes back"

  ; rate: TSC cycles per PM tick over about 10 ms of PM time.  Each PM
  ; read that counts is bracketed by RDTSCs less than PM_BRACKET cycles
  ; apart, else read again: a vCPU stopped between a PM read and its TSC
  ; stamp (its host CPU busy elsewhere) would pair a PM value with a later
  ; TSC - 2 runs in 13 at a load average of 6-10 measured 6 cycles a tick.
  mov edi, 100              ; tries for the start
.start_try:
  rdtsc
  mov [tsc0], eax
  mov [tsc0 + 4], edx
  mov edx, [pm_port]
  in eax, dx
  and eax, [pm_mask]
  mov ebx, eax              ; PM start
  rdtsc
  sub eax, [tsc0]
  sbb edx, [tsc0 + 4]
  jnz .start_retry
  cmp eax, PM_BRACKET
  jb .start_ok
.start_retry:
  dec edi
  jnz .start_try
  TEST_FAIL "pm timer advances 10 ms", eax   ; never bracketed: eax the last gap
  jmp pic_tests
.start_ok:
  mov ecx, 400000           ; bound: a stuck timer fails, not hangs
.rate:
  rdtsc
  mov [tsc1], eax
  mov [tsc1 + 4], edx
  mov edx, [pm_port]
  in eax, dx
  and eax, [pm_mask]
  sub eax, ebx
  and eax, [pm_mask]
  mov esi, eax              ; PM ticks so far
  rdtsc
  sub eax, [tsc1]
  sbb edx, [tsc1 + 4]
  jnz .rate_next
  cmp eax, PM_BRACKET
  jae .rate_next            ; stopped in between: this read does not count
  cmp esi, PM_TICKS_10MS
  jae .rate_done
.rate_next:
  dec ecx
  jnz .rate
  TEST_FAIL "pm timer advances 10 ms", esi
  jmp pic_tests
.rate_done:
  mov eax, [tsc1]
  mov edx, [tsc1 + 4]
  sub eax, [tsc0]
  sbb edx, [tsc0 + 4]
  div esi                   ; TSC per PM tick (quotient fits: < 2^32)
  mov [tsc_per_tick], eax
  TEST_PASS "pm timer advances 10 ms", esi
  mov eax, [tsc_per_tick]
  cmp eax, 100
  jb .rate_bad
  cmp eax, 3000
  ja .rate_bad
  TEST_PASS "pm timer rate vs tsc", eax
  jmp pic_tests
.rate_bad:
  TEST_FAIL "pm timer rate vs tsc", eax

pic_tests:
  PRINT "pc_devices: 8259", 10
  ; ---- the 8259 pair: initialize as a BIOS does, then mask ----
  mov al, 0x11              ; ICW1: edge, cascade, ICW4 follows
  out PIC1, al
  out PIC2, al
  mov al, 0x20              ; ICW2: vector bases
  out PIC1 + 1, al
  mov al, 0x28
  out PIC2 + 1, al
  mov al, 0x04              ; ICW3: slave on IRQ 2
  out PIC1 + 1, al
  mov al, 0x02
  out PIC2 + 1, al
  mov al, 0x01              ; ICW4: 8086 mode
  out PIC1 + 1, al
  out PIC2 + 1, al
  xor eax, eax
  in al, PIC1 + 1
  CHECK_EQ eax, 0, "8259 imr clear after icw1"
  mov al, 0xfb
  out PIC1 + 1, al
  in al, PIC1 + 1
  CHECK_EQ eax, 0xfb, "8259 master imr reads back"
  mov al, 0xff
  out PIC1 + 1, al
  out PIC2 + 1, al
  in al, PIC1 + 1
  CHECK_EQ eax, 0xff, "8259 master masked"
  in al, PIC2 + 1
  CHECK_EQ eax, 0xff, "8259 slave masked"
  mov al, 0x0a              ; OCW3: read IRR
  out PIC1, al
  in al, PIC1
  CHECK_EQ eax, 0, "8259 irr reads 0"

  ; ---- the exit port ----
  PRINT "pc_devices: exit port", 10
  mov eax, EXIT_CODE
  out EXIT_PORT, eax
  TEST_FAIL "exit port did not stop the vm"
  EXIT 1

park:
  cli
  hlt
  jmp park

; AX = key; keeps the other registers.
fwcfg_select:
  push edx
  mov dx, FWCFG_SEL
  out dx, ax
  pop edx
  ret

; EAX = next 2 / 4 bytes of the item, little-endian.
fwcfg_read2:
  push ecx
  mov ecx, 2
  jmp fwcfg_read_n
fwcfg_read4:
  push ecx
  mov ecx, 4
fwcfg_read_n:
  push edx
  push ebx
  xor ebx, ebx
  mov dx, FWCFG_DATA
  push ecx
.byte:
  in al, dx
  shrd ebx, eax, 8          ; the byte enters at the top, earlier ones move down
  dec ecx
  jnz .byte
  pop ecx
  neg ecx
  add ecx, 4
  shl ecx, 3                ; (4 - n) * 8: the first byte to bits 0-7
  shr ebx, cl
  mov eax, ebx
  pop ebx
  pop edx
  pop ecx
  ret

; ESI = start, ECX = length: EAX = their byte sum mod 256.
sum_bytes:
  push ecx
  push esi
  xor eax, eax
.s:
  test ecx, ecx
  jz .done
  add al, [esi]
  inc esi
  dec ecx
  jmp .s
.done:
  movzx eax, al
  pop esi
  pop ecx
  ret

  SVMHV_LIB
  PROT_RUNTIME

section .data
nvcpus:       dd 0
ram_bytes:    dd 0
fadt:         dd 0
madt:         dd 0
pm_port:      dd 0
pm_mask:      dd 0
tsc0:         dq 0
tsc1:         dq 0
tsc_per_tick: dd 0

UART_LCR_OFF equ 3
