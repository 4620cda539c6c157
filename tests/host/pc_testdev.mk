# tests/host/pc_testdev.mk - host unit test of the pc-testdev's port rules.
HOST_TESTS += pc_testdev
pc_testdev_SRCS := vmm/dev/pc_testdev_core.c
