# tests/host/mb1_info.mk - host unit test of multiboot v1 boot information and layout.
HOST_TESTS += mb1_info
mb1_info_SRCS := vmm/loader/mb1.c vmm/loader/mb1_boot.c
