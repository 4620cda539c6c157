# tests/host/acpi_build.mk - the guest ACPI tables, cross-checked with
# svmhv's own parser.
HOST_TESTS += acpi_build
acpi_build_SRCS := vmm/dev/acpi_build.c drivers/acpi_tables.c
