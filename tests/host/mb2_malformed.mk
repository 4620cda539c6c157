# tests/host/mb2_malformed.mk - host unit test of the multiboot2 parser, malformed input.
HOST_TESTS += mb2_malformed
mb2_malformed_SRCS := kernel/mb2.c
