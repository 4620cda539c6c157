; svmhv-guest: mode=real mem=2 expect=exit:0
;
; tests/guests/exits_real.asm - the exits a real-mode guest can cause and
; what svmhv answers: CPUID (hypervisor leaf, SVM hidden), VMMCALL
; (HC_NOP, HC_INFO, HC_CONSOLE_WRITE) and port I/O (an unemulated port
; reads all-ones at every width and only the accessed bytes change; COM1's
; LSR reads 0x60).  Every check is one HC_TEST_RESULT; then HC_EXIT 0.
bits 16
org 0x7c00

%include "svmhv.inc"

UNUSED_PORT equ 0x0104      ; nothing svmhv emulates lives here

start:
  REAL_SETUP
  PRINT "exits_real: starting", 10

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

  ; ---- hypercalls ----
  mov eax, 0xdeadbeef       ; a stale RAX must not leak into the result
  HC HC_NOP
  CHECK_EQ eax, 0, "hc_nop returns 0"

  HC HC_INFO
  mov [info_index], eax
  mov [info_vcpus], ebx
  mov [info_ram], ecx
  CHECK_EQ [info_index], 0, "hc_info vcpu index 0"
  CHECK_EQ [info_vcpus], 1, "hc_info one vcpu"
  CHECK_NE [info_ram], 0, "hc_info ram size nonzero"
  mov eax, [info_ram]
  and eax, 0xfffff          ; module strings give whole MiB
  CHECK_EQ eax, 0, "hc_info ram size whole MiB"

  CONSOLE "exits_real: hello through HC_CONSOLE_WRITE", 10
  CHECK_EQ eax, 0, "hc_console_write returns 0"

  HC 0x7fffffff             ; no such function
  CHECK_NE eax, 0, "unknown hypercall fails"
  test eax, eax
  js .neg
  TEST_FAIL "unknown hypercall is negative", eax
  jmp .neg_done
.neg:
  TEST_PASS "unknown hypercall is negative", eax
.neg_done:

  ; ---- port I/O ----
  mov dx, UNUSED_PORT
  xor eax, eax
  in al, dx
  CHECK_EQ eax, 0xff, "in al unemulated port 0xff"
  xor eax, eax
  in ax, dx
  CHECK_EQ eax, 0xffff, "in ax unemulated port 0xffff"
  xor eax, eax
  in eax, dx
  CHECK_EQ eax, 0xffffffff, "in eax unemulated port all-ones"

  mov al, 0x5a              ; dropped, and must not change later reads
  out dx, al
  xor eax, eax
  in al, dx
  CHECK_EQ eax, 0xff, "out then in unemulated port"

  mov dx, COM1_LSR
  xor eax, eax
  in al, dx
  CHECK_EQ eax, COM1_LSR_VALUE, "com1 lsr reads 0x60"

  PRINT "exits_real: done", 10
  EXIT 0

  SVMHV_LIB

align 4
info_index: dd 0
info_vcpus: dd 0
info_ram:   dd 0
