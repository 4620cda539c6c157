# tests/host/cr_rules.mk - host unit test of the MOV to CR4 rules.
HOST_TESTS += cr_rules
cr_rules_SRCS := vmm/cr_rules.c
