# tests/host/rtc.mk - host unit test of the RTC/CMOS model.
HOST_TESTS += rtc
rtc_SRCS := vmm/dev/rtc_core.c lib/time.c lib/string.c
