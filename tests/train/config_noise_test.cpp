// The [noise] keys and sim.shots / sim.seed (docs/NOISE.md): defaults, reading from files and
// --set, round trips through to_toml, bad values refused naming the key (when read and by
// validate), and which keys `qmf eval` / `qmf explain` may set on a finished run.
#include <limits>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "core/error.h"
#include "noise/noise_model.h"
#include "train/config.h"
#include "train/trained_run.h"

namespace qmf {
namespace {

// The UsageError message of `f`; a test failure when it throws none.
template <class F>
std::string usage_message(F&& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return {};
}

void expect_in(const std::string& what, std::initializer_list<std::string_view> parts) {
  for (const std::string_view part : parts)
    EXPECT_NE(what.find(part), std::string::npos) << "'" << part << "' not in: " << what;
}

TEST(ConfigNoise, DefaultsAreNoiselessAndExact) {
  const Config c;
  EXPECT_EQ(c.sim.shots, 0u);
  EXPECT_EQ(c.sim.seed, 0u);
  EXPECT_EQ(static_cast<const noise::NoiseSettings&>(c.noise), noise::NoiseSettings{});
  EXPECT_TRUE(noise::noise_model(c.noise).noiseless());
  EXPECT_NO_THROW(validate(c));
}

TEST(ConfigNoise, KeysReadFromATableAndFromOverrides) {
  Config c = parse_config(R"(
[sim]
shots = 1000
seed = 42

[noise]
preset = "ionq-aria"
depolarizing = 0.01
readout10 = 0.03
)");
  EXPECT_EQ(c.sim.shots, 1000u);
  EXPECT_EQ(c.sim.seed, 42u);
  EXPECT_EQ(c.noise.preset, "ionq-aria");
  EXPECT_EQ(c.noise.depolarizing, 0.01);
  EXPECT_EQ(c.noise.readout10, 0.03);
  apply_override(c, "noise.preset=ibm-heron-r2");  // a bare word, like other text keys
  apply_override(c, "noise.bit_flip=0.002");
  apply_override(c, "noise.readout=1");  // the edges are allowed
  apply_override(c, "noise.phase_flip=0");
  EXPECT_EQ(c.noise.preset, "ibm-heron-r2");
  EXPECT_EQ(c.noise.bit_flip, 0.002);
  EXPECT_EQ(c.noise.readout, 1.0);
  apply_override(c, "noise.preset=");
  EXPECT_EQ(c.noise.preset, "");
  EXPECT_NO_THROW(validate(c));
}

TEST(ConfigNoise, EveryKeyRoundTripsThroughToml) {
  Config c;
  for (const char* set :
       {"sim.shots=4096", "sim.seed=9223372036854775807", "noise.preset=ionq-aria",
        "noise.depolarizing=0.001", "noise.depolarizing2=0.02", "noise.amplitude_damping=0.003",
        "noise.phase_damping=0.004", "noise.bit_flip=0.005", "noise.phase_flip=0.006",
        "noise.readout=0.007", "noise.readout01=0.008", "noise.readout10=0.1"})
    apply_override(c, set);
  c.noise.depolarizing = 0.1 + 0.2;  // needs all 17 digits to read back equal
  const std::string text = to_toml(c);
  EXPECT_NE(text.find("[noise]\npreset = 'ionq-aria'\n"), std::string::npos) << text;
  EXPECT_EQ(parse_config(text, "resolved.toml"), c) << text;
  EXPECT_EQ(c.sim.seed, 9223372036854775807u);  // TOML's largest integer
}

TEST(ConfigNoise, BadStrengthsAreRefusedNamingTheKey) {
  for (const char* key : {"noise.depolarizing", "noise.depolarizing2", "noise.amplitude_damping",
                          "noise.phase_damping", "noise.bit_flip", "noise.phase_flip",
                          "noise.readout", "noise.readout01", "noise.readout10"})
    for (const char* bad : {"1.5", "-0.1", "nan"}) {
      Config c;
      const std::string set = std::string(key) + "=" + bad;
      expect_in(usage_message([&] { apply_override(c, set); }),
                {key, "must be a number in [0, 1]"});
      EXPECT_EQ(c, Config{}) << "a rejected --set must leave the config as it was";
    }
  expect_in(usage_message([] { (void)parse_config("[noise]\nbit_flip = 2\n", "bad.toml"); }),
            {"bad.toml:2:", "noise.bit_flip", "got 2"});
  expect_in(usage_message([] { (void)parse_config("[noise]\nreadout = \"high\"\n"); }),
            {"noise.readout", "expected a number"});
}

TEST(ConfigNoise, AnUnknownPresetIsRefusedListingThePresets) {
  Config c;
  const std::string what = usage_message([&] { apply_override(c, "noise.preset=ibm-eagle"); });
  expect_in(what, {"noise.preset", "'ibm-eagle'", "ibm-heron-r2", "ionq-aria"});
  expect_in(usage_message([] { (void)parse_config("noise.preset = \"Aria\"\n", "bad.toml"); }),
            {"bad.toml:1:", "noise.preset", "'Aria'"});
}

TEST(ConfigNoise, ValidateChecksNoiseBuiltInCode) {
  Config c;
  c.noise.preset = "nosuch";
  expect_in(usage_message([&] { validate(c); }), {"noise.preset", "'nosuch'", "ionq-aria"});
  c = Config{};
  c.noise.phase_damping = std::numeric_limits<double>::quiet_NaN();
  expect_in(usage_message([&] { validate(c); }), {"noise.phase_damping", "[0, 1]"});
  c = Config{};
  c.noise.readout01 = -0.5;
  expect_in(usage_message([&] { validate(c); }), {"noise.readout01"});
}

TEST(ConfigNoise, ShotsAndSeedAreNonNegativeIntegers) {
  Config c;
  expect_in(usage_message([&] { apply_override(c, "sim.shots=-1"); }),
            {"sim.shots", "between 0 and"});
  expect_in(usage_message([&] { apply_override(c, "sim.shots=1.5"); }),
            {"sim.shots", "an integer"});
  expect_in(usage_message([&] { apply_override(c, "sim.shots=9007199254740993"); }),
            {"sim.shots", "9007199254740992"});
  expect_in(usage_message([&] { apply_override(c, "sim.seed=-3"); }), {"sim.seed", "at least 0"});
  apply_override(c, "sim.shots=9007199254740992");
  EXPECT_EQ(c.sim.shots, 9007199254740992u);
}

TEST(TrainedRunOverrides, EvaluationMaySetDataNoiseShotsAndThreads) {
  for (const char* key : {"data.test_limit", "data.corrupt.kind", "noise.preset",
                          "noise.depolarizing", "sim.shots", "sim.seed", "train.threads"})
    EXPECT_TRUE(train::evaluation_may_set(key)) << key;
  for (const char* key : {"model.k", "train.lr", "train.threads_x", "sim.precision", "noise", "sim",
                          "datax.view", ""})
    EXPECT_FALSE(train::evaluation_may_set(key)) << key;
}

}  // namespace
}  // namespace qmf
