# tests/host/linux_boot.mk - host unit test of the Linux boot protocol loader.
HOST_TESTS += linux_boot
linux_boot_SRCS := vmm/loader/linux.c vmm/loader/mb1_boot.c vmm/loader/mb1.c
