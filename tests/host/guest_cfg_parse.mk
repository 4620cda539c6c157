# tests/host/guest_cfg_parse.mk - host unit test of guest module strings.
HOST_TESTS += guest_cfg_parse
guest_cfg_parse_SRCS := vmm/loader/cfg.c vmm/loader/elf.c vmm/loader/flat.c kernel/cmdline.c
