// Device presets (docs/NOISE.md, "Presets"): each builds, is noisy and physical, reproduces the
// published gate infidelities after the relaxation its T1, T2 and gate times give, and the
// conversions of presets.h hold where they can be written out by hand.
#include "noise/presets.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "noise/noise_model.h"

namespace qmf::noise {
namespace {

using K = ChannelKind;

const DeviceFigures& device(std::string_view name) {
  const DeviceFigures* d = find_device(name);
  EXPECT_NE(d, nullptr) << name;
  return *d;
}

TEST(NoisePresets, NamesAreTheTableOfFigures) {
  ASSERT_EQ(preset_names().size(), device_figures().size());
  for (size_t i = 0; i < preset_names().size(); ++i)
    EXPECT_EQ(preset_names()[i], device_figures()[i].name);
  EXPECT_NE(find_device("ibm-heron-r2"), nullptr);
  EXPECT_NE(find_device("ionq-aria"), nullptr);
  EXPECT_EQ(find_device("nosuch"), nullptr);
  EXPECT_EQ(find_device(""), nullptr);
}

// The figures as docs/NOISE.md cites them; a change to one must change the docs too.
TEST(NoisePresets, FiguresAreTheCitedOnes) {
  const DeviceFigures& ibm = device("ibm-heron-r2");
  EXPECT_EQ(ibm.gate_error_1q, 2.88e-4);
  EXPECT_EQ(ibm.gate_error_2q, 2.848e-3);
  EXPECT_EQ(ibm.t1, 136.52e-6);
  EXPECT_EQ(ibm.t2, 78.58e-6);
  EXPECT_EQ(ibm.gate_time_1q, 0);
  EXPECT_EQ(ibm.gate_time_2q, 68e-9);
  EXPECT_EQ(ibm.readout, (ReadoutError{1.270e-2, 2.000e-2}));
  const DeviceFigures& ionq = device("ionq-aria");
  EXPECT_EQ(ionq.gate_error_1q, 5e-4);
  EXPECT_EQ(ionq.gate_error_2q, 4e-3);
  EXPECT_EQ(ionq.t1, 10.0);
  EXPECT_EQ(ionq.t2, 1.0);
  EXPECT_EQ(ionq.gate_time_1q, 135e-6);
  EXPECT_EQ(ionq.gate_time_2q, 600e-6);
  EXPECT_EQ(ionq.readout, (ReadoutError{3.9e-3, 3.9e-3}));
}

TEST(NoisePresets, EveryPresetBuildsANoisyPhysicalModel) {
  for (const std::string_view name : preset_names()) {
    const NoiseModel m = noise_model({.preset = std::string(name)});
    EXPECT_FALSE(m.noiseless()) << name;
    EXPECT_FALSE(m.after_one_qubit.empty()) << name;
    EXPECT_FALSE(m.after_three_qubit.empty()) << name;
    ASSERT_FALSE(m.after_two_qubit.empty()) << name;
    EXPECT_EQ(m.after_two_qubit.front().kind, K::depolarizing2) << name;
    for (const auto* list : {&m.after_one_qubit, &m.after_two_qubit, &m.after_three_qubit})
      for (const Channel& c : *list) {
        EXPECT_GT(c.p, 0) << name << " " << channel_name(c.kind);
        EXPECT_LT(c.p, 0.05) << name << " " << channel_name(c.kind);
      }
    for (const Channel& c : m.after_one_qubit) EXPECT_EQ(channel_qubits(c.kind), 1) << name;
    for (const Channel& c : m.after_three_qubit) EXPECT_EQ(channel_qubits(c.kind), 1) << name;
    EXPECT_GT(m.readout.p01, 0) << name;
    EXPECT_GT(m.readout.p10, 0) << name;
  }
}

// The depolarizing strength is fitted so that, with the relaxation after it, the gate's average
// infidelity is the published one.
TEST(NoisePresets, GateChannelsHaveThePublishedInfidelity) {
  for (const DeviceFigures& d : device_figures()) {
    const NoiseModel m = device_model(d);
    EXPECT_NEAR(average_infidelity(m.after_two_qubit, 2) / d.gate_error_2q, 1.0, 1e-9) << d.name;
    EXPECT_NEAR(average_infidelity(m.after_one_qubit, 1) / d.gate_error_1q, 1.0, 1e-9) << d.name;
    // The relaxation is part of it: the depolarizing share is below the plain conversion.
    if (d.gate_time_2q > 0) {
      EXPECT_LT(m.after_two_qubit.front().p, 1.25 * d.gate_error_2q) << d.name;
    }
  }
}

TEST(NoisePresets, PureDepolarizingInfidelityIsTwoThirdsAndFourFifthsOfP) {
  const double p = 0.012;
  const std::vector<Channel> one = {{K::depolarizing, p}}, two = {{K::depolarizing2, p}};
  EXPECT_NEAR(average_infidelity(one, 1), 2 * p / 3, 1e-15);
  EXPECT_NEAR(average_infidelity(two, 2), 4 * p / 5, 1e-15);
  EXPECT_NEAR(average_infidelity(std::vector<Channel>{}, 2), 0, 1e-15);
}

TEST(NoisePresets, WithoutGateTimesTheConversionIsThreeHalvesAndFiveQuarters) {
  const DeviceFigures d{.name = "plain",
                        .gate_error_1q = 1e-3,
                        .gate_error_2q = 8e-3,
                        .t1 = 1e-4,
                        .t2 = 1e-4,
                        .gate_time_1q = 0,
                        .gate_time_2q = 0,
                        .readout = {}};
  const NoiseModel m = device_model(d);
  EXPECT_EQ(m.after_one_qubit.size(), 1u);
  EXPECT_NEAR(m.after_one_qubit[0].p, 1.5e-3, 1e-15);
  EXPECT_EQ(m.after_two_qubit.size(), 1u);
  EXPECT_NEAR(m.after_two_qubit[0].p, 1e-2, 1e-15);
}

TEST(NoisePresets, RelaxationFollowsT1AndT2) {
  const DeviceFigures& d = device("ionq-aria");
  const NoiseModel m = device_model(d);
  ASSERT_EQ(m.after_two_qubit.size(), 3u);
  const Channel ad = m.after_two_qubit[1], pd = m.after_two_qubit[2];
  ASSERT_EQ(ad.kind, K::amplitude_damping);
  ASSERT_EQ(pd.kind, K::phase_damping);
  const double t = d.gate_time_2q;
  // |1> survives with exp(-t/T1); the coherences keep exp(-t/T2) through both channels.
  EXPECT_NEAR(1 - ad.p, std::exp(-t / d.t1), 1e-15);
  EXPECT_NEAR(std::sqrt(1 - ad.p) * std::sqrt(1 - pd.p), std::exp(-t / d.t2), 1e-15);
  // The IBM preset has no published one-qubit gate time: no relaxation after one-qubit gates.
  const NoiseModel ibm = device_model(device("ibm-heron-r2"));
  ASSERT_EQ(ibm.after_one_qubit.size(), 1u);
  EXPECT_NEAR(ibm.after_one_qubit[0].p, 1.5 * 2.88e-4, 1e-15);
}

// The table "The resulting channels" of docs/NOISE.md, to its three digits.
TEST(NoisePresets, ChannelsAreTheDocumentedOnes) {
  const auto strengths = [](const std::vector<Channel>& list) {
    std::vector<double> p;
    p.reserve(list.size());
    for (const Channel& c : list) p.push_back(c.p);
    return p;
  };
  const auto expect_near = [](const std::vector<double>& got, std::vector<double> want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i] / want[i], 1, 2e-3) << i;
  };
  const NoiseModel ibm = device_model(device("ibm-heron-r2"));
  expect_near(strengths(ibm.after_one_qubit), {4.32e-4});
  expect_near(strengths(ibm.after_two_qubit), {2.45e-3, 4.98e-4, 1.23e-3});
  expect_near(strengths(ibm.after_three_qubit), {4.89e-3, 2.98e-3, 7.37e-3});
  const NoiseModel ionq = device_model(device("ionq-aria"));
  expect_near(strengths(ionq.after_one_qubit), {6.79e-4, 1.35e-5, 2.56e-4});
  expect_near(strengths(ionq.after_two_qubit), {4.37e-3, 6.00e-5, 1.14e-3});
  expect_near(strengths(ionq.after_three_qubit), {8.73e-3, 3.60e-4, 6.82e-3});
}

TEST(NoisePresets, AThreeQubitGateCostsSixTwoQubitGates) {
  for (const DeviceFigures& d : device_figures()) {
    const NoiseModel m = device_model(d);
    ASSERT_EQ(m.after_three_qubit.size(), 3u) << d.name;
    const double p2 = m.after_two_qubit.front().p;
    EXPECT_EQ(m.after_three_qubit[0].kind, K::depolarizing) << d.name;
    EXPECT_NEAR(m.after_three_qubit[0].p, 1 - (1 - p2) * (1 - p2), 1e-15) << d.name;
    EXPECT_NEAR(1 - m.after_three_qubit[1].p, std::exp(-6 * d.gate_time_2q / d.t1), 1e-15)
        << d.name;
  }
}

}  // namespace
}  // namespace qmf::noise
