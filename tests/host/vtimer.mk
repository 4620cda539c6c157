# tests/host/vtimer.mk - host unit test of a vCPU's timer queue.
HOST_TESTS += vtimer
vtimer_SRCS := vmm/vtimer.c
