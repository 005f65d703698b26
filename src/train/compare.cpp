#include "train/compare.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <toml++/toml.h>

#include <cerrno>
#include <cstring>

#include <cmath>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "train/run.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

// "key=value" with the value in TOML syntax, so apply_override reads it back exactly.
std::string assignment(const std::string& key, const toml::node& value) {
  std::ostringstream text;
  value.visit([&](const auto& v) { text << v; });
  return key + "=" + text.str();
}

std::vector<std::string> overrides_of(const toml::table& table, const std::string& where) {
  std::vector<std::string> out;
  for (const auto& [key, value] : table) {
    if (value.is_table())
      throw UsageError(
          fmt::format("{}: '{}' must be a value; write dotted keys in quotes, e.g. "
                      "\"train.epochs\" = 3",
                      where, key.str()));
    out.push_back(assignment(std::string(key.str()), value));
  }
  return out;
}

std::string where(const std::string& file, const toml::source_region& r) {
  return fmt::format("{}:{}:{}", file, r.begin.line, r.begin.column);
}

StudyModel read_model(const toml::node& node, const std::string& file) {
  const toml::table* t = node.as_table();
  if (!t)
    throw UsageError(
        fmt::format("{}: each [[models]] entry must be a table", where(file, node.source())));
  StudyModel m;
  for (const auto& [key, value] : *t) {
    if (key == "name" && value.is_string())
      m.name = value.as_string()->get();
    else if (key == "set" && value.is_table())
      m.overrides = overrides_of(*value.as_table(), where(file, value.source()));
    else
      throw UsageError(
          fmt::format("{}: models.{}: unknown or mistyped key (allowed: name = "
                      "\"...\", set = {{ ... }})",
                      where(file, value.source()), key.str()));
  }
  if (m.name.empty() || m.name.find_first_of("/ \t") != std::string::npos)
    throw UsageError(fmt::format("{}: every model needs a name without spaces or '/'",
                                 where(file, t->source())));
  return m;
}

double field(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : std::nan("");
}

StudyRun collect(const fs::path& run, const StudyModel& m, uint64_t seed) {
  const auto s = nlohmann::json::parse(read_file(run / "summary.json"));
  StudyRun r{m.name, s.at("model").get<std::string>(), seed};
  r.classical = s.at("params").at("classical").get<size_t>();
  r.quantum = s.at("params").at("quantum").get<size_t>();
  r.total = s.at("params").at("total").get<size_t>();
  r.val_acc = field(s, "validation_accuracy");
  r.seconds = s.at("train_seconds").get<double>();
  r.epochs = s.at("epochs").get<int>();
  std::istringstream csv(read_file(run / "metrics.csv"));
  std::string line;
  std::getline(csv, line);  // header
  while (std::getline(csv, line)) {
    std::vector<std::string> cols;
    std::stringstream fields(line);
    for (std::string c; std::getline(fields, c, ',');) cols.push_back(c);
    if (cols.size() >= 5) r.test_acc.push_back(std::stod(cols[4]));
  }
  return r;
}

// One `qmf compare` per study directory: a second one would restart the first one's runs.
// The kernel releases the lock when the process ends, however it ends.
class StudyLock {
 public:
  explicit StudyLock(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
      throw Error(
          fmt::format("{}: cannot create the study directory: {}", dir.string(), ec.message()));
    const fs::path file = dir / ".lock";
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw Error(fmt::format("{}: cannot open: {}", file.string(), std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(
          fmt::format("{}: another qmf compare is running on this study directory", dir.string()));
    }
  }
  ~StudyLock() { ::close(fd_); }
  StudyLock(const StudyLock&) = delete;
  StudyLock& operator=(const StudyLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace

Study load_study(const fs::path& file) { return parse_study(read_file(file), file.string()); }

Study parse_study(std::string_view toml_text, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, name);
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}: {}", where(name, e.source()), e.description()));
  }
  Study study;
  for (const auto& [key, value] : root) {
    if (key == "seeds" && value.is_array()) {
      for (const auto& s : *value.as_array()) {
        if (!s.is_integer() || s.as_integer()->get() < 0)
          throw UsageError(
              fmt::format("{}: seeds: non-negative integers only", where(name, s.source())));
        study.seeds.push_back(static_cast<uint64_t>(s.as_integer()->get()));
      }
    } else if (key == "base" && value.is_table()) {
      study.base = overrides_of(*value.as_table(), where(name, value.source()));
    } else if (key == "models" && value.is_array()) {
      for (const auto& m : *value.as_array()) study.models.push_back(read_model(m, name));
    } else {
      throw UsageError(
          fmt::format("{}: unknown or mistyped key '{}' (allowed: seeds = [...], "
                      "[base], [[models]])",
                      where(name, value.source()), key.str()));
    }
  }
  if (study.seeds.empty()) throw UsageError(fmt::format("{}: seeds: at least one seed", name));
  if (study.models.empty()) throw UsageError(fmt::format("{}: at least one [[models]]", name));
  std::set<std::string> names;
  for (const auto& m : study.models)
    if (!names.insert(m.name).second)
      throw UsageError(fmt::format("{}: model name '{}' used twice", name, m.name));
  // Validate every override now, not an hour into the study.
  for (const auto& m : study.models) study_config(study, {}, m, study.seeds.front());
  return study;
}

Config study_config(const Study& study, const std::vector<std::string>& extra,
                    const StudyModel& model, uint64_t seed) {
  Config c;
  for (const auto& o : study.base) apply_override(c, o);
  for (const auto& o : extra) apply_override(c, o);
  for (const auto& o : model.overrides) apply_override(c, o);
  c.train.seed = seed;
  validate(c);
  return c;
}

// A rerun resumes the study: a run already there must be the run the study now asks for, or
// its results would be reported under settings they were not trained with.
void check_same_run(const fs::path& run, const Config& wanted) {
  std::error_code ec;
  if (!fs::exists(run / "config.toml", ec)) return;
  // Threads and checkpoint frequency change how a run is computed, not what it is.
  constexpr std::string_view kHow[] = {"train.threads", "train.checkpoint_every"};
  const std::vector<std::string> diff =
      config_differences(load_config(run / "config.toml"), wanted, kHow);
  if (diff.empty()) return;
  throw UsageError(fmt::format(
      "{} was trained with other settings than the study now asks for ({}; the run's value "
      "first); give a new --out, or delete that run to train it again",
      run.string(), fmt::join(diff, ", ")));
}

std::vector<StudyRun> run_study(const Study& study, const std::vector<std::string>& extra,
                                const fs::path& dir, Progress& progress) {
  const StudyLock lock(dir);
  std::vector<StudyRun> runs;
  const size_t total = study.models.size() * study.seeds.size();
  size_t index = 0;
  for (const auto& m : study.models)
    for (uint64_t seed : study.seeds) {
      ++index;
      const Config c = study_config(study, extra, m, seed);
      const fs::path run = dir / "runs" / fmt::format("{}-s{}", m.name, seed);
      check_same_run(run, c);
      std::error_code ec;
      if (!fs::exists(run / "summary.json", ec)) {
        progress.finish(fmt::format("[{}/{}] {} seed {}", index, total, m.name, seed));
        if (fs::exists(run / "checkpoint.qmf", ec)) {
          train_resume(run, {}, progress);
        } else {
          fs::remove_all(run, ec);  // a run stopped before its first checkpoint
          train_new(c, run, progress);
        }
      }
      runs.push_back(collect(run, m, seed));
    }
  return runs;
}

}  // namespace qmf::train
