# tests/host/i8042.mk - host unit test of the keyboard controller model.
HOST_TESTS += i8042
i8042_SRCS := vmm/dev/i8042_core.c
