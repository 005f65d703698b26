#include "train/config_docs.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "train/config_schema.h"

namespace qmf {
namespace {

// One sentence per key. A key added to the schema needs its row here (ConfigDocs.* fails
// otherwise); docs/MODEL.md has the longer story for the model.* keys.
constexpr KeyMeaning kMeanings[] = {
    {"data.dir",
     "Directory of the downloaded data sets; empty: $QMF_DATA, else ~/.cache/qmf/data."},
    {"data.fsdd",
     "The Free Spoken Digit Dataset for mnist+fsdd: its release .tar.gz or a directory of its "
     "recordings; empty: <data dir>/fsdd (docs/DATA.md)."},
    {"data.files",
     "For data.view = files: a directory with train/ and test/, one .npy or .csv per modality "
     "plus labels."},
    {"data.view",
     "The multimodal view: which data set and how it is cut into modalities (mnist/split-h2, "
     "mnist+fsdd, cifar10/channels, files, ...)."},
    {"data.train_limit", "Train on this many training samples, drawn by the seed; 0: all."},
    {"data.test_limit", "Evaluate on this many test samples, drawn by the seed; 0: all."},
    {"data.pool",
     "Average-pool every image channel 2x2 before training (a quarter of the inputs)."},
    {"data.augment",
     "Training images: crop-flip (random 4-pixel shifts, mirror), none, or auto (crop-flip for "
     "CIFAR-10 with model.frontend = cnn)."},
    {"data.standardize",
     "Standardise each input feature with the training split's mean and deviation."},
    {"data.validation",
     "Fraction of the training split held out for validation, reported per epoch."},
    {"data.classes",
     "Keep only these classes, relabelled 0..C-1 in the order given; empty: all classes."},
    {"data.modalities",
     "Keep only these modalities (1-based), in the order given; empty: all of the view's."},
    {"data.corrupt.modality",
     "Damage this modality (1-based) on the test split, to probe robustness; 0: none."},
    {"data.corrupt.kind",
     "How the damaged modality is damaged: noise (Gaussian, added) or blank (set to 0)."},
    {"data.corrupt.fraction", "Fraction of the test samples damaged, chosen by the seed."},
    {"data.corrupt.sigma",
     "Standard deviation of the added noise, in feature units (pixels 0..1)."},
    {"model.kind",
     "The model: qmfnn (quantum fusion) or a classical baseline (early, late, tfn, lmf, "
     "qmfnn-classical); docs/MODEL.md."},
    {"model.encoding",
     "How a modality's FFN output enters its qubits: amplitude, belief (softmax) or angle (RY)."},
    {"model.k", "Qubits per modality: one number for every register, or one per modality."},
    {"model.ffn_hidden",
     "Hidden layer widths of each modality's FFN before the circuit; empty: one Linear layer."},
    {"model.ffn_activation", "Activation between the FFN's layers."},
    {"model.fusion_layers",
     "Layers of the fusion block (rotations on every qubit, then CRX between registers)."},
    {"model.qcnn_share",
     "One angle set per QCNN conv / pool layer (true) or one per qubit pair (false)."},
    {"model.conv_block", "The QCNN's two-qubit block: conv6 (6 angles) or su4 (15, general)."},
    {"model.readout",
     "probs: class c is outcome c of the readout qubits; expval: their <Z> into a linear layer."},
    {"model.entangle", "CRX entanglers in the fusion block; false is the no-entangler ablation."},
    {"model.qcnn", "The QCNN after the fusion block; false reads out right after fusion."},
    {"model.fusion",
     "entangle: the fusion block and QCNN; evidential: exact Dempster-Shafer fusion (C <= 5)."},
    {"model.hidden", "Hidden layer widths of the early and late baselines' MLPs."},
    {"model.fusion_dim", "Width of each modality's embedding in the tfn and lmf baselines."},
    {"model.rank", "Rank of the lmf baseline's factorised fusion weight."},
    {"model.frontend",
     "Each modality's front end, for every model kind: mlp (the raw features) or cnn (model.cnn)."},
    {"model.cnn.channels", "Output channels of each conv block (conv, group norm, ReLU, pool)."},
    {"model.cnn.kernel", "Convolution kernel size (odd; stride 1, padding keeps the size)."},
    {"model.cnn.pooling", "max or avg pooling at the end of each conv block."},
    {"model.cnn.pool", "Pooling window and stride of each conv block; 1: no pooling."},
    {"model.cnn.dropout", "Dropout rate on the front end's output features while training."},
    {"train.epochs", "Passes over the training data."},
    {"train.batch", "Samples per optimiser step."},
    {"train.lr", "Learning rate of the optimiser."},
    {"train.optimizer", "adam (betas 0.9, 0.999) or sgd (with train.momentum)."},
    {"train.seed",
     "Seed of all randomness: initial weights, shuffling, sampling, pairing, corruption."},
    {"train.threads",
     "Worker threads; 0: all cores. Every count gives the same result bit for bit."},
    {"train.checkpoint_every",
     "Also checkpoint every N optimiser steps, so a killed run resumes mid-epoch; 0: epoch ends."},
    {"train.init",
     "A run directory (its checkpoint.qmf) or .qmf file whose parameters start this run, "
     "fine-tuning them: same model settings, fresh optimiser; empty: from the seed."},
    {"train.lr_schedule",
     "Learning rate over the optimiser steps: constant, step (decays) or cosine (to lr_floor)."},
    {"train.lr_warmup", "Optimiser steps of linear warm-up from 0 to train.lr; 0: none."},
    {"train.lr_step_size", "step schedule: optimiser steps between decays."},
    {"train.lr_step_factor", "step schedule: the rate is multiplied by this at each decay."},
    {"train.lr_floor", "cosine schedule: the rate at the run's last step."},
    {"train.weight_decay",
     "Decoupled weight decay (AdamW's form; the same rule for sgd); 0: none."},
    {"train.momentum", "sgd only: heavy-ball momentum; 0: none."},
    {"train.clip_norm", "Largest global L2 norm of the gradient, scaled down above it; 0: off."},
    {"train.monitor",
     "What early stopping and best.qmf watch on the validation split: val_loss or val_acc."},
    {"train.patience",
     "Stop after this many epochs without improvement (needs data.validation > 0); 0: off."},
    {"sim.precision", "Arithmetic of the circuit simulator: double, or float for speed."},
    {"sim.shots",
     "Estimate the readout from this many measurements per sample, as a device would, in "
     "evaluation and training (gradients by the parameter shift rule on estimates: much "
     "slower); 0: the exact probabilities."},
    {"sim.seed", "Seed of the shot sampling (sim.shots) and of the trajectories."},
    {"sim.trajectories",
     "Run noisy circuits as this many sampled trajectories per sample (evaluation only; needed "
     "past 12 qubits); 0: exact density matrices."},
    {"noise.preset",
     "Noise of a real device, built from its published figures (docs/NOISE.md); the other "
     "noise.* keys add to it; empty: none."},
    {"noise.depolarizing",
     "Depolarizing probability after every gate: one-qubit after one- and three-qubit gates "
     "(on each qubit), two-qubit after two-qubit gates."},
    {"noise.depolarizing2",
     "Two-qubit depolarizing probability after two-qubit gates, in place of noise.depolarizing "
     "there; 0: noise.depolarizing's."},
    {"noise.amplitude_damping",
     "Amplitude damping gamma (decay of |1> to |0>) after every gate, on each of its qubits."},
    {"noise.phase_damping",
     "Phase damping lambda (coherences times sqrt(1 - lambda)) after every gate, on each of "
     "its qubits."},
    {"noise.bit_flip", "Probability of an X after every gate, on each of its qubits."},
    {"noise.phase_flip", "Probability of a Z after every gate, on each of its qubits."},
    {"noise.readout",
     "Symmetric readout error: the probability that a measured qubit reads flipped."},
    {"noise.readout01",
     "Probability of reading 1 from a 0, in place of noise.readout for that direction; 0: "
     "noise.readout's."},
    {"noise.readout10",
     "Probability of reading 0 from a 1, in place of noise.readout for that direction; 0: "
     "noise.readout's."},
};

// `text` split into lines of at most `width` characters, each prefixed by `indent`.
std::string wrap(std::string_view text, std::string_view indent, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(start, end - start);
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out += fmt::format("{}{}\n", indent, line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (!line.empty()) out += fmt::format("{}{}\n", indent, line);
  return out;
}

constexpr size_t kWidth = 100;

}  // namespace

std::span<const KeyMeaning> config_meanings() { return kMeanings; }

std::string_view config_meaning(std::string_view key) {
  const auto* it = std::find_if(std::begin(kMeanings), std::end(kMeanings),
                                [key](const KeyMeaning& m) { return m.key == key; });
  return it == std::end(kMeanings) ? std::string_view{} : it->meaning;
}

std::string describe_config(const Config& config) {
  const Config defaults;
  std::string out;
  std::string_view section;
  for (const config_detail::Field& f : config_detail::config_fields()) {
    const std::string_view s = config_detail::section_of(f.key);
    if (s != section) {
      out += fmt::format("{}[{}]\n", out.empty() ? "" : "\n", s);
      section = s;
    }
    const std::string value = f.write(config), fallback = f.write(defaults);
    const std::string setting = fmt::format("{} = {}", f.key, value);
    const std::string note =
        value == fallback ? std::string("(default)") : fmt::format("(default {})", fallback);
    // The note goes to the right when both fit on one line, else on the next.
    if (setting.size() + 2 + note.size() <= kWidth) {
      out += fmt::format("{:<{}} {}\n", setting, std::max<size_t>(setting.size() + 1, 48), note);
    } else {
      out += fmt::format("{}\n    {}\n", setting, note);
    }
    out += wrap(config_meaning(f.key), "    ", kWidth);
    out += wrap(fmt::format("Accepts {}.", f.expected), "    ", kWidth);
  }
  return out;
}

std::string commented_toml(const Config& config) {
  const Config defaults;
  std::string out =
      "# A qmf run configuration: every key with its value. Keys left out keep their defaults.\n"
      "# Use it with: qmf train --config FILE (and --set key=value to override a key).\n";
  std::string_view section;
  for (const config_detail::Field& f : config_detail::config_fields()) {
    const std::string_view s = config_detail::section_of(f.key);
    if (s != section) {
      out += fmt::format("\n[{}]\n", s);
      section = s;
    }
    out += wrap(config_meaning(f.key), "# ", kWidth);
    out +=
        wrap(fmt::format("Accepts {}; default {}.", f.expected, f.write(defaults)), "# ", kWidth);
    out += fmt::format("{} = {}\n", config_detail::name_in_section(f.key), f.write(config));
  }
  return out;
}

}  // namespace qmf
