# tests/host/guest_cfg.mk - host unit test of guest module strings and images.
HOST_TESTS += guest_cfg
guest_cfg_SRCS := vmm/loader/cfg.c vmm/loader/elf.c vmm/loader/flat.c kernel/cmdline.c
