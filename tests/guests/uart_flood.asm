; svmhv-guest: mode=prot mem=4 expect=exit:0 com1_rate=512
;
; tests/guests/uart_flood.asm - a negative control for COM1
; (vmm/dev/uart16550.c): 100 KiB written to THR as fast as the guest can,
; never looking at LSR.  svmhv prints the first burst, then its output
; budget runs out, the TX FIFO fills and every further byte is dropped and
; counted ("COM1 output over its budget", "COM1 dropped N output bytes").
; The guest must go on: after the flood it waits for THRE as a polite
; driver would (the budget refills), prints a line, checks that the
; scratch register still works, and exits 0.  Bare platform: COM1 is
; every guest's.  com1_rate=512 makes the flood overrun the budget however
; slowly the host runs the guest (the default 11,520 B/s did not: under a
; loaded TCG the 100 KiB of OUT exits took over 8 s, within the budget).
bits 32

%include "svmhv.inc"

FLOOD_BYTES equ 100 * 1024

section .text
global _start
_start:
  PROT_SETUP
  PRINT "uart_flood: flooding", 10
  mov dx, COM1_DATA
  mov al, '#'
  mov ecx, FLOOD_BYTES
.flood:
  out dx, al
  dec ecx
  jnz .flood
  mov al, 10
  out dx, al
  ; THRE comes back once the budget lets the queued bytes out; bounded
  ; so that a UART that never drains fails instead of hanging.
  mov dx, COM1_LSR
  mov ecx, 1000000
.wait:
  in al, dx
  test al, COM1_LSR_THRE
  jnz .drained
  dec ecx
  jnz .wait
.drained:
  CHECK_NE ecx, 0, "uart drains after a flood"
  PRINT "uart_flood: after the flood", 10
  mov dx, COM1_DATA + 7
  mov al, 0xa5
  out dx, al
  xor eax, eax
  in al, dx
  CHECK_EQ eax, 0xa5, "uart scr works after a flood"
  EXIT 0

  SVMHV_LIB
  PROT_RUNTIME
