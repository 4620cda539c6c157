# tests/host/acpi_madt.mk - host unit test of the ACPI MADT parser.
HOST_TESTS += acpi_madt
acpi_madt_SRCS := drivers/acpi_tables.c
