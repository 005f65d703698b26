#include "train/run_record.h"

#include <charconv>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/error.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

// The real-valued fields of an epoch row, in the order older checkpoints stored them (after
// the epoch number). NaN is written as null.
struct EpochField {
  const char* name;
  double EpochRow::*member;
};
constexpr EpochField kEpochFields[] = {
    {"train_loss", &EpochRow::train_loss}, {"train_acc", &EpochRow::train_acc},
    {"test_loss", &EpochRow::test_loss},   {"test_acc", &EpochRow::test_acc},
    {"seconds", &EpochRow::seconds},       {"train_seconds", &EpochRow::train_seconds},
    {"val_loss", &EpochRow::val_loss},     {"val_acc", &EpochRow::val_acc}};

nlohmann::json nullable(double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); }
double from_nullable(const nlohmann::json& j) {
  return j.is_null() ? std::nan("") : j.get<double>();
}

EpochRow row_from_json(const nlohmann::json& j) {
  EpochRow r;
  if (j.is_array()) {  // a checkpoint from before the fields were named
    r.epoch = j.at(0).get<int>();
    for (size_t i = 0; i < std::size(kEpochFields); ++i)
      r.*kEpochFields[i].member = from_nullable(j.at(i + 1));
    return r;
  }
  r.epoch = j.at("epoch").get<int>();
  for (const EpochField& f : kEpochFields) r.*f.member = from_nullable(j.at(f.name));
  return r;
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> cols;
  std::stringstream fields(line);
  for (std::string c; std::getline(fields, c, ',');) cols.push_back(c);
  if (!line.empty() && line.back() == ',') cols.emplace_back();  // a last, empty column
  return cols;
}

}  // namespace

nlohmann::json history_json(const std::vector<EpochRow>& rows) {
  auto history = nlohmann::json::array();
  for (const EpochRow& r : rows) {
    nlohmann::json j{{"epoch", r.epoch}};
    for (const EpochField& f : kEpochFields) j[f.name] = nullable(r.*f.member);
    history.push_back(std::move(j));
  }
  return history;
}

std::vector<EpochRow> history_from_json(const nlohmann::json& history, const fs::path& source) {
  std::vector<EpochRow> rows;
  try {
    for (const auto& j : history) rows.push_back(row_from_json(j));
  } catch (const nlohmann::json::exception& e) {
    throw Error(
        fmt::format("{}: checkpoint has no valid training history: {}", source.string(), e.what()));
  }
  return rows;
}

std::string metrics_csv(const std::vector<EpochRow>& rows) {
  std::string s = "epoch,train_loss,train_acc,test_loss,test_acc,seconds,val_loss,val_acc\n";
  for (const auto& r : rows) {
    s += fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f},{:.3f},", r.epoch, r.train_loss, r.train_acc,
                     r.test_loss, r.test_acc, r.seconds);
    s += std::isnan(r.val_acc) ? ",\n" : fmt::format("{:.6f},{:.6f}\n", r.val_loss, r.val_acc);
  }
  return s;
}

std::vector<double> read_metrics_column(const fs::path& file, const std::string& name) {
  std::istringstream csv(read_file(file));
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = split_commas(line);
  const auto column = std::find(header.begin(), header.end(), name);
  if (column == header.end())
    throw Error(fmt::format("{}:1: no {} column in the header", file.string(), name));
  const auto index = static_cast<size_t>(column - header.begin());
  std::vector<double> values;
  for (size_t number = 2; std::getline(csv, line); ++number) {
    const std::vector<std::string> cols = split_commas(line);
    double value = 0;
    const std::string& cell = cols.size() == header.size() ? cols[index] : std::string();
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (cols.size() != header.size() || cell.empty() || ec != std::errc() ||
        end != cell.data() + cell.size() || !std::isfinite(value))
      throw Error(
          fmt::format("{}:{}: malformed row (expected {} columns with a number in "
                      "{}): {}",
                      file.string(), number, header.size(), name, line));
    values.push_back(value);
  }
  if (values.empty()) throw Error(fmt::format("{}: no epoch rows", file.string()));
  return values;
}

nlohmann::json summary_json(const RunSummary& s) {
  return {{"model", s.model},
          {"view", s.view},
          {"epochs", s.epochs},
          {"test_accuracy", s.test_accuracy},
          {"test_loss", s.test_loss},
          {"train_seconds", s.train_seconds},
          {"samples_per_second", s.samples_per_second},
          {"params",
           {{"classical", s.params.classical},
            {"quantum", s.params.quantum},
            {"total", s.params.total}}},
          {"qubits", s.qubits},
          {"seed", s.seed},
          {"threads", s.threads},
          {"ranks", s.ranks},
          {"precision", s.precision},
          {"isa", s.isa},
          {"validation_accuracy", nullable(s.validation_accuracy)},
          {"validation_loss", nullable(s.validation_loss)},
          {"train_samples", s.train_samples},
          {"validation_samples", s.validation_samples},
          {"test_samples", s.test_samples},
          {"structure", s.structure},
          {"qmf_version", s.qmf_version},
          {"commit", s.commit},
          {"class_names", s.class_names},
          {"test_confusion", s.test_confusion}};
}

RunSummary summary_from_json(const nlohmann::json& j, const fs::path& source) {
  RunSummary s;
  try {
    s.model = j.at("model").get<std::string>();
    s.view = j.at("view").get<std::string>();
    s.epochs = j.at("epochs").get<int>();
    s.test_accuracy = j.at("test_accuracy").get<double>();
    s.test_loss = j.at("test_loss").get<double>();
    s.train_seconds = j.at("train_seconds").get<double>();
    s.samples_per_second = j.at("samples_per_second").get<double>();
    s.params = {j.at("params").at("classical").get<size_t>(),
                j.at("params").at("quantum").get<size_t>(),
                j.at("params").at("total").get<size_t>()};
    s.qubits = j.at("qubits").get<int>();
    s.seed = j.at("seed").get<uint64_t>();
    s.threads = j.at("threads").get<int>();
    s.ranks = j.value("ranks", 1);
    s.precision = j.at("precision").get<std::string>();
    s.isa = j.at("isa").get<std::string>();
    s.validation_accuracy = from_nullable(j.at("validation_accuracy"));
    s.validation_loss = from_nullable(j.at("validation_loss"));
    s.train_samples = j.at("train_samples").get<size_t>();
    s.validation_samples = j.at("validation_samples").get<size_t>();
    s.test_samples = j.at("test_samples").get<size_t>();
    s.structure = j.at("structure").get<std::string>();
    s.qmf_version = j.value("qmf_version", std::string("unknown"));
    s.commit = j.value("commit", std::string("unknown"));
    if (j.contains("class_names"))
      s.class_names = j.at("class_names").get<std::vector<std::string>>();
    if (j.contains("test_confusion"))
      s.test_confusion = j.at("test_confusion").get<std::vector<std::vector<int64_t>>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: {}", source.string(), e.what()));
  }
  return s;
}

}  // namespace qmf::train
