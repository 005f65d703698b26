#pragma once
// QMF_TEST_UNDER_ASAN is 1 in a build with AddressSanitizer, whichever compiler made it: gcc
// defines __SANITIZE_ADDRESS__, clang 14 answers only __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define QMF_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QMF_TEST_UNDER_ASAN 1
#endif
#endif
#ifndef QMF_TEST_UNDER_ASAN
#define QMF_TEST_UNDER_ASAN 0
#endif
