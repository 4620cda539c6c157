# tests/host/decode_mem.mk - host unit test of decoder memory operands and the guest page-table walker.
HOST_TESTS += decode_mem
decode_mem_SRCS := vmm/decode.c
