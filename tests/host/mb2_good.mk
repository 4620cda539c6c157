# tests/host/mb2_good.mk - host unit test of the multiboot2 parser, well-formed input.
HOST_TESTS += mb2_good
mb2_good_SRCS := kernel/mb2.c
