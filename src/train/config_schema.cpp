#include "train/config_schema.h"

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <fmt/format.h>

#include "core/error.h"
#include "noise/noise_model.h"
#include "train/config_codec.h"

namespace qmf::config_detail {
namespace {

// The widest classical layer a config may ask for: wider than any model here needs, and small
// enough that a typo (an extra zero or three) is refused instead of exhausting memory.
constexpr int kMaxWidth = 1 << 16;

// Convolutions: more channels or a wider kernel than any image model here would use is taken
// for a typo.
constexpr int kMaxChannels = 1024;
constexpr int kMaxKernel = 15;

// An odd kernel keeps an image's size under padding kernel/2 (an even one would shift it).
Codec<int> odd_kernel() {
  Codec<int> codec = integer<int>(1, kMaxKernel);
  const auto in_range = codec.check;
  codec.expected = "an odd integer in [1, 15]";
  static_assert(kMaxKernel == 15, "the text above names the range");
  codec.check = [in_range](const int& v, std::string_view key) {
    in_range(v, key);
    if (v % 2 == 0)
      throw UsageError(fmt::format("{}: {} is even; a kernel must be odd (1, 3, 5, ...)", key, v));
  };
  return codec;
}

// The shot sampler's binomial draws count exactly up to 2^53 (noise/shots.h).
constexpr std::int64_t kMaxShots = std::int64_t{1} << 53;

// Where each section's struct lives in a Config, so a table row names only the field.
template <class S>
constexpr auto section(const S*) {
  if constexpr (std::is_same_v<S, DataConfig>) return [](auto& c) -> auto& {
      return c.data;
    };
  else if constexpr (std::is_same_v<S, ModelConfig> || std::is_same_v<S, model::QmfnnSettings>)
    return [](auto& c) -> auto& { return c.model; };
  else if constexpr (std::is_same_v<S, nn::ConvSpec>)
    return [](auto& c) -> auto& { return c.model.cnn; };
  else if constexpr (std::is_same_v<S, TrainConfig>)
    return [](auto& c) -> auto& { return c.train; };
  else if constexpr (std::is_same_v<S, SimConfig>)
    return [](auto& c) -> auto& { return c.sim; };
  else {
    static_assert(std::is_same_v<S, noise::NoiseSettings>, "a section with no place in Config");
    return [](auto& c) -> auto& { return c.noise; };
  }
}

template <class S, class T>
Field field(std::string_view key, T S::*member, Codec<T> codec) {
  constexpr auto in = section(static_cast<const S*>(nullptr));
  return {key,
          codec.expected,
          codec.textual,
          [in, key, member, codec](Config& c, const toml::node& node) {
            T value = codec.read(node, key);
            codec.check(value, key);
            static_cast<S&>(in(c)).*member = std::move(value);
          },
          [in, key, member, codec](const Config& c) {
            codec.check(static_cast<const S&>(in(c)).*member, key);
          },
          [in, member, codec](const Config& c) {
            return codec.write(static_cast<const S&>(in(c)).*member);
          }};
}

// A preset name or "" (none); which presets exist is the noise layer's knowledge.
Codec<std::string> noise_preset() {
  Codec<std::string> codec = text();
  std::vector<std::string_view> allowed{"\"\""};
  for (const std::string_view name : noise::preset_names()) allowed.push_back(name);
  codec.expected = one_of_text(allowed);
  codec.check = [](const std::string& v, std::string_view key) { noise::check_preset(v, key); };
  return codec;
}

const std::vector<Field>& table() {
  static const std::vector<Field> fields = {
      field("data.dir", &DataConfig::dir, text()),
      field("data.fsdd", &DataConfig::fsdd, text()),
      // Needed only by view files, which names this key when it is empty.
      field("data.files", &DataConfig::files, text()),
      // Which views exist is the data layer's knowledge; it rejects unknown ones.
      field("data.view", &DataConfig::view, nonempty_text()),
      field("data.train_limit", &DataConfig::train_limit, integer<std::size_t>(0)),
      field("data.test_limit", &DataConfig::test_limit, integer<std::size_t>(0)),
      field("data.pool", &DataConfig::pool, boolean()),
      field("data.augment", &DataConfig::augment, choice<Augment>()),
      field("data.standardize", &DataConfig::standardize, boolean()),
      field("data.validation", &DataConfig::validation, real_between(0.0, 0.9)),
      field("data.classes", &DataConfig::classes,
            int_list({.lo = 0, .hi = 9, .min_size = 2, .empty_means_all = true, .distinct = true})),
      // Which indices exist depends on the view; the data layer checks the upper bound.
      field("data.modalities", &DataConfig::modalities,
            int_list({.lo = 1, .min_size = 1, .empty_means_all = true, .distinct = true})),
      field("data.corrupt.modality", &DataConfig::corrupt_modality, integer<std::size_t>(0)),
      field("data.corrupt.kind", &DataConfig::corrupt_kind, choice<CorruptKind>()),
      field("data.corrupt.fraction", &DataConfig::corrupt_fraction, real_between(0.0, 1.0)),
      field("data.corrupt.sigma", &DataConfig::corrupt_sigma, positive_real()),
      field("model.kind", &ModelConfig::kind, one_of(kModelKinds)),
      field("model.encoding", &ModelConfig::encoding, choice<Encoding>()),
      field("model.k", &ModelConfig::k,
            int_list({.lo = 1, .hi = 12, .min_size = 1, .scalar_ok = true})),
      field("model.ffn_hidden", &ModelConfig::ffn_hidden, int_list({.lo = 1, .hi = kMaxWidth})),
      field("model.ffn_activation", &ModelConfig::ffn_activation, choice<nn::Activation>()),
      field("model.fusion_layers", &ModelConfig::fusion_layers, integer<int>(0, 64)),
      field("model.qcnn_share", &ModelConfig::qcnn_share, boolean()),
      field("model.conv_block", &ModelConfig::conv_block, choice<ConvBlock>()),
      field("model.readout", &ModelConfig::readout, choice<Readout>()),
      field("model.entangle", &ModelConfig::entangle, boolean()),
      field("model.qcnn", &ModelConfig::qcnn, boolean()),
      field("model.fusion", &ModelConfig::fusion, choice<Fusion>()),
      field("model.hidden", &ModelConfig::hidden, int_list({.lo = 1, .hi = kMaxWidth})),
      field("model.fusion_dim", &ModelConfig::fusion_dim, integer<int>(1, kMaxWidth)),
      field("model.rank", &ModelConfig::rank, integer<int>(1, kMaxWidth)),
      field("model.frontend", &ModelConfig::frontend, choice<Frontend>()),
      field("model.cnn.channels", &nn::ConvSpec::channels,
            int_list({.lo = 1, .hi = kMaxChannels, .min_size = 1})),
      field("model.cnn.kernel", &nn::ConvSpec::kernel, odd_kernel()),
      field("model.cnn.pooling", &nn::ConvSpec::pooling, choice<nn::Pooling>()),
      field("model.cnn.pool", &nn::ConvSpec::pool, integer<int>(1, kMaxKernel)),
      field("model.cnn.dropout", &nn::ConvSpec::dropout, real_between(0.0, 0.9)),
      field("train.epochs", &TrainConfig::epochs, integer<int>(1)),
      field("train.batch", &TrainConfig::batch, integer<int>(1)),
      field("train.lr", &TrainConfig::lr, positive_real()),
      field("train.optimizer", &TrainConfig::optimizer, choice<nn::OptimizerKind>()),
      field("train.seed", &TrainConfig::seed, integer<std::uint64_t>(0)),
      field("train.threads", &TrainConfig::threads, integer<int>(0, 1024)),
      field("train.checkpoint_every", &TrainConfig::checkpoint_every, integer<int>(0)),
      field("train.init", &TrainConfig::init, text()),
      field("train.lr_schedule", &TrainConfig::lr_schedule, choice<train::LrScheduleKind>()),
      field("train.lr_warmup", &TrainConfig::lr_warmup, integer<int>(0)),
      field("train.lr_step_size", &TrainConfig::lr_step_size, integer<int>(1)),
      field("train.lr_step_factor", &TrainConfig::lr_step_factor, real_between(0.0, 1.0)),
      field("train.lr_floor", &TrainConfig::lr_floor, nonnegative_real()),
      field("train.weight_decay", &TrainConfig::weight_decay, real_between(0.0, 1.0)),
      field("train.momentum", &TrainConfig::momentum, real_between(0.0, 0.999)),
      field("train.clip_norm", &TrainConfig::clip_norm, nonnegative_real()),
      field("train.monitor", &TrainConfig::monitor, choice<train::Monitor>()),
      field("train.patience", &TrainConfig::patience, integer<int>(0)),
      field("sim.precision", &SimConfig::precision, choice<Precision>()),
      field("sim.shots", &SimConfig::shots, integer<std::uint64_t>(0, kMaxShots)),
      field("sim.seed", &SimConfig::seed, integer<std::uint64_t>(0)),
      field("sim.trajectories", &SimConfig::trajectories, integer<std::uint32_t>(0, 1U << 20)),
      field("noise.preset", &NoiseConfig::preset, noise_preset()),
      field("noise.depolarizing", &NoiseConfig::depolarizing, real_between(0.0, 1.0)),
      field("noise.depolarizing2", &NoiseConfig::depolarizing2, real_between(0.0, 1.0)),
      field("noise.amplitude_damping", &NoiseConfig::amplitude_damping, real_between(0.0, 1.0)),
      field("noise.phase_damping", &NoiseConfig::phase_damping, real_between(0.0, 1.0)),
      field("noise.bit_flip", &NoiseConfig::bit_flip, real_between(0.0, 1.0)),
      field("noise.phase_flip", &NoiseConfig::phase_flip, real_between(0.0, 1.0)),
      field("noise.readout", &NoiseConfig::readout, real_between(0.0, 1.0)),
      field("noise.readout01", &NoiseConfig::readout01, real_between(0.0, 1.0)),
      field("noise.readout10", &NoiseConfig::readout10, real_between(0.0, 1.0)),
  };
  return fields;
}

}  // namespace

std::span<const Field> config_fields() { return table(); }

const Field* find_field(std::string_view key) {
  const auto& fields = table();
  const auto it =
      std::find_if(fields.begin(), fields.end(), [key](const Field& f) { return f.key == key; });
  return it == fields.end() ? nullptr : &*it;
}

bool is_section(std::string_view prefix) {
  return std::any_of(table().begin(), table().end(), [prefix](const Field& f) {
    return f.key.size() > prefix.size() && f.key.starts_with(prefix) && f.key[prefix.size()] == '.';
  });
}

std::vector<std::string_view> known_names() {
  std::vector<std::string_view> names;
  for (const Field& f : table()) {
    const std::string_view s = section_of(f.key);
    if (std::find(names.begin(), names.end(), s) == names.end()) names.push_back(s);
    names.push_back(f.key);
  }
  return names;
}

std::string_view section_of(std::string_view key) {
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : key.substr(0, dot);
}

std::string_view name_in_section(std::string_view key) {
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

}  // namespace qmf::config_detail
