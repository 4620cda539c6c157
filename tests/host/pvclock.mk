# tests/host/pvclock.mk - host unit test of KVM's paravirtual clock arithmetic.
HOST_TESTS += pvclock
pvclock_SRCS := vmm/pvclock_core.c
