// The parts of a job's agreement (dist/agreement.h) that need no second process: with one
// process everything passes through unchanged; messages name ranks; fingerprints and stop votes.
// tests/dist/mpi_*_test.cpp run real jobs of several ranks.
#include "dist/agreement.h"

#include <signal.h>

#include <array>
#include <vector>

#include <gtest/gtest.h>

#include "core/interrupt.h"
#include "train/trainer.h"

namespace qmf::dist {
namespace {

TEST(Agreement, OneProcessPassesFailuresThroughUnchanged) {
  const Communicator& alone = one_process();
  EXPECT_EQ(alone.size(), 1);
  EXPECT_TRUE(alone.root());
  EXPECT_THROW(agree(alone, [] { throw UsageError("bad key"); }), UsageError);
  EXPECT_THROW(agree(
                   alone, [] { throw Interrupted("stopped", SIGINT); }, true),
               Interrupted);
  EXPECT_THROW(on_every_rank(alone, [] { throw Error("diverged"); }), Error);
  try {
    on_every_rank(alone, [] { throw Error("diverged"); });
  } catch (const AgreedFailure&) {
    ADD_FAILURE() << "one process has nothing to agree with";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "diverged");
  }
  int ran = 0;
  agree(alone, [&] { ++ran; });
  agree(
      alone, [&] { ++ran; }, /*root_only=*/true);
  EXPECT_EQ(ran, 2);
}

TEST(Agreement, OneProcessSumsAndBroadcastsLeaveTheInput) {
  std::vector<double> v{1.5, -2.0};
  one_process().sum(v);
  EXPECT_EQ(v, (std::vector<double>{1.5, -2.0}));
  std::string text = "settings";
  one_process().broadcast(text);
  EXPECT_EQ(text, "settings");
  EXPECT_EQ(one_process().gather(42), (std::vector<uint64_t>{42}));
  EXPECT_EQ(&world(), &one_process()) << "no Launch in the tests: one process";
}

TEST(Agreement, MessagesNameTheRankAfterTheirKind) {
  EXPECT_EQ(with_rank("error: data file x: truncated", 1, 4),
            "error: rank 1 of 4: data file x: truncated");
  EXPECT_EQ(with_rank("internal error: boom", 0, 2), "internal error: rank 0 of 2: boom");
  EXPECT_EQ(with_rank("stopped by SIGINT after epoch 2", 3, 4),
            "rank 3 of 4: stopped by SIGINT after epoch 2");
}

TEST(Agreement, DivergenceNamesTheRanksThatDifferFromRankZero) {
  const std::vector<double> a{1.0, 2.0, 3.0};
  std::vector<double> b = a;
  b[1] = std::nextafter(2.0, 3.0);  // one bit
  const uint64_t fa = fingerprint(a), fb = fingerprint(b);
  EXPECT_NE(fa, fb);
  EXPECT_EQ(fingerprint(a), fa);
  EXPECT_FALSE(divergence({fa, fa, fa}).has_value());
  ASSERT_TRUE(divergence({fa, fb, fa, fb}).has_value());
  EXPECT_EQ(*divergence({fa, fb, fa, fb}), "the parameters of ranks 1, 3 differ from rank 0's");
  EXPECT_EQ(*divergence({fa, fa, fb}), "the parameters of rank 2 differ from rank 0's");
}

TEST(Agreement, StopVotesSumToTheSignalOfAnyRank) {
  const auto summed = [](std::vector<int> signals) {
    std::array<double, 2> total{};
    for (int s : signals) {
      std::array<double, 2> vote{};
      vote_stop(s, vote);
      total[0] += vote[0];
      total[1] += vote[1];
    }
    return agreed_signal(total);
  };
  EXPECT_EQ(summed({0, 0, 0}), 0);
  EXPECT_EQ(summed({0, SIGINT, 0}), SIGINT);
  EXPECT_EQ(summed({SIGINT, SIGTERM}), SIGTERM);
  EXPECT_EQ(summed({SIGTERM, SIGTERM}), SIGTERM);
}

TEST(Shards, EveryRowBelongsToOneRankInOrder) {
  for (size_t count : {0u, 1u, 7u, 64u, 65u})
    for (int ranks : {1, 2, 3, 8}) {
      size_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const train::Shard s = train::shard_of(count, r, ranks);
        EXPECT_EQ(s.begin, next) << count << " rows, rank " << r << " of " << ranks;
        EXPECT_LE(s.end - s.begin, count / static_cast<size_t>(ranks) + 1);
        next = s.end;
      }
      EXPECT_EQ(next, count);
    }
}

}  // namespace
}  // namespace qmf::dist
