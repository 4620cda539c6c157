# tests/host/pmm.mk - host unit test of the physical frame allocator.
HOST_TESTS += pmm
pmm_SRCS := mm/pmm.c
