# tests/host/svm_features.mk - host unit test of the SVM feature decisions and report.
HOST_TESTS += svm_features
svm_features_SRCS := svm/features.c
