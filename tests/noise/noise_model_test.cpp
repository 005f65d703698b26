// Noise models from the user's settings (docs/NOISE.md): which channel each key puts after which
// kind of gate, the readout rule, a preset with the keys on top, and bad settings refused
// naming their key.
#include "noise/noise_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "noise/presets.h"

namespace qmf::noise {
namespace {

using K = ChannelKind;

std::string usage_message(const NoiseSettings& s) {
  try {
    (void)noise_model(s);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return {};
}

TEST(NoiseModel, DefaultSettingsAreNoiseless) {
  const NoiseModel m = noise_model({});
  EXPECT_TRUE(m.noiseless());
  EXPECT_TRUE(m.after_one_qubit.empty());
  EXPECT_TRUE(m.after_two_qubit.empty());
  EXPECT_TRUE(m.after_three_qubit.empty());
  EXPECT_EQ(m.readout, ReadoutError{});
}

TEST(NoiseModel, ChannelsOfStrengthZeroAreNoiseless) {
  NoiseModel m;
  m.after_two_qubit = {{K::depolarizing2, 0}, {K::bit_flip, 0}};
  EXPECT_TRUE(m.noiseless());
  m.after_three_qubit = {{K::phase_flip, 1e-9}};
  EXPECT_FALSE(m.noiseless());
  m = NoiseModel{};
  m.readout.p10 = 0.01;
  EXPECT_FALSE(m.noiseless());
}

TEST(NoiseModel, DepolarizingFollowsEveryKindOfGate) {
  const NoiseModel m = noise_model({.depolarizing = 0.01});
  EXPECT_EQ(m.after_one_qubit, (std::vector<Channel>{{K::depolarizing, 0.01}}));
  EXPECT_EQ(m.after_two_qubit, (std::vector<Channel>{{K::depolarizing2, 0.01}}));
  EXPECT_EQ(m.after_three_qubit, (std::vector<Channel>{{K::depolarizing, 0.01}}));
  EXPECT_FALSE(m.noiseless());
}

TEST(NoiseModel, Depolarizing2SetsTheTwoQubitStrength) {
  const NoiseModel both = noise_model({.depolarizing = 0.01, .depolarizing2 = 0.05});
  EXPECT_EQ(both.after_one_qubit, (std::vector<Channel>{{K::depolarizing, 0.01}}));
  EXPECT_EQ(both.after_two_qubit, (std::vector<Channel>{{K::depolarizing2, 0.05}}));
  const NoiseModel alone = noise_model({.depolarizing2 = 0.05});
  EXPECT_TRUE(alone.after_one_qubit.empty());
  EXPECT_EQ(alone.after_two_qubit, (std::vector<Channel>{{K::depolarizing2, 0.05}}));
  EXPECT_TRUE(alone.after_three_qubit.empty());
}

TEST(NoiseModel, PerQubitKeysFollowEveryGateInKeyOrder) {
  const NoiseModel m = noise_model(
      {.amplitude_damping = 0.1, .phase_damping = 0.2, .bit_flip = 0.3, .phase_flip = 0.4});
  const std::vector<Channel> expected = {{K::amplitude_damping, 0.1},
                                         {K::phase_damping, 0.2},
                                         {K::bit_flip, 0.3},
                                         {K::phase_flip, 0.4}};
  EXPECT_EQ(m.after_one_qubit, expected);
  EXPECT_EQ(m.after_two_qubit, expected);
  EXPECT_EQ(m.after_three_qubit, expected);
  EXPECT_EQ(noise_model({.phase_flip = 0.4}).after_two_qubit,
            (std::vector<Channel>{{K::phase_flip, 0.4}}));
}

TEST(NoiseModel, ReadoutIsSymmetricUnlessADirectionIsGiven) {
  EXPECT_EQ(noise_model({.readout = 0.02}).readout, (ReadoutError{0.02, 0.02}));
  EXPECT_EQ(noise_model({.readout = 0.02, .readout10 = 0.05}).readout, (ReadoutError{0.02, 0.05}));
  EXPECT_EQ(noise_model({.readout = 0.02, .readout01 = 0.01}).readout, (ReadoutError{0.01, 0.02}));
  EXPECT_EQ(noise_model({.readout01 = 0.01}).readout, (ReadoutError{0.01, 0}));
  EXPECT_EQ(noise_model({.readout01 = 0.01, .readout10 = 0.03}).readout,
            (ReadoutError{0.01, 0.03}));
  EXPECT_TRUE(noise_model({.readout = 0.02}).after_one_qubit.empty());
}

TEST(NoiseModel, KeysAddToAPreset) {
  const NoiseModel preset = noise_model({.preset = "ibm-heron-r2"});
  EXPECT_EQ(preset, device_model(*find_device("ibm-heron-r2")));
  const NoiseModel more =
      noise_model({.preset = "ibm-heron-r2", .depolarizing = 0.01, .bit_flip = 0.02});
  const auto with = [](std::vector<Channel> v, std::initializer_list<Channel> extra) {
    v.insert(v.end(), extra);
    return v;
  };
  EXPECT_EQ(more.after_one_qubit,
            with(preset.after_one_qubit, {{K::depolarizing, 0.01}, {K::bit_flip, 0.02}}));
  EXPECT_EQ(more.after_two_qubit,
            with(preset.after_two_qubit, {{K::depolarizing2, 0.01}, {K::bit_flip, 0.02}}));
  EXPECT_EQ(more.after_three_qubit,
            with(preset.after_three_qubit, {{K::depolarizing, 0.01}, {K::bit_flip, 0.02}}));
  EXPECT_EQ(more.readout, preset.readout);
}

// The keys' readout flip follows the preset's: P(1|0) = a01 (1 - b10) + (1 - a01) b01.
TEST(NoiseModel, KeysReadoutComposesWithThePresets) {
  const ReadoutError a = find_device("ibm-heron-r2")->readout;
  const ReadoutError r =
      noise_model({.preset = "ibm-heron-r2", .readout = 0.1, .readout10 = 0.2}).readout;
  EXPECT_DOUBLE_EQ(r.p01, a.p01 * (1 - 0.2) + (1 - a.p01) * 0.1);
  EXPECT_DOUBLE_EQ(r.p10, a.p10 * (1 - 0.1) + (1 - a.p10) * 0.2);
}

TEST(NoiseModel, ABadStrengthIsRefusedNamingItsKey) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::pair<const char*, double NoiseSettings::*> keys[] = {
      {"noise.depolarizing", &NoiseSettings::depolarizing},
      {"noise.depolarizing2", &NoiseSettings::depolarizing2},
      {"noise.amplitude_damping", &NoiseSettings::amplitude_damping},
      {"noise.phase_damping", &NoiseSettings::phase_damping},
      {"noise.bit_flip", &NoiseSettings::bit_flip},
      {"noise.phase_flip", &NoiseSettings::phase_flip},
      {"noise.readout", &NoiseSettings::readout},
      {"noise.readout01", &NoiseSettings::readout01},
      {"noise.readout10", &NoiseSettings::readout10}};
  for (const auto& [key, member] : keys)
    for (const double bad : {1.5, -0.1, nan}) {
      NoiseSettings s;
      s.*member = bad;
      const std::string what = usage_message(s);
      EXPECT_NE(what.find(std::string(key) + " must be a number in [0, 1]"), std::string::npos)
          << key << " = " << bad << ": " << what;
    }
}

TEST(NoiseModel, AnUnknownPresetIsRefusedListingThePresets) {
  const std::string what = usage_message({.preset = "ibm-eagle"});
  EXPECT_NE(what.find("noise.preset"), std::string::npos) << what;
  EXPECT_NE(what.find("'ibm-eagle'"), std::string::npos) << what;
  for (const std::string_view name : preset_names())
    EXPECT_NE(what.find(name), std::string::npos) << name << " not listed: " << what;
  EXPECT_THROW(check_preset("IonQ-Aria", "k"), UsageError);
  EXPECT_NO_THROW(check_preset("", "k"));
  EXPECT_NO_THROW(check_preset("ionq-aria", "k"));
}

}  // namespace
}  // namespace qmf::noise
