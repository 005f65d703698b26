#include "data/fetch/cifar_png.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/formats/cifar.h"

namespace qmf::data {

std::vector<int> read_label_json(const std::filesystem::path& file) {
  const nlohmann::json json = nlohmann::json::parse(read_file(file), nullptr, false);
  if (json.is_discarded()) throw Error(fmt::format("{}: not valid JSON", file.string()));
  if (!json.is_array() || json.empty()) {
    throw Error(fmt::format("{}: expected a non-empty JSON array of labels", file.string()));
  }
  std::vector<int> labels;
  labels.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const nlohmann::json& v = json[i];
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() >= kCifarClasses) {
      throw Error(fmt::format("{}: entry {} ({}) is not a label in [0, {}]", file.string(), i,
                              v.dump(), kCifarClasses - 1));
    }
    labels.push_back(v.get<int>());
  }
  return labels;
}

std::vector<uint8_t> cifar_records_from_sheet(const RgbImage& sheet, std::span<const int> labels,
                                              const std::string& name) {
  constexpr size_t kPlane = kCifarSide * kCifarSide;
  if (sheet.width != kPlane) {
    throw Error(
        fmt::format("{}: {} pixels wide; a CIFAR-10 sheet has one 32x32 image ({} pixels) "
                    "per row",
                    name, sheet.width, kPlane));
  }
  if (sheet.height != labels.size()) {
    throw Error(fmt::format("{}: {} images but {} labels", name, sheet.height, labels.size()));
  }
  std::vector<uint8_t> records(sheet.height * kCifarRecord);
  for (size_t i = 0; i < sheet.height; ++i) {
    uint8_t* record = records.data() + i * kCifarRecord;
    record[0] = static_cast<uint8_t>(labels[i]);
    const uint8_t* row = sheet.rgb.data() + i * kPlane * kCifarChannels;
    for (size_t p = 0; p < kPlane; ++p) {
      for (size_t c = 0; c < kCifarChannels; ++c) record[1 + c * kPlane + p] = row[3 * p + c];
    }
  }
  return records;
}

}  // namespace qmf::data
