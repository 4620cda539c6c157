# tests/host/guest_cfg.mk - host unit test of guest module strings and images.
HOST_TESTS += guest_cfg
guest_cfg_SRCS := svm/guest_cfg.c kernel/cmdline.c
