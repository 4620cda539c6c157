HOST_TESTS += vmcb
vmcb_SRCS := svm/exitcodes.c svm/vmcb_dump.c
