; svmhv-guest: mode=prot mem=20 vcpus=3 platform=pc expect=exit:0
;
; tests/guests/pc_cpu.asm - what a pc guest's CPU says about itself
; (vmm/cpuid.c, vmm/cpuid_topo.c, vmm/msr.c), checked on vCPU 0 of three
; (the others wait for a SIPI that never comes):
;  - topology as the MADT has it: CPUID 1 EBX[31:24] APIC ID 0, EBX[23:16]
;    = the vCPU count HC_INFO gives, HTT set; 0x80000001 CmpLegacy set;
;    0x80000008 ECX NC = count - 1, ApicIdCoreIdSize = 2 bits; leaf 0xB
;    (when there is one) with the count at the core level; 0x8000001E
;    (with TOPOEXT) with APIC ID 0; OSVW hidden;
;  - MTRRs: CPUID 1 EDX[12] set, MTRRcap 0x508, MTRRdefType as firmware
;    leaves it (enabled, WB), the VGA window UC, the top 32 MiB UC through
;    variable range 0; a variable and a fixed range read back what was
;    written; an invalid type, a reserved bit and a write to MTRRcap #GP
;    and change nothing;
;  - AMD's configuration MSRs: SYSCFG 0, HWCR's TscFreqSel set, TOP_MEM =
;    RAM rounded down to 8 MiB (its granule), TOP_MEM2 0, a write of
;    another TOP_MEM #GPs; NB_CFG reads 0, holds EnableCf8ExtCfg (bit 46,
;    which Linux sets) and #GPs on any other bit.
bits 32

%include "svmhv.inc"

MSR_MTRRCAP     equ 0xfe
MSR_PHYSBASE0   equ 0x200
MSR_FIX16K_A    equ 0x259
MSR_FIX4K_C8    equ 0x269
MSR_DEFTYPE     equ 0x2ff
MSR_SYSCFG      equ 0xc0010010
MSR_HWCR        equ 0xc0010015
MSR_TOP_MEM     equ 0xc001001a
MSR_TOP_MEM2    equ 0xc001001d
MSR_NB_CFG      equ 0xc001001f

section .text
global _start
_start:
  mov eax, HC_INFO
  vmmcall
  test eax, eax
  jnz park
  PROT_SETUP
  mov eax, HC_INFO
  vmmcall
  mov [nvcpus], ebx
  mov [ram_bytes], ecx
  PRINT "pc_cpu: topology", 10

  ; ---- topology ----
  mov eax, 1
  cpuid
  mov [leaf1_edx], edx
  mov eax, ebx
  shr eax, 24
  CHECK_EQ eax, 0, "cpuid 1 initial apic id 0"
  mov eax, ebx
  shr eax, 16
  and eax, 0xff
  CHECK_EQ eax, [nvcpus], "cpuid 1 logical count = vcpus"
  mov eax, [leaf1_edx]
  shr eax, 28
  and eax, 1
  CHECK_EQ eax, 1, "cpuid 1 htt set"
  mov eax, 0x80000001
  cpuid
  mov [ext1_ecx], ecx
  mov eax, ecx
  shr eax, 1
  and eax, 1
  CHECK_EQ eax, 1, "cmplegacy set"
  mov eax, [ext1_ecx]
  shr eax, 9
  and eax, 1
  CHECK_EQ eax, 0, "osvw hidden"
  mov eax, 0x80000008
  cpuid
  mov eax, ecx
  and eax, 0xff
  mov ebx, [nvcpus]
  dec ebx
  CHECK_EQ eax, ebx, "0x80000008 nc = vcpus - 1"
  mov eax, ecx
  shr eax, 12
  and eax, 0xf
  CHECK_EQ eax, 2, "0x80000008 apicidcoreidsize 2"
  xor eax, eax
  cpuid
  cmp eax, 0xb
  jb .no_leaf_b
  mov eax, 0xb
  mov ecx, 1
  cpuid
  and ebx, 0xffff
  CHECK_EQ ebx, [nvcpus], "leaf 0xb core level count"
  CHECK_EQ edx, 0, "leaf 0xb x2apic id 0"
  jmp .leaf_b_done
.no_leaf_b:
  TEST_SKIP "leaf 0xb core level count"
.leaf_b_done:
  mov eax, [ext1_ecx]
  test eax, 1 << 22
  jz .no_topoext
  mov eax, 0x8000001e
  cpuid
  CHECK_EQ eax, 0, "0x8000001e apic id 0"
  and ebx, 0xff00
  CHECK_EQ ebx, 0, "0x8000001e one thread per core"
  jmp .topoext_done
.no_topoext:
  TEST_SKIP "0x8000001e apic id 0"
.topoext_done:

  ; ---- MTRRs ----
  PRINT "pc_cpu: mtrrs", 10
  mov eax, [leaf1_edx]
  shr eax, 12
  and eax, 1
  CHECK_EQ eax, 1, "cpuid 1 mtrr bit"
  mov ecx, MSR_MTRRCAP
  rdmsr
  CHECK_EQ eax, 0x508, "mtrrcap 8 var, fixed, wc"
  mov ecx, MSR_DEFTYPE
  rdmsr
  CHECK_EQ eax, 0xc06, "mtrr deftype enabled wb"
  mov ecx, MSR_FIX16K_A
  rdmsr
  or eax, edx
  CHECK_EQ eax, 0, "mtrr vga window uc"
  mov ecx, MSR_PHYSBASE0
  rdmsr
  CHECK_EQ eax, 0xfe000000, "mtrr var0 base top 32 mib uc"
  mov ecx, MSR_PHYSBASE0 + 1
  rdmsr
  CHECK_EQ eax, 0xfe000800, "mtrr var0 mask 32 mib valid"
  ; read-back
  mov ecx, MSR_PHYSBASE0 + 4
  mov eax, 0x80000001       ; 2 GiB, WC
  xor edx, edx
  wrmsr
  rdmsr
  CHECK_EQ eax, 0x80000001, "mtrr var2 base reads back"
  mov ecx, MSR_PHYSBASE0 + 5
  mov eax, 0xc0000800       ; 1 GiB, valid
  mov edx, 0xff             ; up to 40 address bits
  wrmsr
  rdmsr
  CHECK_EQ eax, 0xc0000800, "mtrr var2 mask reads back"
  mov ecx, MSR_FIX4K_C8
  mov eax, 0x05040100       ; WP WT WC UC
  mov edx, 0x06060605
  wrmsr
  rdmsr
  CHECK_EQ edx, 0x06060605, "mtrr fixed range reads back"
  ; refusals
  mov ecx, MSR_PHYSBASE0 + 4
  mov eax, 0x80000002       ; type 2: none
  xor edx, edx
  EXPECT_FAULT 13, "mtrr invalid type: #gp", wrmsr
  mov ecx, MSR_PHYSBASE0 + 4
  mov eax, 0x80000106       ; bit 8 reserved
  xor edx, edx
  EXPECT_FAULT 13, "mtrr base reserved bit: #gp", wrmsr
  mov ecx, MSR_FIX4K_C8
  mov eax, 0x06060618       ; RdMem/WrMem bits: not modelled
  mov edx, 0x06060606
  EXPECT_FAULT 13, "mtrr fixed rdmem bits: #gp", wrmsr
  mov ecx, MSR_DEFTYPE
  mov eax, 0x1c06           ; bit 12 reserved
  xor edx, edx
  EXPECT_FAULT 13, "mtrr deftype reserved bit: #gp", wrmsr
  mov ecx, MSR_MTRRCAP
  mov eax, 0x508
  xor edx, edx
  EXPECT_FAULT 13, "mtrrcap write: #gp", wrmsr
  mov ecx, MSR_PHYSBASE0 + 4
  rdmsr
  CHECK_EQ eax, 0x80000001, "refused writes change nothing"

  ; ---- AMD configuration ----
  PRINT "pc_cpu: amd msrs", 10
  mov ecx, MSR_SYSCFG
  rdmsr
  CHECK_EQ eax, 0, "syscfg 0"
  mov ecx, MSR_HWCR
  rdmsr
  shr eax, 24
  and eax, 1
  CHECK_EQ eax, 1, "hwcr tscfreqsel"
  mov ecx, MSR_TOP_MEM
  rdmsr
  mov ebx, [ram_bytes]
  and ebx, 0xff800000       ; 8 MiB granules, rounded down
  CHECK_EQ eax, ebx, "top_mem = ram in 8 mib granules"
  mov ecx, MSR_TOP_MEM2
  rdmsr
  or eax, edx
  CHECK_EQ eax, 0, "top_mem2 0"
  mov ecx, MSR_TOP_MEM
  mov eax, 0x10000000
  xor edx, edx
  EXPECT_FAULT 13, "top_mem write: #gp", wrmsr
  mov ecx, MSR_NB_CFG
  rdmsr
  or eax, edx
  CHECK_EQ eax, 0, "nb_cfg 0"
  mov ecx, MSR_NB_CFG
  xor eax, eax
  mov edx, 0x4000           ; bit 46: EnableCf8ExtCfg
  wrmsr
  rdmsr
  CHECK_EQ edx, 0x4000, "nb_cfg keeps enablecf8extcfg"
  mov ecx, MSR_NB_CFG
  mov eax, 1
  xor edx, edx
  EXPECT_FAULT 13, "nb_cfg other bit: #gp", wrmsr

  PRINT "pc_cpu: done", 10
  EXIT 0

park:
  cli
  hlt
  jmp park

  SVMHV_LIB
  PROT_RUNTIME

section .data
nvcpus:    dd 0
ram_bytes: dd 0
leaf1_edx: dd 0
ext1_ecx:  dd 0
