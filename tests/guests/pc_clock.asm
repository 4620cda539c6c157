; svmhv-guest: mode=prot mem=4 vcpus=1 platform=pc expect=exit:0
;
; tests/guests/pc_clock.asm - the clocks a pc guest is told about, read the
; way a guest written for KVM reads them (vmm/pvclock.c, hw/kvm_para.h);
; the ABI's numbers and offsets are this guest's own, from KVM's msr.rst,
; not svmhv's header, so that a wrong header shows:
;  - CPUID: svmhv's signature stays at 0x40000000, KVM's is at 0x40000100
;    with 0x40000101 as its highest leaf; 0x40000101 offers
;    KVM_FEATURE_CLOCKSOURCE2 and the stable bit exactly when CPUID
;    0x80000007 EDX[8] (invariant TSC) says so;
;  - the system-time MSR: enabled on a structure in RAM, it reads back,
;    the structure's version is even and non-zero, mul >= 2^31, the stable
;    flag as CPUID said; the clock does not go back over 1000 reads; over
;    100 ms of the ACPI PM timer the clock advances 100 ms within 1% (TSC
;    read around each PM timer read, the window retried when an exit took
;    longer than 1% of it: a wrong tsc_shift or mul fails this);
;  - a WRMSR to the TSC: the structure's version moves on, its
;    tsc_timestamp with the TSC, and the clock neither jumps nor goes back;
;  - GPAs whose structure does not lie wholly in RAM raise #GP and leave
;    the MSR as it was; writing 0 switches the structure off (no update at
;    the next TSC write);
;  - the wall-clock MSR: version even and non-zero, seconds after 2020;
;  - the RTC (vmm/dev/rtc.c): registers A, B, D (read with the NMI bit
;    set in the index), the century, CMOS extended memory = RAM - 1 MiB;
;    its time of day within 2 s of KVM's wall clock + system time; C's
;    update flag set after 1.1 s, the seconds moved on by at least 1 and
;    at most the seconds that passed, rounded up; the hour in binary and 12-hour modes equal to the BCD
;    24-hour one; a date set under SET (2030-01-01) read back with its
;    day of the week.
bits 32

%include "svmhv.inc"

MSR_TSC              equ 0x10
MSR_KVM_WALL_CLOCK   equ 0x4b564d00
MSR_KVM_SYSTEM_TIME  equ 0x4b564d01
KVM_SIG_BASE         equ 0x40000100
KVM_FEATURES         equ 0x40000101
FEAT_CLOCKSOURCE2    equ 1 << 3
FEAT_STABLE          equ 1 << 24
PV_VERSION           equ 0x00   ; struct pvclock_vcpu_time_info
PV_TSC_TS            equ 0x08
PV_SYSTEM_TIME       equ 0x10
PV_MUL               equ 0x18
PV_SHIFT             equ 0x1c
PV_FLAGS             equ 0x1d
WALL_VERSION         equ 0x00   ; struct pvclock_wall_clock
WALL_SEC             equ 0x04
PM_TMR_PORT          equ 0x608  ; svmhv's FADT (pc_devices checks it there)
PM_HZ                equ 3579545
PM_100MS             equ 357954
SECS_2020            equ 1577836800
RTC_SECONDS          equ 0x00   ; the MC146818's bytes
RTC_MINUTES          equ 0x02
RTC_HOURS            equ 0x04
RTC_DAY_OF_WEEK      equ 0x06
RTC_DAY              equ 0x07
RTC_MONTH            equ 0x08
RTC_YEAR             equ 0x09
RTC_A                equ 0x0a
RTC_B                equ 0x0b
RTC_C                equ 0x0c
RTC_D                equ 0x0d
CMOS_EXT_LO          equ 0x17
CMOS_EXT_HI          equ 0x18
CMOS_CENTURY         equ 0x32

section .text
global _start
_start:
  PROT_SETUP
  mov eax, HC_INFO
  vmmcall
  mov [ram_bytes], ecx
  PRINT "pc_clock: cpuid", 10

  ; ---- CPUID ----
  mov eax, 0x40000000
  cpuid
  CHECK_EQ ebx, SVMHV_SIG_EBX, "svmhv signature stays at 0x40000000"
  mov eax, KVM_SIG_BASE
  cpuid
  CHECK_EQ ebx, 0x4b4d564b, "kvm signature ebx KVMK"
  CHECK_EQ ecx, 0x564b4d56, "kvm signature ecx VMKV"
  CHECK_EQ edx, 0x0000004d, "kvm signature edx M"
  CHECK_EQ eax, KVM_FEATURES, "kvm highest leaf 0x40000101"
  mov eax, KVM_FEATURES
  cpuid
  mov [features], eax
  and eax, FEAT_CLOCKSOURCE2
  CHECK_EQ eax, FEAT_CLOCKSOURCE2, "kvm clocksource2 offered"
  mov eax, 0x80000007
  cpuid
  shr edx, 8
  and edx, 1
  mov [invariant], edx
  mov eax, [features]
  shr eax, 24
  and eax, 1
  CHECK_EQ eax, [invariant], "stable bit iff invariant tsc"

  ; ---- enable the system time ----
  PRINT "pc_clock: system time", 10
  mov ecx, MSR_KVM_SYSTEM_TIME
  mov eax, pvti + 1
  xor edx, edx
  wrmsr
  rdmsr
  CHECK_EQ eax, pvti + 1, "system time msr reads back"
  mov eax, [pvti + PV_VERSION]
  test eax, 1
  setz bl
  test eax, eax
  setnz bh
  and bl, bh
  movzx ebx, bl
  CHECK_EQ ebx, 1, "version even and non-zero"
  mov eax, [pvti + PV_MUL]
  shr eax, 31
  CHECK_EQ eax, 1, "tsc_to_system_mul >= 2^31"
  movzx eax, byte [pvti + PV_FLAGS]
  CHECK_EQ eax, [invariant], "stable flag iff invariant tsc"

  ; The clock never goes back.
  call pv_now
  mov [last_lo], eax
  mov [last_hi], edx
  mov dword [went_back], 0
  mov edi, 1000
.mono:
  call pv_now
  cmp edx, [last_hi]
  jb .back
  ja .fwd
  cmp eax, [last_lo]
  jae .fwd
.back:
  inc dword [went_back]
.fwd:
  mov [last_lo], eax
  mov [last_hi], edx
  dec edi
  jnz .mono
  CHECK_EQ [went_back], 0, "clock never goes back in 1000 reads"

  ; ---- 100 ms of the PM timer ----
  PRINT "pc_clock: against the pm timer", 10
  mov dword [tries], 0
.window:
  inc dword [tries]
  rdtsc                     ; before DX: RDTSC writes EDX
  mov [t_s_before], eax
  mov dx, PM_TMR_PORT
  in eax, dx
  mov [pm_start], eax
  rdtsc
  mov [t_s_after], eax
.wait:
  rdtsc
  mov ebx, eax
  mov dx, PM_TMR_PORT
  in eax, dx
  mov ecx, eax
  rdtsc
  sub ecx, [pm_start]       ; 32-bit timer: wraps cleanly
  cmp ecx, PM_100MS
  jb .wait
  mov [pm_delta], ecx
  mov [t_e_after], eax
  mov [t_e_before], ebx
  ; TSC ticks between the two PM reads: at least lo, at most hi
  mov eax, [t_e_before]
  sub eax, [t_s_after]
  mov [tsc_lo], eax
  mov eax, [t_e_after]
  sub eax, [t_s_before]
  mov [tsc_hi], eax
  sub eax, [tsc_lo]         ; the uncertainty
  mov ecx, 100
  mov ebx, eax
  mov eax, [tsc_lo]
  xor edx, edx
  div ecx                   ; lo / 100
  cmp ebx, eax
  jbe .measured
  cmp dword [tries], 20
  jb .window
  TEST_FAIL "pm window: an exit took over 1% of 100 ms 20 times", ebx
  jmp .pm_done
.measured:
  mov eax, [pm_delta]       ; ns by the PM timer
  mov ecx, 1000000000
  mul ecx
  mov ecx, PM_HZ
  div ecx
  mov [ns_pm], eax
  mov eax, [tsc_lo]         ; ns by the pvclock factor, lower bound - 1%
  xor edx, edx
  call pv_scale
  mov ebx, eax
  xor edx, edx
  mov ecx, 100
  div ecx
  sub ebx, eax
  mov [ns_min], ebx
  mov eax, [tsc_hi]         ; upper bound + 1%
  xor edx, edx
  call pv_scale
  mov ebx, eax
  xor edx, edx
  mov ecx, 100
  div ecx
  add ebx, eax
  mov [ns_max], ebx
  xor ebx, ebx
  mov eax, [ns_pm]
  cmp eax, [ns_min]
  jb .pm_report
  cmp eax, [ns_max]
  ja .pm_report
  mov ebx, 1
.pm_report:
  mov eax, [ns_pm]
  CHECK_EQ ebx, 1, "pvclock agrees with 100 ms of pm timer"
  ; what the factor made of the window, for the log
  mov eax, [tsc_lo]
  xor edx, edx
  call pv_scale
  mov ecx, 1000
  xor edx, edx
  div ecx
  TEST_PASS "pvclock us over the pm window (info)", eax
.pm_done:

  ; ---- a WRMSR to the TSC ----
  PRINT "pc_clock: tsc write", 10
  mov eax, [pvti + PV_VERSION]
  mov [ver_before], eax
  mov eax, [pvti + PV_TSC_TS]
  mov [ts_before], eax
  mov eax, [pvti + PV_TSC_TS + 4]
  mov [ts_before + 4], eax
  call pv_now
  mov [last_lo], eax
  mov [last_hi], edx
  rdtsc
  mov [tsc_before], eax
  mov ecx, MSR_TSC          ; 2^36 behind the TSC: the offset changes by -2^36
  sub edx, 16
  wrmsr
  mov eax, [pvti + PV_VERSION]
  sub eax, [ver_before]
  CHECK_EQ eax, 2, "tsc write updates the structure"
  mov eax, [ts_before]      ; before - after = 2^36 + the time the write took
  mov edx, [ts_before + 4]
  sub eax, [pvti + PV_TSC_TS]
  sbb edx, [pvti + PV_TSC_TS + 4]
  CHECK_EQ edx, 16, "tsc_timestamp moves with the tsc"
  call pv_now
  sub eax, [last_lo]
  sbb edx, [last_hi]
  ; 0 <= elapsed < 2^32 ns (4.3 s): no jump either way
  CHECK_EQ edx, 0, "clock continues across a tsc write"

  ; ---- GPAs outside RAM ----
  PRINT "pc_clock: bad addresses", 10
  mov eax, [ram_bytes]
  or eax, 1
  xor edx, edx
  mov ecx, MSR_KVM_SYSTEM_TIME
  EXPECT_FAULT 13, "system time at the end of ram: #gp", wrmsr
  mov eax, [ram_bytes]
  sub eax, 16               ; the 32-byte structure straddles the end
  or eax, 1
  xor edx, edx
  mov ecx, MSR_KVM_SYSTEM_TIME
  EXPECT_FAULT 13, "system time straddling the end: #gp", wrmsr
  mov eax, 1
  mov edx, 1                ; 4 GiB + 0: far outside
  mov ecx, MSR_KVM_SYSTEM_TIME
  EXPECT_FAULT 13, "system time above 4 gib: #gp", wrmsr
  mov ecx, MSR_KVM_SYSTEM_TIME
  rdmsr
  CHECK_EQ eax, pvti + 1, "refused writes leave the msr"
  mov eax, [ram_bytes]
  sub eax, 4                ; 12-byte wall clock straddles the end
  xor edx, edx
  mov ecx, MSR_KVM_WALL_CLOCK
  EXPECT_FAULT 13, "wall clock straddling the end: #gp", wrmsr

  ; ---- off ----
  mov ecx, MSR_KVM_SYSTEM_TIME
  xor eax, eax
  xor edx, edx
  wrmsr
  rdmsr
  CHECK_EQ eax, 0, "system time off reads 0"
  mov eax, [pvti + PV_VERSION]
  mov [ver_before], eax
  mov ecx, MSR_TSC
  rdtsc
  wrmsr
  mov eax, [pvti + PV_VERSION]
  CHECK_EQ eax, [ver_before], "no update while off"

  ; ---- the wall clock ----
  PRINT "pc_clock: wall clock", 10
  mov ecx, MSR_KVM_WALL_CLOCK
  mov eax, wall
  xor edx, edx
  wrmsr
  rdmsr
  CHECK_EQ eax, wall, "wall clock msr reads back"
  mov eax, [wall + WALL_VERSION]
  test eax, 1
  setz bl
  test eax, eax
  setnz bh
  and bl, bh
  movzx ebx, bl
  CHECK_EQ ebx, 1, "wall version even and non-zero"
  xor ebx, ebx
  mov eax, [wall + WALL_SEC]
  cmp eax, SECS_2020
  setae bl
  CHECK_EQ ebx, 1, "wall clock after 2020"

  ; ---- the RTC (vmm/dev/rtc.c) ----
  PRINT "pc_clock: rtc", 10
  mov al, RTC_D | 0x80      ; with the NMI-disable bit: still register D
  call rtc_read
  CHECK_EQ eax, 0x80, "rtc register d: valid ram and time"
  mov al, RTC_A
  call rtc_read
  and eax, 0x7f
  CHECK_EQ eax, 0x26, "rtc register a: 32 khz, 1024 hz"
  mov al, RTC_B
  call rtc_read
  CHECK_EQ eax, 0x02, "rtc register b: 24-hour bcd"
  mov al, CMOS_CENTURY
  call rtc_read
  CHECK_EQ eax, 0x20, "rtc century 20"
  mov al, CMOS_EXT_LO
  call rtc_read
  mov ebx, eax
  mov al, CMOS_EXT_HI
  call rtc_read
  shl eax, 8
  or eax, ebx
  mov ebx, [ram_bytes]
  sub ebx, 0x100000
  shr ebx, 10
  CHECK_EQ eax, ebx, "cmos extended memory kib = ram - 1 mib"

  ; The RTC's time of day against KVM's wall clock + system time, both UTC.
  call rtc_tod
  mov [rtc_tod_s], eax
  mov ecx, MSR_KVM_SYSTEM_TIME
  mov eax, pvti + 1
  xor edx, edx
  wrmsr
  call pv_now               ; EDX:EAX ns since the VM's clock started
  mov ecx, 1000000000
  div ecx
  add eax, [wall + WALL_SEC]
  xor edx, edx
  mov ecx, 86400
  div ecx
  mov eax, edx              ; seconds into the day by the wall clock
  sub eax, [rtc_tod_s]
  jns .tod_pos
  neg eax
.tod_pos:
  cmp eax, 86400 - 2        ; near midnight the difference wraps
  jb .tod_nowrap
  sub eax, 86400
  neg eax
.tod_nowrap:
  xor ebx, ebx
  cmp eax, 2
  setbe bl
  CHECK_EQ ebx, 1, "rtc agrees with the kvm wall clock within 2 s"

  ; C's UF is set after 1.1 s (a second boundary passed); the seconds
  ; move on by at least 1 and by at most the time that passed between the
  ; two reads, rounded up.  (UIP's 2.2 ms window is checked by the host
  ; test: a vCPU sharing its CPU may be off it for the whole window, so a
  ; guest poll is not a deterministic check of it.)
  mov al, RTC_C
  call rtc_read             ; clears the flags
  call pv_now
  mov [t0_lo], eax
  mov [t0_hi], edx
  call rtc_wait_uip
  mov al, RTC_SECONDS
  call rtc_read
  mov [sec0], eax
.wait_1s:
  call pv_now
  sub eax, [t0_lo]
  sbb edx, [t0_hi]
  test edx, edx
  jnz .waited
  cmp eax, 1100000000
  jb .wait_1s
.waited:
  mov al, RTC_C
  call rtc_read
  and eax, 0x10
  CHECK_EQ eax, 0x10, "rtc update flag after a second"
  call rtc_wait_uip
  mov al, RTC_SECONDS
  call rtc_read
  call bcd2bin
  mov ebx, eax
  mov eax, [sec0]
  call bcd2bin
  sub ebx, eax
  jns .sec_pos
  add ebx, 60
.sec_pos:
  mov [sec_adv], ebx
  call pv_now               ; whole seconds since t0, + 1 (clobbers EBX)
  sub eax, [t0_lo]
  sbb edx, [t0_hi]
  mov ecx, 1000000000
  div ecx
  inc eax
  mov ecx, eax
  mov ebx, [sec_adv]
  xor eax, eax
  cmp ebx, 1
  jb .sec_report
  cmp ebx, ecx
  ja .sec_report
  mov eax, 1
.sec_report:
  CHECK_EQ eax, 1, "rtc seconds advance as time passes"

  ; The same hour in binary and in 12-hour mode.
  call rtc_wait_uip
  mov al, RTC_HOURS
  call rtc_read
  call bcd2bin
  mov [hour24], eax
  mov al, RTC_B
  mov ah, 0x06              ; binary, 24-hour
  call rtc_write
  mov al, RTC_HOURS
  call rtc_read
  CHECK_EQ eax, [hour24], "rtc binary mode hour"
  mov al, RTC_B
  mov ah, 0x00              ; BCD, 12-hour
  call rtc_write
  mov al, RTC_HOURS
  call rtc_read
  mov ebx, eax
  and eax, 0x7f
  call bcd2bin              ; 1..12
  xor edx, edx
  mov ecx, 12
  div ecx                   ; EDX = hour % 12
  test ebx, 0x80
  jz .am
  add edx, 12
.am:
  CHECK_EQ edx, [hour24], "rtc 12-hour mode hour and pm bit"

  ; SET, a new date, SET cleared: the clock runs from it.
  mov al, RTC_B
  mov ah, 0x82              ; SET, 24-hour BCD
  call rtc_write
  mov al, RTC_YEAR
  mov ah, 0x30
  call rtc_write
  mov al, RTC_MONTH
  mov ah, 0x01
  call rtc_write
  mov al, RTC_DAY
  mov ah, 0x01
  call rtc_write
  mov al, RTC_B
  mov ah, 0x02
  call rtc_write
  mov al, RTC_YEAR
  call rtc_read
  CHECK_EQ eax, 0x30, "rtc year set to 2030"
  mov al, RTC_DAY_OF_WEEK
  call rtc_read
  CHECK_EQ eax, 3, "rtc 2030-01-01 is a tuesday"

  PRINT "pc_clock: done", 10
  EXIT 0

; AL = CMOS index -> EAX = its byte.  Keeps the other registers.
rtc_read:
  out 0x70, al
  in al, 0x71
  movzx eax, al
  ret

; AL = CMOS index, AH = byte.
rtc_write:
  out 0x70, al
  mov al, ah
  out 0x71, al
  ret

; EAX = packed BCD byte -> EAX binary.  Keeps the other registers.
bcd2bin:
  push ebx
  mov ebx, eax
  shr eax, 4
  and eax, 0xf
  imul eax, eax, 10
  and ebx, 0xf
  add eax, ebx
  pop ebx
  ret

; Until register A's UIP is clear (the time bytes are then stable).
rtc_wait_uip:
  mov al, RTC_A
  call rtc_read
  test al, 0x80
  jnz rtc_wait_uip
  ret

; -> EAX = the RTC's seconds into the day (24-hour BCD assumed).
; Clobbers EBX, ECX, EDX.
rtc_tod:
  call rtc_wait_uip
  mov al, RTC_HOURS
  call rtc_read
  call bcd2bin
  imul ecx, eax, 3600
  mov al, RTC_MINUTES
  call rtc_read
  call bcd2bin
  imul eax, eax, 60
  add ecx, eax
  mov al, RTC_SECONDS
  call rtc_read
  call bcd2bin
  add eax, ecx
  ret

; EDX:EAX = TSC ticks -> EDX:EAX = ns by the structure's factor: the
; shift, then bits 95:32 of the 64 x 32-bit product.  Clobbers EBX, ECX.
pv_scale:
  movsx ecx, byte [pvti + PV_SHIFT]
  test ecx, ecx
  js .right
  shld edx, eax, cl
  shl eax, cl
  jmp .mul
.right:
  neg ecx
  shrd eax, edx, cl
  shr edx, cl
.mul:
  mov ebx, edx
  mul dword [pvti + PV_MUL]
  mov ecx, edx
  mov eax, ebx
  mul dword [pvti + PV_MUL]
  add eax, ecx
  adc edx, 0
  ret

; -> EDX:EAX = the clock now, in ns, read under the version protocol.
; Clobbers EBX, ECX, ESI.
pv_now:
.retry:
  mov esi, [pvti + PV_VERSION]
  test esi, 1
  jnz .retry
  lfence
  rdtsc
  sub eax, [pvti + PV_TSC_TS]
  sbb edx, [pvti + PV_TSC_TS + 4]
  call pv_scale
  add eax, [pvti + PV_SYSTEM_TIME]
  adc edx, [pvti + PV_SYSTEM_TIME + 4]
  lfence
  cmp esi, [pvti + PV_VERSION]
  jne .retry
  ret

  SVMHV_LIB
  PROT_RUNTIME

section .data
align 32
pvti:       times 32 db 0xcc
align 4
wall:       times 12 db 0xcc
ram_bytes:  dd 0
features:   dd 0
invariant:  dd 0
last_lo:    dd 0
last_hi:    dd 0
went_back:  dd 0
tries:      dd 0
pm_start:   dd 0
pm_delta:   dd 0
t_s_before: dd 0
t_s_after:  dd 0
t_e_before: dd 0
t_e_after:  dd 0
tsc_lo:     dd 0
tsc_hi:     dd 0
ns_pm:      dd 0
ns_min:     dd 0
ns_max:     dd 0
ver_before: dd 0
ts_before:  dq 0
tsc_before: dd 0
rtc_tod_s:  dd 0
sec0:       dd 0
t0_lo:      dd 0
t0_hi:      dd 0
hour24:     dd 0
sec_adv:    dd 0
