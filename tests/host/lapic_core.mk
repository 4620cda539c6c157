# tests/host/lapic_core.mk - host unit test of the guest local APIC core.
HOST_TESTS += lapic_core
lapic_core_SRCS := vmm/dev/lapic_core.c vmm/dev/lapic_timer.c
