# tests/host/iobus.mk - host unit test of the VMM core's I/O bus.
HOST_TESTS += iobus
iobus_SRCS := vmm/iobus.c
