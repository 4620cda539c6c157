# tests/host/fwcfg.mk - host unit test of the fw_cfg device model.
HOST_TESTS += fwcfg
fwcfg_SRCS := vmm/dev/fwcfg_core.c
