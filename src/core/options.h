#pragma once
// The choice-valued settings and how config files spell them. Each choice has one table, so
// adding an option is one enumerator and one table row.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace qmf {

template <class E>
struct Spelling {
  E value;
  std::string_view name;
};

// Model kinds stay names rather than an enum: the model factory maps a name to a builder, so a
// new kind is one line here and one registration there. qmfnn is the quantum model; early, late,
// tfn and lmf are the classical fusion baselines; qmfnn-classical is the QMFNN with its quantum
// part replaced by a classical head of about the same parameter count (docs/MODEL.md).
inline constexpr std::string_view kModelKinds[] = {"qmfnn", "early", "late",
                                                   "tfn",   "lmf",   "qmfnn-classical"};

enum class Encoding { amplitude, belief, angle };
inline constexpr Spelling<Encoding> kEncodings[] = {
    {Encoding::amplitude, "amplitude"}, {Encoding::belief, "belief"}, {Encoding::angle, "angle"}};

// How data.corrupt damages one modality of a fraction of the test samples.
enum class CorruptKind { noise, blank };
inline constexpr Spelling<CorruptKind> kCorruptKinds[] = {{CorruptKind::noise, "noise"},
                                                          {CorruptKind::blank, "blank"}};

enum class ConvBlock { conv6, su4 };
inline constexpr Spelling<ConvBlock> kConvBlocks[] = {{ConvBlock::conv6, "conv6"},
                                                      {ConvBlock::su4, "su4"}};

enum class Readout { probs, expval };
inline constexpr Spelling<Readout> kReadouts[] = {{Readout::probs, "probs"},
                                                  {Readout::expval, "expval"}};

// entangle: the feature-entanglement fusion block and QCNN; evidential: registers of C qubits
// holding mass functions, combined by Toffoli ANDs (Dempster-Shafer, docs/MODEL.md).
enum class Fusion { entangle, evidential };
inline constexpr Spelling<Fusion> kFusions[] = {{Fusion::entangle, "entangle"},
                                                {Fusion::evidential, "evidential"}};

// What each modality passes through before the model fuses it: the model's own fully connected
// layers straight on the features (mlp), or a convolutional stack first (cnn, model.cnn.*).
enum class Frontend { mlp, cnn };
inline constexpr Spelling<Frontend> kFrontends[] = {{Frontend::mlp, "mlp"}, {Frontend::cnn, "cnn"}};

// Training-time image augmentation (data.augment). auto: crop-flip for CIFAR-10 views under a
// convolutional front end, none otherwise (digits are not mirror-symmetric).
enum class Augment { automatic, none, crop_flip };
inline constexpr Spelling<Augment> kAugments[] = {
    {Augment::automatic, "auto"}, {Augment::none, "none"}, {Augment::crop_flip, "crop-flip"}};

// "double" and "float" are keywords, hence the f64/f32 enumerators.
enum class Precision { f64, f32 };
inline constexpr Spelling<Precision> kPrecisions[] = {{Precision::f64, "double"},
                                                      {Precision::f32, "float"}};

// Found by argument-dependent lookup, so the templates below work for every choice above (and
// for choices spelled next to their own type: nn::Activation, nn::OptimizerKind).
constexpr std::span<const Spelling<Encoding>> spellings(Encoding) { return kEncodings; }
constexpr std::span<const Spelling<CorruptKind>> spellings(CorruptKind) { return kCorruptKinds; }
constexpr std::span<const Spelling<ConvBlock>> spellings(ConvBlock) { return kConvBlocks; }
constexpr std::span<const Spelling<Readout>> spellings(Readout) { return kReadouts; }
constexpr std::span<const Spelling<Fusion>> spellings(Fusion) { return kFusions; }
constexpr std::span<const Spelling<Precision>> spellings(Precision) { return kPrecisions; }
constexpr std::span<const Spelling<Frontend>> spellings(Frontend) { return kFrontends; }
constexpr std::span<const Spelling<Augment>> spellings(Augment) { return kAugments; }

template <class E>
concept Spelled = requires(E e) {
  spellings(e);
};

template <Spelled E>
constexpr std::string_view name_of(E e) {
  for (const auto& s : spellings(e))
    if (s.value == e) return s.name;
  return "?";  // unreachable while every enumerator has a row
}

template <Spelled E>
constexpr std::optional<E> parse_choice(std::string_view name) {
  for (const auto& s : spellings(E{}))
    if (s.name == name) return s.value;
  return std::nullopt;
}

template <Spelled E>
std::vector<std::string_view> names_of() {
  std::vector<std::string_view> names;
  for (const auto& s : spellings(E{})) names.push_back(s.name);
  return names;
}

}  // namespace qmf
