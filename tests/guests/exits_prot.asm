; svmhv-guest: mode=prot mem=4 expect=exit:0
;
; tests/guests/exits_prot.asm - the exits a 32-bit protected-mode guest
; can cause, with its own GDT and IDT (svmhv.inc's PROT_RUNTIME) so that
; injected exceptions land in a handler that records them:
;  - MSRs: EFER is readable and writable but its SVME bit is not (#GP,
;    and it still reads clear); MSRs off the allow-list #GP(0) both ways;
;  - SVM instructions (VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA)
;    raise #UD at their own address;
;  - HLT with IF=1 is woken by an HC_TIMER interrupt on vector 0x30;
;  - CPUID and port I/O as in exits_real.
; Every check is one HC_TEST_RESULT; then HC_EXIT 0.
bits 32

%include "svmhv.inc"

VEC_UD      equ 6
VEC_GP      equ 13
TIMER_VEC   equ 0x30
BAD_MSR     equ 0xc0011234  ; off the allow-list (and not a real MSR)
UNUSED_PORT equ 0x0104

section .text
global _start
_start:
  PROT_SETUP
  PRINT "exits_prot: starting", 10

  ; ---- MSRs ----
  mov ecx, MSR_EFER
  EXPECT_FAULT -1, "rdmsr efer allowed", rdmsr
  mov [efer_lo], eax
  mov [efer_hi], edx
  mov eax, [efer_lo]
  and eax, EFER_SVME
  CHECK_EQ eax, 0, "efer.svme reads clear"

  mov ecx, MSR_EFER         ; writing back what was read is fine
  mov eax, [efer_lo]
  mov edx, [efer_hi]
  EXPECT_FAULT -1, "wrmsr efer same value", wrmsr

  mov ecx, MSR_EFER
  mov eax, [efer_lo]
  or eax, EFER_SVME
  mov edx, [efer_hi]
  EXPECT_FAULT VEC_GP, "wrmsr efer.svme #gp", wrmsr
  CHECK_EQ [svmhv_last_error], 0, "wrmsr efer.svme error code 0"
  mov ecx, MSR_EFER
  rdmsr
  and eax, EFER_SVME
  CHECK_EQ eax, 0, "efer.svme still clear"

  mov ecx, BAD_MSR
  EXPECT_FAULT VEC_GP, "rdmsr 0xc0011234 #gp", rdmsr
  CHECK_EQ [svmhv_last_error], 0, "rdmsr 0xc0011234 error code 0"
  mov ecx, BAD_MSR
  xor eax, eax
  xor edx, edx
  EXPECT_FAULT VEC_GP, "wrmsr 0xc0011234 #gp", wrmsr

  ; ---- SVM instructions: #UD, never executed for real ----
  xor eax, eax              ; whatever they would use as an address
  xor ecx, ecx
  EXPECT_FAULT VEC_UD, "vmrun #ud", vmrun
  EXPECT_FAULT VEC_UD, "vmload #ud", vmload
  EXPECT_FAULT VEC_UD, "vmsave #ud", vmsave
  EXPECT_FAULT VEC_UD, "stgi #ud", stgi
  EXPECT_FAULT VEC_UD, "clgi #ud", clgi
  EXPECT_FAULT VEC_UD, "skinit #ud", db 0x0f, 0x01, 0xde
  EXPECT_FAULT VEC_UD, "invlpga #ud", invlpga

  ; ---- HLT woken by the virtual timer ----
  ; Arm with interrupts off, then STI; HLT: the STI shadow keeps the
  ; interrupt from arriving between the two, so HLT cannot miss it.
  mov dword [svmhv_irq_count], 0
  mov dword [svmhv_last_irq], 0
  HC HC_TIMER, 1000, TIMER_VEC
  CHECK_EQ eax, 0, "hc_timer arms"
  sti
  hlt
  cli
  CHECK_EQ [svmhv_irq_count], 1, "hlt woken by one timer irq"
  CHECK_EQ [svmhv_last_irq], TIMER_VEC, "timer irq vector 0x30"

  ; Cancelled timer: nothing may arrive.
  HC HC_TIMER, 1000, TIMER_VEC
  HC HC_TIMER, 0, TIMER_VEC
  CHECK_EQ eax, 0, "hc_timer cancel"
  mov dword [svmhv_irq_count], 0
  sti
  mov ecx, 2000             ; ~2 ms of NOP hypercalls with IF=1
.spin:
  push ecx
  HC HC_NOP
  pop ecx
  loop .spin
  cli
  CHECK_EQ [svmhv_irq_count], 0, "cancelled timer stays quiet"

  ; ---- CPUID ----
  mov eax, SVMHV_CPUID_LEAF
  xor ecx, ecx
  cpuid
  CHECK_EQ eax, SVMHV_CPUID_MAX, "cpuid 0x40000000 eax"
  CHECK_EQ ebx, SVMHV_SIG_EBX, "cpuid 0x40000000 ebx 'svmh'"
  CHECK_EQ ecx, SVMHV_SIG_ECX, "cpuid 0x40000000 ecx 'vsvm'"
  CHECK_EQ edx, SVMHV_SIG_EDX, "cpuid 0x40000000 edx 'hvsv'"
  mov eax, 0x80000001
  xor ecx, ecx
  cpuid
  and ecx, CPUID_80000001_ECX_SVM
  CHECK_EQ ecx, 0, "cpuid 0x80000001 ecx.svm hidden"

  ; ---- port I/O ----
  mov dx, UNUSED_PORT
  xor eax, eax
  in al, dx
  CHECK_EQ eax, 0xff, "in al unemulated port 0xff"
  mov eax, 0x12345678
  in ax, dx
  CHECK_EQ eax, 0x1234ffff, "in ax changes only ax"
  in eax, dx
  CHECK_EQ eax, 0xffffffff, "in eax unemulated port all-ones"
  mov dx, COM1_LSR
  xor eax, eax
  in al, dx
  CHECK_EQ eax, COM1_LSR_VALUE, "com1 lsr reads 0x60"

  CHECK_EQ [svmhv_fault_count], 10, "exactly the expected faults"

  PRINT "exits_prot: done", 10
  EXIT 0

  SVMHV_LIB
  PROT_RUNTIME

section .data
efer_lo: dd 0
efer_hi: dd 0
