# tests/host/npt.mk - host unit test of the nested page tables.
HOST_TESTS += npt
npt_SRCS := mm/npt.c
