# tests/host/lapic_core_regs.mk - host unit test of the guest local APIC registers.
HOST_TESTS += lapic_core_regs
lapic_core_regs_SRCS := vmm/dev/lapic_core.c vmm/dev/lapic_timer.c
