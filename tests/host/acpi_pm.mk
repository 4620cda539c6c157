# tests/host/acpi_pm.mk - host unit test of the ACPI PM1 registers, PM
# timer and reset register.
HOST_TESTS += acpi_pm
acpi_pm_SRCS := vmm/dev/acpi_pm_core.c
