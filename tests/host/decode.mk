HOST_TESTS += decode
decode_SRCS := svm/decode.c
