# tests/host/mb1.mk - host unit test of the multiboot v1 guest loader.
HOST_TESTS += mb1
mb1_SRCS := vmm/loader/mb1.c vmm/loader/mb1_boot.c
