# svmhv - top-level build.  `make` builds build/svmhv.elf, `make iso` the
# hybrid BIOS/UEFI image, `make run` boots it, `make test` runs every test.
# Objects go under build/, header dependencies come from -MMD.

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
LD      := $(CROSS_COMPILE)ld
NM      := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy
NASM    ?= nasm
HOSTCC  ?= gcc
PYTHON  ?= python3

B := build
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Kernel C flags, one reason each:
#   -ffreestanding            no hosted libc; the kernel provides what it uses
#   -fno-pic -fno-pie         linked at a fixed higher-half address
#   -mcmodel=kernel           code and data live in the top 2 GiB
#   -mno-red-zone             interrupts push onto the stack of whatever runs
#   -mgeneral-regs-only etc.  no FPU/SSE state in the kernel
#   -fno-stack-protector      no runtime to support it
#   -fno-omit-frame-pointer   backtraces walk the RBP chain
#   -fno-strict-aliasing      hardware structures are read through casts
#   -fms-extensions           a backend's vCPU embeds the core's struct vcpu unnamed (svm/svm.h)
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mno-mmx -mno-sse -mno-sse2 -mno-avx -mgeneral-regs-only -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-strict-aliasing -fms-extensions -fcf-protection=none \
	-Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-I. -I$(B)/gen $(EXTRA_CFLAGS)
KNFLAGS := -f elf64 -g -F dwarf -I.
LDFLAGS := -n -nostdlib --no-warn-rwx-segments -z max-page-size=0x1000 -z noexecstack -T linker.ld

# Every kernel source, by directory.
KSRC_C   := $(filter-out kernel/asm-offsets.c,$(sort $(wildcard boot/*.c lib/*.c kernel/*.c mm/*.c sched/*.c svm/*.c drivers/*.c bench/*.c vmm/*.c vmm/dev/*.c vmm/loader/*.c)))
KSRC_ASM := $(sort $(wildcard boot/*.asm kernel/*.asm sched/*.asm svm/*.asm))
KOBJ     := $(KSRC_C:%.c=$(B)/%.o) $(KSRC_ASM:%.asm=$(B)/%.o)
include mk/font.mk
.DEFAULT_GOAL := all
KOBJ     += $(KEXTRA_OBJ)

.PHONY: all iso run debug test host-test kernel-test bench soak kut kut-slow kut-firmwares kut-reference kut-compare deps clean check-tools FORCE
all: $(B)/svmhv.elf $(B)/compile_commands.json

# The version string, rewritten only when `git describe` changes, so the
# files that print it are rebuilt exactly then.
$(B)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define SVMHV_VERSION "$(VERSION)"' | cmp -s - $@ || \
		echo '#define SVMHV_VERSION "$(VERSION)"' > $@
$(B)/kernel/main.o $(B)/bench/machine.o: $(B)/gen/version.h

# Offsets used by assembly, generated from the C structures (asm-offsets).
$(B)/asm-offsets.inc: kernel/asm-offsets.c $(wildcard lib/*.h hw/*.h kernel/*.h svm/*.h sched/*.h)
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -S -o $(B)/asm-offsets.s $<
	$(PYTHON) tools/asm_offsets.py $(B)/asm-offsets.s > $@

# The hypercall ABI for assembly guests, generated from its one C definition.
ABI_INC := $(B)/gen/svmhv_hypercall.inc
$(ABI_INC): hw/svmhv_hypercall.h tools/gen_abi_inc.py
	@mkdir -p $(@D)
	$(PYTHON) tools/gen_abi_inc.py $< > $@.tmp && mv $@.tmp $@

# V=1 shows full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c -o $@ $<

$(B)/%.o: %.asm $(B)/asm-offsets.inc
	@mkdir -p $(@D)
	@$(if $(Q),echo "  NASM    $<")
	$(Q)$(NASM) $(KNFLAGS) -I$(B)/ -MD $(@:.o=.d) -o $@ $<

# Two-pass link: the symbol table for backtraces sits after .rodata, so the
# addresses of code do not move when it is filled in.  The check compares
# the text symbols of both passes.
$(B)/ksyms0.c:
	@mkdir -p $(@D)
	$(PYTHON) tools/gensyms.py /dev/null > $@
$(B)/ksyms0.o $(B)/ksyms.o: $(B)/%.o: $(B)/%.c kernel/ksyms.h
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<
$(B)/svmhv.pass1.elf: $(KOBJ) $(B)/ksyms0.o linker.ld
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(B)/ksyms0.o
$(B)/ksyms.c: $(B)/svmhv.pass1.elf tools/gensyms.py
	$(NM) -n $< | $(PYTHON) tools/gensyms.py - > $@
$(B)/svmhv.elf: $(KOBJ) $(B)/ksyms.o linker.ld
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(B)/ksyms.o
	@$(NM) -n $(B)/svmhv.pass1.elf | grep -i ' t ' > $(B)/syms1.txt; \
	 $(NM) -n $@ | grep -i ' t ' > $(B)/syms2.txt; \
	 cmp -s $(B)/syms1.txt $(B)/syms2.txt || { echo "text moved between link passes"; exit 1; }
	@if command -v grub-file >/dev/null; then grub-file --is-x86-multiboot2 $@ || { echo "not multiboot2"; exit 1; }; fi

$(B)/compile_commands.json: $(KSRC_C) Makefile tools/compile_commands.py
	@mkdir -p $(@D)
	$(PYTHON) tools/compile_commands.py "$(CC)" "$(KCFLAGS)" $(KSRC_C) > $@
	@cp $@ compile_commands.json

# ---- guest images (flat binaries and ELF files built with nasm) ----
GUEST_SRC := $(sort $(wildcard tests/guests/*.asm))
GUEST_BIN := $(GUEST_SRC:tests/guests/%.asm=$(B)/guests/%.bin)
$(B)/guests/%.bin: tests/guests/%.asm $(wildcard tests/guests/*.inc) $(ABI_INC) tools/build_guest.py
	@mkdir -p $(@D)
	$(PYTHON) tools/build_guest.py -I $(B)/gen $< $@

# Files the harness hands to multiboot v1 guests as modules (attach for=NAME).
GUEST_DATA := $(sort $(wildcard tests/guests/*.txt))

# Guests the kernel carries for its own suites (svm/embedded_guests.asm).
KGUEST_SRC := $(sort $(wildcard svm/guests/*.asm))
KGUEST_BIN := $(KGUEST_SRC:svm/guests/%.asm=$(B)/guests/%.bin)
$(B)/guests/%.bin: svm/guests/%.asm $(wildcard svm/guests/*.inc) $(ABI_INC) tools/build_guest.py
	@mkdir -p $(@D)
	$(PYTHON) tools/build_guest.py -I $(B)/gen $< $@
$(B)/svm/embedded_guests.o: $(KGUEST_BIN)

# ---- a Linux guest: Debian 12's kernel and a busybox initramfs ----
# `make linux-guest` fetches the packages with apt-get download (once; a
# rerun is offline), unpacks them under build/linux/ (never installed) and
# builds the initramfs with tools/mkinitramfs.py.  When build/linux/ has
# them, the ISO carries them as /linux/vmlinuz and /linux/initrd.img.
LINUX_DIR := $(B)/linux
LINUX_FILES := $(wildcard $(LINUX_DIR)/vmlinuz $(LINUX_DIR)/initrd.img)
.PHONY: linux-guest
linux-guest:
	PYTHON=$(PYTHON) sh tools/linux_guest.sh $(LINUX_DIR)

# ---- ISO ----
$(B)/svmhv.iso: $(B)/svmhv.elf boot/grub.cfg $(GUEST_BIN) $(GUEST_DATA) $(LINUX_FILES)
	@rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub $(B)/iso/guests
	cp $(B)/svmhv.elf $(B)/iso/boot/svmhv.elf
	cp boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	$(if $(GUEST_BIN),cp $(GUEST_BIN) $(B)/iso/guests/)
	$(if $(GUEST_DATA),cp $(GUEST_DATA) $(B)/iso/guests/)
	$(if $(LINUX_FILES),mkdir -p $(B)/iso/linux && cp $(LINUX_FILES) $(B)/iso/linux/)
	grub-mkrescue -o $@ $(B)/iso 2> $(B)/grub-mkrescue.log || { cat $(B)/grub-mkrescue.log; exit 1; }
iso: check-tools $(B)/svmhv.iso

# ---- running ----
SMP ?= 4
MEM ?= 1G
FIRMWARE ?= bios
ARGS ?=
# The terminal gets what a person reads; the BENCH lines go to
# $(B)/run-bench.log (COM2).  Exits 0 when svmhv reports success (with
# ARGS=exit=qemu QEMU stops when the guests and benchmarks are done).
run: check-tools
	@$(MAKE) --no-print-directory linux-guest || echo "make run: no Linux guest (make linux-guest failed, see above)"
	@$(MAKE) --no-print-directory iso
	$(PYTHON) tests/harness/qemu.py --iso $(B)/svmhv.iso --smp $(SMP) --mem $(MEM) \
		--firmware $(FIRMWARE) --interactive --records $(B)/run-bench.log \
		--args "bench=quick $(ARGS)"
debug: check-tools iso
	$(PYTHON) tests/harness/qemu.py --iso $(B)/svmhv.iso --smp $(SMP) --mem $(MEM) \
		--firmware $(FIRMWARE) --interactive --gdb --args "$(ARGS)" & \
	gdb -q -x tools/gdbinit $(B)/svmhv.elf; wait

# ---- tests ----
HOST_TESTS :=
include $(sort $(wildcard tests/host/*.mk))
HOST_CFLAGS := -std=gnu11 -g -O1 -I. -DHOST_TEST -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_BINS := $(HOST_TESTS:%=$(B)/host/test_%)
.SECONDEXPANSION:
# Every host test links the kernel's own log front end and formatter; only
# kvprintf's output is the host's (tests/host/host_support.c).
HOST_COMMON := tests/host/host_support.c kernel/log.c lib/printf.c
$(B)/host/test_%: tests/host/test_%.c $$($$*_SRCS) $(HOST_COMMON) tests/host/host_support.h
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -o $@ $< $($*_SRCS) $(HOST_COMMON) -lcmocka
host-test: check-tools $(HOST_BINS)
	@mkdir -p $(B)/results
	$(PYTHON) tests/harness/hosttests.py $(HOST_BINS)
kernel-test: check-tools iso
	$(PYTHON) tests/harness/suites.py --iso $(B)/svmhv.iso
test: check-tools
	@rm -rf $(B)/results
	@$(MAKE) --no-print-directory linux-guest || \
	 echo "make test: no Linux guest (make linux-guest failed, see above): linux-1 is skipped"
	@$(MAKE) --no-print-directory all iso $(HOST_BINS)
	@$(PYTHON) tests/harness/hosttests.py $(HOST_BINS); \
	 $(PYTHON) tests/harness/test_harness.py --tap $(B)/results; \
	 $(PYTHON) tests/harness/suites.py --iso $(B)/svmhv.iso; \
	 $(PYTHON) tests/harness/screenshot.py --iso $(B)/svmhv.iso; \
	 if [ -f tests/harness/bench_check.py ]; then $(PYTHON) tests/harness/bench_check.py --iso $(B)/svmhv.iso; fi; \
	 $(PYTHON) tests/harness/kut_svmhv.py $(KUT_FLAGS); \
	 $(PYTHON) tests/harness/summary.py $(B)/results

# The host-state stress for longer: SOAK world switches per policy (all
# three), -smp 4, hostcheck on.  `make soak SOAK=5000000`.
SOAK ?= 2000000
soak: check-tools iso
	@mkdir -p $(B)/results
	$(PYTHON) tests/harness/qemu.py --iso $(B)/svmhv.iso --smp $(SMP) --mem $(MEM) \
		--firmware $(FIRMWARE) --no-modules --timeout 7200 --log $(B)/results/soak.log \
		--args "test=hoststate hostcheck=1 stress=$(SOAK) $(ARGS)"

bench: check-tools iso
	$(PYTHON) tests/harness/bench.py --iso $(B)/svmhv.iso $(if $(ICOUNT),--icount)

# ---- kvm-unit-tests (an external suite, never copied in; docs/kvm-unit-tests.md) ----
# KUT_DIR: its source.  Default: the snapshot beside this repository, else the
# shared one (CI clones the repository elsewhere).  Absent: a skip, said so.
KUT_DIR ?= $(firstword $(wildcard $(abspath $(dir $(firstword $(MAKEFILE_LIST)))../shared/third_party/kvm-unit-tests) \
	/work/shared/third_party/kvm-unit-tests))
KUT_FLAGS = $(if $(KUT_DIR),--kut-dir $(KUT_DIR))
# Builds it into build/kvm-unit-tests when missing or stale, then boots every
# test of tests/kut/tests.txt as an svmhv guest, several per boot (also part
# of `make test`).  Writes build/results/kut.{log,tap,json}.  KUT_ONLY as below.
kut: check-tools all
	@mkdir -p $(B)/results
	@$(PYTHON) tests/harness/kut.py build $(KUT_FLAGS) || [ $$? = 77 ]
	$(PYTHON) tests/harness/kut_svmhv.py $(KUT_FLAGS) $(if $(KUT_ONLY),--only $(KUT_ONLY))
# The tests marked slow=yes in tests/kut/tests.txt (make test skips them),
# each alone in its boot; KUT_FIRMWARE=uefi boots svmhv through OVMF.
# Writes build/results/kut-slow-FIRMWARE/kut.{log,tap,json}.
KUT_FIRMWARE ?= bios
kut-slow: check-tools all
	@mkdir -p $(B)/results
	@$(PYTHON) tests/harness/kut.py build $(KUT_FLAGS) || [ $$? = 77 ]
	$(PYTHON) tests/harness/kut_svmhv.py $(KUT_FLAGS) --slow only --firmware $(KUT_FIRMWARE) \
		--results $(B)/results/kut-slow-$(KUT_FIRMWARE)
# The local and I/O APIC and SMP tests under both firmwares (SeaBIOS and
# OVMF boots of svmhv), slow ones included: about 15 minutes.  Writes
# build/results/kut-fw-{bios,uefi}/kut.{log,tap,json}.
KUT_FW_TESTS = apic-xapic,apic-x2apic,ioapic,smptest3
kut-firmwares: check-tools all
	@mkdir -p $(B)/results
	@$(PYTHON) tests/harness/kut.py build $(KUT_FLAGS) || [ $$? = 77 ]
	@for fw in bios uefi; do \
	  $(PYTHON) tests/harness/kut_svmhv.py $(KUT_FLAGS) --slow yes --only $(KUT_FW_TESTS) \
	    --firmware $$fw --results $(B)/results/kut-fw-$$fw || exit 1; \
	done
# The reference and svmhv verdicts side by side, from the latest result files.
kut-compare:
	@$(PYTHON) tests/harness/kut_svmhv.py compare
# Every test of tests/kut/tests.txt directly under QEMU TCG (no svmhv), about
# 4 minutes: not part of `make test`.  KUT_ONLY=NAME,PATTERN picks some.
kut-reference:
	@mkdir -p $(B)/results
	$(PYTHON) tests/harness/kut_reference.py $(KUT_FLAGS) $(if $(KUT_ONLY),--only $(KUT_ONLY))

# ---- set-up ----
DEPS := qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools nasm ovmf \
	libcmocka-dev gcc make python3 gnuplot-nox console-data gdb
deps:
	@if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEPS); \
	else \
		echo "Run as root:  apt-get install -y $(DEPS)"; exit 1; \
	fi
# Installs the packages when a tool is missing.
check-tools:
	@missing=0; for t in qemu-system-x86_64 grub-mkrescue xorriso mformat nasm $(PYTHON) gnuplot; do \
		command -v $$t >/dev/null || missing=1; done; \
	 [ -f /usr/include/cmocka.h ] || missing=1; \
	 [ -f /usr/share/OVMF/OVMF_CODE.fd ] || missing=1; \
	 [ -d /usr/lib/grub/i386-pc ] && [ -d /usr/lib/grub/x86_64-efi ] || missing=1; \
	 [ -d /usr/share/consolefonts ] || missing=1; \
	 if [ $$missing = 1 ]; then $(MAKE) --no-print-directory deps; fi

clean:
	rm -rf $(B) compile_commands.json

# (build/linux/ holds unpacked Debian packages, with directories named *.d)
-include $(shell find $(B) -path $(LINUX_DIR) -prune -o -name '*.d' -type f -print 2>/dev/null)
