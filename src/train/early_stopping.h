#pragma once
// The best epoch on the validation split, and early stopping on it. A pure record of the epochs
// seen so far: a checkpoint stores it (extra JSON "validation_best"), so a resumed run carries on
// with the same best value and patience count. It also says which epoch best.qmf holds.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/options.h"
#include "train/run_record.h"

namespace qmf::train {

// train.monitor: what "better" means on the validation split.
enum class Monitor { val_loss, val_acc };
inline constexpr Spelling<Monitor> kMonitors[] = {{Monitor::val_loss, "val_loss"},
                                                  {Monitor::val_acc, "val_acc"}};
constexpr std::span<const Spelling<Monitor>> spellings(Monitor) { return kMonitors; }

struct ValidationBest {
  int epoch = 0;         // the best epoch so far; 0: none yet
  double value = 0;      // its monitored value
  int epochs_since = 0;  // epochs since it without an improvement
  int stopped_at = 0;    // the epoch early stopping ended the run after; 0: it has not
  bool operator==(const ValidationBest&) const = default;
};

// Takes the finished epoch `row` into account; true when it is the new best. Improvement is
// strict: a lower val_loss, or a higher val_acc, than the best so far (the first epoch always).
bool observe(ValidationBest& best, Monitor monitor, const EpochRow& row);

// With patience P > 0: true once P epochs in a row have not improved on the best.
bool patience_exhausted(const ValidationBest& best, int patience);

nlohmann::json to_json(const ValidationBest& best);
// Throws qmf::Error naming `source` when malformed.
ValidationBest validation_best_from_json(const nlohmann::json& j,
                                         const std::filesystem::path& source);

}  // namespace qmf::train
