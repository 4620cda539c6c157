# tests/host/cpuid_topo.mk - host unit test of the topology CPUID leaves.
HOST_TESTS += cpuid_topo
cpuid_topo_SRCS := vmm/cpuid_topo.c
