HOST_TESTS += decode
decode_SRCS := vmm/decode.c
