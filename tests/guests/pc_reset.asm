; svmhv-guest: mode=prot mem=4 vcpus=1 platform=pc expect=reset
;
; tests/guests/pc_reset.asm - the keyboard controller a pc guest resets
; through (vmm/dev/i8042.c): the status register shows the system flag
; and an empty output buffer, a data-port read is harmless, the
; controller's self test answers 0x55 with the output buffer full until
; it is read, the command byte reads back, pulse command 0xff (bit 0 set:
; the reset line not pulsed) leaves the guest running; then 0xfe must
; stop it as a reset (expect=reset).  Reaching the end is a failure.
bits 32

%include "svmhv.inc"

KBD_DATA   equ 0x60
KBD_STATUS equ 0x64

section .text
global _start
_start:
  PROT_SETUP
  PRINT "pc_reset: i8042", 10
  in al, KBD_STATUS
  movzx eax, al
  CHECK_EQ eax, 0x04, "i8042 status: system flag, nothing to read"
  in al, KBD_DATA           ; nothing there: harmless
  mov al, 0xaa
  out KBD_STATUS, al
  in al, KBD_STATUS
  movzx eax, al
  and eax, 1
  CHECK_EQ eax, 1, "i8042 self test fills the output buffer"
  in al, KBD_DATA
  movzx eax, al
  CHECK_EQ eax, 0x55, "i8042 self test passed"
  in al, KBD_STATUS
  movzx eax, al
  and eax, 1
  CHECK_EQ eax, 0, "i8042 output buffer empty after the read"
  mov al, 0x60              ; write the command byte
  out KBD_STATUS, al
  mov al, 0x45
  out KBD_DATA, al
  mov al, 0x20              ; read it
  out KBD_STATUS, al
  in al, KBD_DATA
  movzx eax, al
  CHECK_EQ eax, 0x45, "i8042 command byte reads back"
  mov al, 0xff              ; pulses no output bit
  out KBD_STATUS, al
  TEST_PASS "i8042 0xff does not reset"
  PRINT "pc_reset: pulsing reset", 10
  mov al, 0xfe
  out KBD_STATUS, al
  TEST_FAIL "still running after i8042 command 0xfe"
  EXIT 1

  SVMHV_LIB
  PROT_RUNTIME
