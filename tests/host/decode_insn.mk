# tests/host/decode_insn.mk - host unit test of the instruction decoder: opcodes, prefixes, limits.
HOST_TESTS += decode_insn
decode_insn_SRCS := vmm/decode.c
