/* tests/host/decode_fixtures.h - helpers shared by the decoder host tests
 * (test_decode_insn.c, test_decode_mem.c): decode a byte list and insist it
 * is one whole instruction, or just return insn_decode's result. */
#ifndef SVMHV_TESTS_DECODE_FIXTURES_H
#define SVMHV_TESTS_DECODE_FIXTURES_H
#include "tests/host/host_support.h"
#include <string.h>
#include "vmm/decode.h"
/* Decode exactly the bytes given and insist they are one whole instruction. */
static inline struct insn decode_all(unsigned int mode, const u8 *b, size_t n)
{
	struct insn in;

	assert_int_equal(insn_decode(b, n, mode, &in), 0);
	assert_int_equal(in.len, n);
	return in;
}

static inline int decode_rc(unsigned int mode, const u8 *b, size_t n)
{
	struct insn in;

	return insn_decode(b, n, mode, &in);
}

#define BYTES(...)	(const u8[]){ __VA_ARGS__ }, sizeof((const u8[]){ __VA_ARGS__ })
#define DEC(mode, ...)	decode_all(mode, BYTES(__VA_ARGS__))
#define RC(mode, ...)	decode_rc(mode, BYTES(__VA_ARGS__))

#endif
