# tests/host/msr_rules.mk - host unit test of the guest MSR value rules.
HOST_TESTS += msr_rules
msr_rules_SRCS := vmm/msr_rules.c
