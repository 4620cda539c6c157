# tests/host/ioapic_core.mk - host unit test of the guest I/O APIC core,
# routed to local APIC cores as the glue will.
HOST_TESTS += ioapic_core
ioapic_core_SRCS := vmm/dev/ioapic_core.c vmm/dev/lapic_core.c vmm/dev/lapic_timer.c
