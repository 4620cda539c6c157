/* svm/test_move.h - a helper the in-kernel tests of svm/ share. */
#ifndef SVMHV_SVM_TEST_MOVE_H
#define SVMHV_SVM_TEST_MOVE_H
#include "lib/types.h"

struct vm;

/* Moves vCPU 0 of the running guest `g`, now on `cpu`, round the CPUs
 * 0..ncpus-1 `times` times, each time waiting until it has entered the
 * guest `runs` times on its new CPU.  Returns the moves that arrived. */
u32 svm_test_move_vcpu(struct vm *g, u32 cpu, u32 ncpus, u32 times, u32 runs);

#endif
