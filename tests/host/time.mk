# tests/host/time.mk - host unit test of the calendar arithmetic.
HOST_TESTS += time
time_SRCS := lib/time.c
