# Host unit tests for the ACPI table parser.
HOST_TESTS += acpi
acpi_SRCS := drivers/acpi_tables.c
