# tests/host/tokenbucket.mk - host unit test of lib/tokenbucket.h.
HOST_TESTS += tokenbucket
tokenbucket_SRCS :=
