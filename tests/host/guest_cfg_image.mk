# tests/host/guest_cfg_image.mk - host unit test of guest images (ELF, flat).
HOST_TESTS += guest_cfg_image
guest_cfg_image_SRCS := vmm/loader/cfg.c vmm/loader/elf.c vmm/loader/flat.c kernel/cmdline.c
