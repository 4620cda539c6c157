/* tests/host/guest_cfg_fixtures.h - includes and constants shared by the
 * guest loader host tests (test_guest_cfg_parse.c, test_guest_cfg_image.c). */
#ifndef SVMHV_TESTS_GUEST_CFG_FIXTURES_H
#define SVMHV_TESTS_GUEST_CFG_FIXTURES_H
#include "tests/host/host_support.h"
#include <stdio.h>
#include <string.h>
#include "lib/types.h"
#include "vmm/loader/loader.h"

#define MiB (1024ULL * 1024)

#endif
