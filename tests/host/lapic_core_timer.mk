# tests/host/lapic_core_timer.mk - host unit test of the guest local APIC timer.
HOST_TESTS += lapic_core_timer
lapic_core_timer_SRCS := vmm/dev/lapic_core.c vmm/dev/lapic_timer.c
