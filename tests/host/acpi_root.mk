# tests/host/acpi_root.mk - host unit test of the ACPI RSDP and RSDT/XSDT walk.
HOST_TESTS += acpi_root
acpi_root_SRCS := drivers/acpi_tables.c
