# tests/host/heap.mk - host unit test of the kernel heap.
HOST_TESTS += heap
heap_SRCS := mm/heap.c
