#include "train/early_stopping.h"

#include <fmt/format.h>

#include "core/error.h"

namespace qmf::train {

bool observe(ValidationBest& best, Monitor monitor, const EpochRow& row) {
  const double value = monitor == Monitor::val_loss ? row.val_loss : row.val_acc;
  const bool better =
      best.epoch == 0 || (monitor == Monitor::val_loss ? value < best.value : value > best.value);
  if (better) {
    best.epoch = row.epoch;
    best.value = value;
    best.epochs_since = 0;
  } else {
    ++best.epochs_since;
  }
  return better;
}

bool patience_exhausted(const ValidationBest& best, int patience) {
  return patience > 0 && best.epoch > 0 && best.epochs_since >= patience;
}

nlohmann::json to_json(const ValidationBest& best) {
  return {{"epoch", best.epoch},
          {"value", best.value},
          {"epochs_since", best.epochs_since},
          {"stopped_at", best.stopped_at}};
}

ValidationBest validation_best_from_json(const nlohmann::json& j,
                                         const std::filesystem::path& source) {
  try {
    return {.epoch = j.at("epoch").get<int>(),
            .value = j.at("value").get<double>(),
            .epochs_since = j.at("epochs_since").get<int>(),
            .stopped_at = j.at("stopped_at").get<int>()};
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: the validation record (\"validation_best\") is malformed: {}",
                            source.string(), e.what()));
  }
}

}  // namespace qmf::train
