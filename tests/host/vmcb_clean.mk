# tests/host/vmcb_clean.mk - host unit test of the VMCB clean-bit bookkeeping.
HOST_TESTS += vmcb_clean
vmcb_clean_SRCS := svm/vmcb_clean.c
