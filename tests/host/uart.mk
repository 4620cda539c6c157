# tests/host/uart.mk - host unit test of the 16550A model.
HOST_TESTS += uart
uart_SRCS := vmm/dev/uart_core.c
