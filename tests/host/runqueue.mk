HOST_TESTS += runqueue
runqueue_SRCS := sched/runqueue.c
