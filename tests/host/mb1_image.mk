# tests/host/mb1_image.mk - host unit test of multiboot v1 headers, images and loading.
HOST_TESTS += mb1_image
mb1_image_SRCS := vmm/loader/mb1.c vmm/loader/mb1_boot.c
