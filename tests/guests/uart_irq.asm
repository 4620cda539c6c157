; svmhv-guest: mode=prot mem=4 platform=pc expect=exit:0 typed=yes
;
; tests/guests/uart_irq.asm - typed input wakes a halted PC guest through
; its COM1's received-data interrupt: IRQ 4 through the guest's I/O APIC
; (pin 4 -> vector 0x34, edge, to APIC 0) and local APIC.  The guest turns
; the UART's RX interrupt on (IER.RDI, MCR.OUT2), halts with interrupts
; on, and must be woken by that vector once svmhv's console delivers the
; bytes typed while it has the focus (tests/harness/suites.py, run
; "console-irq"); then it reads the line (FIFOs off: one byte in RBR at a
; time, the rest waits in svmhv's input queue) and checks it.
bits 32

%include "svmhv.inc"

IOAPIC      equ 0xfec00000
IOAPIC_WIN  equ 0x10
LAPIC       equ 0xfee00000
LAPIC_EOI   equ 0xb0
LAPIC_SVR   equ 0xf0
COM1_IER    equ 0x3f9
COM1_MCR    equ 0x3fc
COM1_LSR_DR equ 0x01
RX_VECTOR   equ 0x34
LINE_MAX    equ 63

section .text
global _start
_start:
  PROT_SETUP
  ; I/O APIC pin 4: vector 0x34, fixed, physical destination APIC 0, edge,
  ; active high, unmasked (high dword first, so it is complete when unmasked).
  mov dword [IOAPIC], 0x10 + 2 * 4 + 1
  mov dword [IOAPIC + IOAPIC_WIN], 0
  mov dword [IOAPIC], 0x10 + 2 * 4
  mov dword [IOAPIC + IOAPIC_WIN], RX_VECTOR
  mov dword [LAPIC + LAPIC_SVR], 0x1ff     ; APIC on, spurious vector 0xff
  mov dx, COM1_IER
  mov al, 0x01                              ; received-data interrupt
  out dx, al
  mov dx, COM1_MCR
  mov al, 0x0b                              ; DTR, RTS, OUT2 (the IRQ line's gate)
  out dx, al
  mov dword [svmhv_irq_count], 0
  PRINT "uart_irq: halted, waiting for IRQ 4", 10
.wait:
  sti
  hlt
  cli
  cmp dword [svmhv_irq_count], 0
  je .wait
  mov dword [LAPIC + LAPIC_EOI], 0
  CHECK_EQ [svmhv_last_irq], RX_VECTOR, "woken by com1 rx vector 0x34"

  mov edi, line
  xor ecx, ecx
.poll:
  mov dx, COM1_LSR
  in al, dx
  test al, COM1_LSR_DR
  jz .poll
  mov dx, COM1_DATA
  in al, dx
  cmp al, 13
  je .eol
  cmp ecx, LINE_MAX
  jae .poll
  mov [edi + ecx], al
  inc ecx
  jmp .poll
.eol:
  mov byte [edi + ecx], 0
  xor eax, eax
  cmp dword [line], 'irq'                   ; "irq" and its NUL, little-endian
  sete al
  CHECK_EQ eax, 1, "line read after the interrupt"
  PRINT "uart_irq: got '"
  PUTS line
  PRINT "' by interrupt", 10
  EXIT 0

  SVMHV_LIB
  PROT_RUNTIME

section .bss
line: resb LINE_MAX + 1
