# tests/host/conmux.mk - host unit test of the console multiplexer's logic.
HOST_TESTS += conmux
conmux_SRCS := vmm/conmux.c
