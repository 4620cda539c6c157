# tests/host/pvipi.mk - host unit test of KVM_HC_SEND_IPI's decoding.
HOST_TESTS += pvipi
pvipi_SRCS := vmm/pvipi.c
