#include "data/views/class_names.h"

#include <algorithm>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/formats/cifar.h"

namespace qmf::data {

const std::vector<std::string>& data_set_class_names(DataSet set) {
  static const std::vector<std::string> digits = numbered_class_names(10);
  static const std::vector<std::string> fashion = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  switch (set) {
    case DataSet::fashion:
      return fashion;
    case DataSet::cifar10:
      return cifar10_class_names();
    case DataSet::mnist:
    case DataSet::fsdd:
      break;
  }
  return digits;
}

std::vector<std::string> numbered_class_names(int classes) {
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(std::max(classes, 0)));
  for (int c = 0; c < classes; ++c) names.push_back(std::to_string(c));
  return names;
}

namespace {

std::string trimmed(const std::string& line) {
  const auto first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = line.find_last_not_of(" \t\r");
  return line.substr(first, last - first + 1);
}

}  // namespace

std::vector<std::string> read_class_names(const std::filesystem::path& file, int largest_label) {
  std::istringstream lines(read_file(file));
  std::vector<std::string> names;
  for (std::string line; std::getline(lines, line);) {
    const std::string name = trimmed(line);
    const size_t line_no = names.size() + 1;
    if (name.empty())
      throw Error(
          fmt::format("{}:{}: empty class name (one name per line, line i naming label "
                      "i - 1)",
                      file.string(), line_no));
    const auto seen = std::find(names.begin(), names.end(), name);
    if (seen != names.end())
      throw Error(fmt::format("{}:{}: class name '{}' is also on line {}", file.string(), line_no,
                              name, seen - names.begin() + 1));
    names.push_back(name);
  }
  if (static_cast<int>(names.size()) <= largest_label)
    throw Error(fmt::format("{}: names {} classes, but the labels go up to {} ({} names needed)",
                            file.string(), names.size(), largest_label, largest_label + 1));
  if (names.size() < 2)
    throw Error(fmt::format("{}: names {} class; classification needs at least 2", file.string(),
                            names.size()));
  return names;
}

std::vector<std::string> keep_class_names(const std::vector<std::string>& names,
                                          const std::vector<int>& keep) {
  if (keep.empty()) return names;
  std::vector<std::string> kept;
  kept.reserve(keep.size());
  for (const int c : keep) kept.push_back(names.at(static_cast<size_t>(c)));
  return kept;
}

}  // namespace qmf::data
