; svm/embedded_guests.asm - guest images the kernel carries itself, for
; the svm and hoststate suites (built from svm/guests/*.asm by the
; Makefile before the kernel).  Each has a start and an end symbol.

section .rodata
align 16

%macro GUEST 1
global guest_img_%1, guest_img_%1_end
guest_img_%1:
	incbin %str(guests/%1.bin)
guest_img_%1_end:
	align 16
%endmacro

GUEST k_exit42
GUEST k_stress
GUEST k_yield
GUEST k_spin
GUEST k_bench_guest
GUEST k_irq
GUEST k_fpu
GUEST k_apic
GUEST k_apic_abuse
GUEST k_xlat
