; svmhv-guest: mode=prot mem=4 expect=exit:0
;
; tests/guests/hostile_vmrun.asm - tries to become a hypervisor itself:
; sets EFER.SVME (refused with #GP) and then runs VMRUN on a VMCB it made
; up, which must raise #UD in the guest instead of reaching the CPU.  Its
; IDT catches both and reports them as passes; then HC_EXIT 0.
bits 32

%include "svmhv.inc"

VEC_UD equ 6
VEC_GP equ 13

section .text
global _start
_start:
  PROT_SETUP

  mov ecx, MSR_EFER
  rdmsr
  or eax, EFER_SVME
  EXPECT_FAULT VEC_GP, "set efer.svme #gp", wrmsr

  ; A VMCB-shaped page: zero but for an intercept or two.  VMRUN takes
  ; its physical address in EAX.
  mov dword [fake_vmcb + 0x10], 1     ; VMRUN intercept bit
  mov dword [fake_vmcb + 0x58], 1     ; ASID 1
  mov eax, fake_vmcb
  EXPECT_FAULT VEC_UD, "vmrun in the guest #ud", vmrun
  mov eax, fake_vmcb
  EXPECT_FAULT VEC_UD, "vmsave in the guest #ud", vmsave
  EXPECT_FAULT VEC_UD, "clgi in the guest #ud", clgi

  EXIT 0

  SVMHV_LIB
  PROT_RUNTIME

section .bss
alignb 4096
fake_vmcb: resb 4096
