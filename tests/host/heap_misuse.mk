# tests/host/heap_misuse.mk - host unit test of the kernel heap refusing misuse.
HOST_TESTS += heap_misuse
heap_misuse_SRCS := mm/heap.c
