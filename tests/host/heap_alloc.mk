# tests/host/heap_alloc.mk - host unit test of the kernel heap used as intended.
HOST_TESTS += heap_alloc
heap_alloc_SRCS := mm/heap.c
