; svmhv-guest: mode=real mem=1 timeout=2000 expect=timeout
;
; tests/guests/bootsector_plain.asm - a boot sector as someone who never
; heard of svmhv would write it: 512 bytes ending in 0x55 0xaa, loaded at
; 0:0x7c00, printing on the first serial port with plain OUT instructions
; after polling the line status register, then parking the CPU with
; CLI; HLT.  No hypercall, no CPUID: it checks that the documented
; starting state and the COM1 emulation are enough for foreign code.  It
; never exits, so svmhv stops it when its timeout runs out.
bits 16
org 0x7c00

COM1     equ 0x3f8
UART_IER equ 1              ; interrupt enable
UART_FCR equ 2              ; FIFO control
UART_LCR equ 3              ; line control
UART_MCR equ 4              ; modem control
UART_LSR equ 5              ; line status
LSR_THRE equ 0x20           ; transmitter holding register empty

start:
  jmp 0:.flat               ; some loaders enter at 07c0:0000; be sure of CS = 0
.flat:
  cli
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, 0x7c00
  cld

  ; The usual set-up a boot loader does, minus the baud-rate divisor (the
  ; firmware's rate is kept): no UART interrupts, 8N1, FIFOs on, DTR/RTS.
  mov dx, COM1 + UART_IER
  xor al, al
  out dx, al
  mov dx, COM1 + UART_LCR
  mov al, 0x03
  out dx, al
  mov dx, COM1 + UART_FCR
  mov al, 0xc7
  out dx, al
  mov dx, COM1 + UART_MCR
  mov al, 0x03
  out dx, al

  mov si, banner
.next:
  lodsb
  test al, al
  jz .park
  call putc
  jmp .next

.park:
  cli
  hlt
  jmp .park

; AL = byte: waits for room in the transmitter, then sends it.
putc:
  push dx
  push ax
  mov dx, COM1 + UART_LSR
.wait:
  in al, dx
  test al, LSR_THRE
  jz .wait
  pop ax
  mov dx, COM1
  out dx, al
  pop dx
  ret

banner: db "plain boot sector: up, parking the CPU", 13, 10, 0

  times 510 - ($ - $$) db 0
  dw 0xaa55
