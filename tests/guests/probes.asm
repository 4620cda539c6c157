; svmhv-guest: mode=prot mem=4 expect=exit:0
;
; tests/guests/probes.asm - probes the edges of what svmhv lets a guest
; reach:
;  - RDMSR and WRMSR of 20 MSRs that are not on the allow-list - among
;    them the ones that would hand a guest the host (VM_CR, VM_HSAVE_PA,
;    SYSCFG, HWCR, microcode, MTRRs; a pc VM has some of them, a bare VM
;    none) and indexes no CPU has - each must raise #GP(0), and CPUID
;    must not show the MTRRs;
;  - reads of every port of the ISA range (0-0x3ff, COM1 excepted) and of
;    a sweep through the whole 64 KiB port space must return all-ones;
;    writes to a couple of ports (POST code, PCI address) must be dropped,
;    so the PCI data port still reads all-ones;
;  - MOV to CR4 with every bit set, and with PCIDE outside long mode, must
;    raise #GP(0) (svmhv checks CR4 writes: on QEMU's TCG a reserved bit
;    otherwise ends the guest with VMEXIT_INVALID), while a CR4 with a bit
;    that exists (OSFXSR) is taken and reads back.
; Each MSR is one result; the port sweeps are one result each, the value
; being the first port that answered something else.  Then HC_EXIT 0.
bits 32

%include "svmhv.inc"

VEC_GP      equ 13
SWEEP_STEP  equ 0x0101      ; 65536 / 257: every high and every low byte value
PCI_ADDR    equ 0xcf8
PCI_DATA    equ 0xcfc

; MSR index, "what it is": RDMSR, then WRMSR of zero, must both #GP.
%macro MSR_PROBE 2
  %strcat sv_rd_name "rdmsr ", %2, " #gp"
  %strcat sv_wr_name "wrmsr ", %2, " #gp"
  mov ecx, %1
  EXPECT_FAULT VEC_GP, sv_rd_name, rdmsr
  mov ecx, %1
  xor eax, eax
  xor edx, edx
  EXPECT_FAULT VEC_GP, sv_wr_name, wrmsr
%endmacro

section .text
global _start
_start:
  PROT_SETUP
  PRINT "probes: msrs", 10

  MSR_PROBE 0x00000000, "0x0 p5_mc_addr"
  MSR_PROBE 0x0000008b, "0x8b patch level"
  MSR_PROBE 0x000000fe, "0xfe mtrrcap"
  MSR_PROBE 0x00000179, "0x179 mcg_cap"
  MSR_PROBE 0x000001d9, "0x1d9 debugctl"
  MSR_PROBE 0x00000200, "0x200 mtrr physbase0"
  MSR_PROBE 0x000002ff, "0x2ff mtrr deftype"
  MSR_PROBE 0x00000400, "0x400 mc0_ctl"
  MSR_PROBE 0x00000c80, "0xc80 unassigned"
  MSR_PROBE 0x40000000, "0x40000000 hv range"
  MSR_PROBE 0x000001a0, "0x1a0 misc_enable (pc VMs only)"
  MSR_PROBE 0xc0010000, "0xc0010000 perf_ctl0"
  MSR_PROBE 0xc0010010, "0xc0010010 syscfg"
  MSR_PROBE 0xc0010015, "0xc0010015 hwcr"
  MSR_PROBE 0xc0010114, "0xc0010114 vm_cr"
  MSR_PROBE 0xc0010117, "0xc0010117 vm_hsave_pa"
  MSR_PROBE 0xc0010140, "0xc0010140 osvw_id_length"
  MSR_PROBE 0xc0011004, "0xc0011004 cpuid features"
  MSR_PROBE 0x5a5a1234, "0x5a5a1234 nothing"
  MSR_PROBE 0xffffffff, "0xffffffff nothing"
  ; ... and CPUID does not offer the MTRRs a bare VM lacks (a pc VM has them)
  mov eax, 1
  cpuid
  and edx, 1 << 12
  CHECK_EQ edx, 0, "cpuid 1 mtrr bit clear on a bare vm"
  mov eax, 0x80000001
  cpuid
  and edx, 1 << 12
  CHECK_EQ edx, 0, "cpuid 0x80000001 mtrr bit clear on a bare vm"

  PRINT "probes: cr4", 10
  mov eax, 0xffffffff
  EXPECT_FAULT VEC_GP, "mov cr4 all ones #gp", mov cr4, eax
  mov eax, cr4
  or eax, 1 << 17           ; PCIDE, outside long mode
  EXPECT_FAULT VEC_GP, "mov cr4 pcide in prot mode #gp", mov cr4, eax
  mov eax, cr4
  or eax, 1 << 9            ; OSFXSR
  mov cr4, eax
  mov ebx, cr4
  CHECK_EQ ebx, eax, "mov cr4 osfxsr reads back"

  PRINT "probes: ports", 10

  ; ---- every ISA port but COM1's eight ----
  xor ebx, ebx              ; port
  xor edi, edi              ; ports that answered something else
  xor esi, esi              ; first such port + 1 (0: none)
.isa:
  cmp ebx, COM1_DATA
  jb .isa_read
  cmp ebx, COM1_DATA + 7
  jbe .isa_next
.isa_read:
  mov edx, ebx
  in al, dx
  cmp al, 0xff
  je .isa_next
  inc edi
  test esi, esi
  jnz .isa_next
  lea esi, [ebx + 1]
.isa_next:
  inc ebx
  cmp ebx, 0x400
  jb .isa
  CHECK_EQ edi, 0, "ports 0-0x3ff read 0xff"
  CHECK_EQ esi, 0, "ports 0-0x3ff first odd port + 1"

  ; ---- a sweep through all 64 Ki ports, byte, word and dword ----
  xor ebx, ebx
  xor edi, edi
  xor esi, esi
.sweep:
  cmp ebx, COM1_DATA - 3    ; a dword read there would touch COM1
  jb .sweep_read
  cmp ebx, COM1_DATA + 7
  jbe .sweep_next
.sweep_read:
  mov edx, ebx
  xor eax, eax
  in al, dx
  cmp eax, 0xff
  jne .sweep_bad
  xor eax, eax
  in ax, dx
  cmp eax, 0xffff
  jne .sweep_bad
  xor eax, eax
  in eax, dx
  cmp eax, 0xffffffff
  je .sweep_next
.sweep_bad:
  inc edi
  test esi, esi
  jnz .sweep_next
  lea esi, [ebx + 1]
.sweep_next:
  add ebx, SWEEP_STEP
  cmp ebx, 0x10000
  jb .sweep
  CHECK_EQ edi, 0, "port sweep reads all-ones"
  CHECK_EQ esi, 0, "port sweep first odd port + 1"

  ; ---- writes go nowhere ----
  mov dx, 0x80
  mov al, 0x42
  out dx, al
  in al, dx
  movzx eax, al
  CHECK_EQ eax, 0xff, "post port write dropped"
  mov dx, PCI_ADDR
  mov eax, 0x80000000       ; bus 0, device 0, function 0, register 0
  out dx, eax
  in eax, dx
  CHECK_EQ eax, 0xffffffff, "pci address write dropped"
  mov dx, PCI_DATA
  in eax, dx
  CHECK_EQ eax, 0xffffffff, "pci config data unreachable"

  CHECK_EQ [svmhv_fault_count], 42, "exactly the expected faults"
  PRINT "probes: done", 10
  EXIT 0

  SVMHV_LIB
  PROT_RUNTIME
