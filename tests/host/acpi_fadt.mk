# tests/host/acpi_fadt.mk - host unit test of the ACPI FADT and HPET parsing.
HOST_TESTS += acpi_fadt
acpi_fadt_SRCS := drivers/acpi_tables.c
