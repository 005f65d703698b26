// The seeded streams that pick a view's samples are pinned: the same seed must keep giving the
// same subsets, pairings and hold-outs after any refactoring of how streams are derived.
#include "data/views/sample_streams.h"

#include <array>
#include <cstdint>

#include <gtest/gtest.h>

namespace qmf::data {
namespace {

// The first three draws of each stream for seed 7, as the views drew them when each derived its
// own splitmix64 seed (before they used core/rng.h's mix_seed).
TEST(SampleStreams, FirstDrawsForAFixedSeedArePinned) {
  struct Pinned {
    SampleStream stream;
    std::array<uint64_t, 3> draws;
  };
  constexpr Pinned kPinned[] = {
      {SampleStream::kPairTrain,
       {0xd7977510d896e99fULL, 0xadd8b7a5a0191bb0ULL, 0x2ad030a9878dbd4dULL}},
      {SampleStream::kPairTest,
       {0xd3c74225c69fd4f2ULL, 0x83da52b833717144ULL, 0x08650cbbd6b9567eULL}},
      {SampleStream::kLimitTrain,
       {0xe4186e13ecb7b375ULL, 0xb9d80bce6516a232ULL, 0x44de9adc0fa0aef7ULL}},
      {SampleStream::kLimitTest,
       {0x9740424e4d6015d5ULL, 0xa4fae799e7d0253fULL, 0x2c754996688e83c5ULL}},
      {SampleStream::kValidation,
       {0xac84b6911c3adaf7ULL, 0x6a2b28f9bd6c5821ULL, 0xb7f9c166313606bbULL}},
  };
  for (const Pinned& p : kPinned) {
    SCOPED_TRACE(static_cast<int>(p.stream));
    Rng rng = sample_rng(7, p.stream);
    for (const uint64_t draw : p.draws) EXPECT_EQ(rng.next_u64(), draw);
  }
}

TEST(SampleStreams, StreamsOfOneSeedDiffer) {
  EXPECT_NE(sample_rng(7, SampleStream::kLimitTrain).next_u64(),
            sample_rng(7, SampleStream::kLimitTest).next_u64());
  EXPECT_NE(sample_rng(7, SampleStream::kLimitTrain).next_u64(),
            sample_rng(8, SampleStream::kLimitTrain).next_u64());
}

}  // namespace
}  // namespace qmf::data
