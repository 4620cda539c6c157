# tests/host/lapic_core_ipi.mk - host unit test of the guest local APIC messages.
HOST_TESTS += lapic_core_ipi
lapic_core_ipi_SRCS := vmm/dev/lapic_core.c vmm/dev/lapic_timer.c
