; svmhv-guest: mode=prot mem=4 expect=exit:0 typed=yes
;
; tests/guests/uart_echo.asm - a guest that reads its COM1 (vmm/dev/uart16550.c):
; what is typed on svmhv's serial line while this guest has the input
; focus (vmm/console.c) must arrive in its RX FIFO.  Polls LSR.DR (bare
; platform: no interrupt controller), reads two lines, checks each against
; what the harness types (tests/harness/suites.py, runs "console*"), and
; echoes them.  Between the reads it prints a line-editing sample (a
; carriage return and an erase-line escape) that svmhv shows filtered while
; another console has the focus and intact while this guest has it.
; With no input it waits until its timeout: the negative control.
bits 32

%include "svmhv.inc"

COM1_LSR_DR equ 0x01        ; a received byte is waiting
LINE_MAX    equ 63

section .text
global _start
_start:
  PROT_SETUP
  PRINT "edit: abc", 13, "X", 27, "[K", 10
  PRINT "uart_echo: ready", 10

  mov edi, line
  call read_line
  mov esi, line
  mov edi, want1
  call streq
  CHECK_EQ eax, 1, "first line received"
  PRINT "uart_echo: got '"
  PUTS line
  PRINT "'", 10
  PRINT "edit: abc", 13, "X", 27, "[K", 10

  mov edi, line
  call read_line
  mov esi, line
  mov edi, want2
  call streq
  CHECK_EQ eax, 1, "second line with Ctrl-As"
  PRINT "uart_echo: got the second line", 10
  EXIT 0

; Reads one line into [EDI] (NUL-terminated, at most LINE_MAX bytes):
; bytes up to a CR or LF; CRs and LFs before the first byte are skipped.
read_line:
  push edi
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
  cmp al, 10
  je .eol
  cmp ecx, LINE_MAX
  jae .poll                 ; too long: the rest is dropped
  mov [edi + ecx], al
  inc ecx
  jmp .poll
.eol:
  test ecx, ecx
  jz .poll
  mov byte [edi + ecx], 0
  pop edi
  ret

; EAX = 1 when the NUL-terminated strings at ESI and EDI are equal, else 0.
streq:
  push esi
  push edi
.next:
  mov al, [esi]
  cmp al, [edi]
  jne .differ
  test al, al
  jz .same
  inc esi
  inc edi
  jmp .next
.same:
  mov eax, 1
  jmp .out
.differ:
  xor eax, eax
.out:
  pop edi
  pop esi
  ret

want1: db "one", 0
; Fewer than three Ctrl-As in a row are the guest's: held back by svmhv
; until the next byte, then delivered in front of it.
want2: db "t", 1, "w", 1, 1, "o", 0

  SVMHV_LIB
  PROT_RUNTIME

section .bss
line: resb LINE_MAX + 1
