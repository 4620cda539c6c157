HOST_TESTS += mb2
mb2_SRCS := kernel/mb2.c
