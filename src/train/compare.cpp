#include "train/compare.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/run_lock.h"
#include "dist/agreement.h"
#include "train/run.h"
#include "train/run_record.h"

namespace qmf::train {
namespace {

namespace fs = std::filesystem;

// "key=value" with the value in TOML syntax, so apply_override reads it back exactly.
std::string assignment(const std::string& key, const toml::node& value) {
  std::ostringstream text;
  value.visit([&](const auto& v) { text << v; });
  return key + "=" + text.str();
}

// The seeds of a study are its `seeds` list: a train.seed anywhere else would be silently
// replaced by them.
void refuse_seed(std::string_view key, const std::string& where) {
  if (key == "train.seed")
    throw UsageError(
        fmt::format("{}: train.seed: the seeds of a study come from `seeds = [...]` "
                    "in the study file; remove it",
                    where));
}

std::string where(const std::string& file, const toml::source_region& r) {
  return fmt::format("{}:{}:{}", file, r.begin.line, r.begin.column);
}

// The table's "key=value" assignments, each checked here, where its file and line are known
// (study_config applies them again later, on top of one another).
std::vector<std::string> overrides_of(const toml::table& table, const std::string& file) {
  std::vector<std::string> out;
  Config scratch;
  for (const auto& [key, value] : table) {
    const std::string at = where(file, value.source());
    refuse_seed(key.str(), at);
    if (value.is_table())
      throw UsageError(
          fmt::format("{}: '{}' must be a value; write dotted keys in quotes, e.g. "
                      "\"train.epochs\" = 3",
                      at, key.str()));
    out.push_back(assignment(std::string(key.str()), value));
    apply_override(scratch, out.back(), at);
  }
  return out;
}

bool printable(char ch) { return ch > 0x20 && ch < 0x7f; }

// A byte as the user can read it in a message, whatever it is.
std::string shown(char ch) {
  return printable(ch) ? fmt::format("'{}'", ch)
                       : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(ch));
}

// A name in a message: its unprintable bytes as \xNN, so a newline cannot split the message.
std::string shown(const std::string& name) {
  std::string out;
  for (char ch : name)
    out += printable(ch) ? std::string(1, ch)
                         : fmt::format("\\x{:02x}", static_cast<unsigned char>(ch));
  return out;
}

// Model names become directory names (runs/<name>-s<seed>) and cells of compare.csv, so only
// characters that are safe in both, in any shell or spreadsheet that later reads them.
void check_model_name(const std::string& name, const std::string& where) {
  constexpr size_t kMaxName = 64;
  const auto refuse = [&](const std::string& why) {
    throw UsageError(
        fmt::format("{}: model name \"{}\": {}; use letters, digits and - _ . + "
                    "(at most {} bytes, not starting with '.' or '-')",
                    where, shown(name), why, kMaxName));
  };
  if (name.empty()) refuse("every model needs a name");
  if (name.size() > kMaxName) refuse(fmt::format("{} bytes is too long", name.size()));
  for (char ch : name) {
    const bool allowed = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                         (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' ||
                         ch == '+';
    if (!allowed) refuse(fmt::format("{} is not allowed", shown(ch)));
  }
  if (name.front() == '.' || name.front() == '-')
    refuse(fmt::format("it starts with '{}'", name.front()));
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
      m.overrides = overrides_of(*value.as_table(), file);
    else
      throw UsageError(
          fmt::format("{}: models.{}: unknown or mistyped key (allowed: name = "
                      "\"...\", set = {{ ... }})",
                      where(file, value.source()), key.str()));
  }
  check_model_name(m.name, where(file, t->source()));
  return m;
}

StudyRun collect(const fs::path& run, const StudyModel& m, uint64_t seed) {
  const fs::path file = run / "summary.json";
  RunSummary s;
  try {
    s = summary_from_json(nlohmann::json::parse(read_file(file)), file);
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: {}", file.string(), e.what()));
  }
  return {.model = m.name,
          .family = s.model,
          .seed = seed,
          .classical = s.params.classical,
          .quantum = s.params.quantum,
          .total = s.params.total,
          .test_acc = read_metrics_column(run / "metrics.csv", "test_acc"),
          .val_acc = s.validation_accuracy,
          .seconds = s.train_seconds,
          .epochs = s.epochs};
}

// The study directory, created if new: its lock (core/run_lock.h) lets one `qmf compare` in
// at a time, since a second one would restart the first one's runs.
DirLock lock_study_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw Error(
        fmt::format("{}: cannot create the study directory: {}", dir.string(), ec.message()));
  return DirLock(dir);
}

// --- The study directory: new, empty, or claimed by this study (its marker file).

constexpr const char* kMarker = ".qmf-study";
constexpr std::string_view kMarkerHeader = "qmf compare study of\n";

std::string marker_text(const Study& study) {
  return std::string(kMarkerHeader) + study.source + "\n";
}

// Refuses a directory that is not the study's own, before anything is written into it.
void check_study_dir(const fs::path& dir, const Study& study) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec))
    throw UsageError(fmt::format("--out {}: not a directory", dir.string()));
  if (fs::exists(dir / kMarker, ec)) {
    const std::string text = read_file(dir / kMarker);
    if (text == marker_text(study)) return;
    std::string owner = text.starts_with(kMarkerHeader) ? text.substr(kMarkerHeader.size()) : text;
    if (!owner.empty() && owner.back() == '\n') owner.pop_back();
    throw UsageError(fmt::format(
        "--out {}: the directory holds the study of {}, not of {}; give another --out (run "
        "that study again to resume it)",
        dir.string(), owner, study.source));
  }
  // Before markers, every qmf compare locked its directory with a file .lock: a directory with
  // one is a study of an earlier qmf, whose runs are still checked one by one on resume.
  if (fs::exists(dir / ".lock", ec)) return;
  // Only what a compare killed while claiming the directory leaves there: temporaries.
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (is_atomic_temporary(p) || p.filename() == DirLock::kFileName) continue;
    throw UsageError(fmt::format(
        "--out {}: the directory holds files that are not this study's (e.g. {}); a study "
        "needs a directory of its own (new, empty, or one it made before)",
        dir.string(), p.filename().string()));
  }
}

// Under the lock: checks again (another compare may have claimed it meanwhile), then marks it
// as this study's and removes the temporaries of a compare that was killed.
void claim_study_dir(const fs::path& dir, const Study& study) {
  check_study_dir(dir, study);
  std::error_code ec;
  if (!fs::exists(dir / kMarker, ec)) write_file_atomic(dir / kMarker, marker_text(study));
  for (const auto& entry : fs::directory_iterator(dir))
    if (is_stale_temporary(entry.path())) fs::remove(entry.path(), ec);
}

}  // namespace

Study load_study(const fs::path& file) {
  Study study = parse_study(read_file(file), file.string());
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(file), ec);
  study.source = ec ? fs::absolute(file).string() : absolute.string();
  return study;
}

Study parse_study(std::string_view toml_text, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, name);
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}: {}", where(name, e.source()), e.description()));
  }
  Study study;
  study.source = name;
  for (const auto& [key, value] : root) {
    if (key == "seeds" && value.is_array()) {
      for (const auto& s : *value.as_array()) {
        if (!s.is_integer() || s.as_integer()->get() < 0)
          throw UsageError(
              fmt::format("{}: seeds: non-negative integers only", where(name, s.source())));
        const auto seed = static_cast<uint64_t>(s.as_integer()->get());
        if (std::find(study.seeds.begin(), study.seeds.end(), seed) != study.seeds.end())
          throw UsageError(fmt::format(
              "{}: seeds: {} is listed twice (its run would count twice in the mean and spread)",
              where(name, s.source()), seed));
        study.seeds.push_back(seed);
      }
    } else if (key == "base" && value.is_table()) {
      study.base = overrides_of(*value.as_table(), name);
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
  check_study(study, {});
  return study;
}

void check_study(const Study& study, const std::vector<std::string>& extra) {
  for (const auto& o : extra) refuse_seed(override_key(o), fmt::format("--set {}", quote_value(o)));
  // Every override now, not an hour into the study.
  std::vector<Config> configs;
  for (const auto& m : study.models)
    configs.push_back(study_config(study, extra, m, study.seeds.front()));
  for (size_t i = 1; i < configs.size(); ++i)
    if (configs[i].data.view != configs[0].data.view)
      throw UsageError(fmt::format(
          "{}: models '{}' (data.view = {}) and '{}' (data.view = {}) are on different data "
          "views; a study compares models on one view: set data.view in [base] or with --set",
          study.source, study.models[0].name, configs[0].data.view, study.models[i].name,
          configs[i].data.view));
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

fs::path study_run_dir(const fs::path& dir, const std::string& model, uint64_t seed) {
  return dir / "runs" / fmt::format("{}-s{}", model, seed);
}

namespace {

// The study's runs in study order: models, then seeds.
struct RunSlot {
  const StudyModel* model;
  uint64_t seed;
};

std::vector<RunSlot> slots_of(const Study& study) {
  std::vector<RunSlot> slots;
  for (const auto& m : study.models)
    for (uint64_t seed : study.seeds) slots.push_back({&m, seed});
  return slots;
}

// Rank 0's part: claims the directory and checks every run already there against the study,
// before any rank trains; returns the positions of the runs left to train.
std::vector<size_t> runs_left(const Study& study, const std::vector<std::string>& extra,
                              const fs::path& dir, std::optional<DirLock>& lock) {
  check_study(study, extra);
  check_study_dir(dir, study);  // before the lock: a refused directory gets no lock file
  lock.emplace(lock_study_dir(dir));
  claim_study_dir(dir, study);
  std::vector<size_t> left;
  const std::vector<RunSlot> slots = slots_of(study);
  for (size_t i = 0; i < slots.size(); ++i) {
    const fs::path run = study_run_dir(dir, slots[i].model->name, slots[i].seed);
    check_same_run(run, study_config(study, extra, *slots[i].model, slots[i].seed));
    std::error_code ec;
    if (!fs::exists(run / "summary.json", ec)) left.push_back(i);
  }
  return left;
}

// Rank 0's list on every rank.
std::vector<size_t> same_list_everywhere(const std::vector<size_t>& list,
                                         const dist::Communicator& ranks) {
  if (ranks.size() == 1) return list;
  std::string text;
  for (size_t i : list) text += fmt::format("{} ", i);
  ranks.broadcast(text);
  std::vector<size_t> out;
  std::istringstream in(text);
  for (size_t i = 0; in >> i;) out.push_back(i);
  return out;
}

// One run of the study, trained by this process alone: resumed from its checkpoint, or new.
void train_study_run(const Config& c, const fs::path& run, Progress& progress) {
  std::error_code ec;
  if (fs::exists(run / "checkpoint.qmf", ec)) {
    train_resume(run, {}, progress);
  } else {
    fs::remove_all(run, ec);  // a run stopped before its first checkpoint
    train_new(c, run, progress);
  }
}

}  // namespace

std::vector<StudyRun> run_study(const Study& study, const std::vector<std::string>& extra,
                                const fs::path& dir, Progress& progress,
                                const dist::Communicator& ranks) {
  std::optional<DirLock> lock;  // rank 0's, for the whole study
  std::vector<size_t> left;
  dist::agree(
      ranks, [&] { left = runs_left(study, extra, dir, lock); }, /*root_only=*/true);
  left = same_list_everywhere(left, ranks);
  const std::vector<RunSlot> slots = slots_of(study);
  // The runs left are dealt out in turn, the k-th to rank k mod N: each run is one rank's, so
  // its results are those a sequential study computes.
  for (size_t k = static_cast<size_t>(ranks.rank()); k < left.size();
       k += static_cast<size_t>(ranks.size())) {
    const RunSlot& slot = slots[left[k]];
    progress.finish(
        fmt::format("[{}/{}] {} seed {}", left[k] + 1, slots.size(), slot.model->name, slot.seed));
    train_study_run(study_config(study, extra, *slot.model, slot.seed),
                    study_run_dir(dir, slot.model->name, slot.seed), progress);
  }
  ranks.wait_for_all();  // every rank's runs are finished
  std::vector<StudyRun> runs;
  if (!ranks.root()) return runs;
  for (const RunSlot& slot : slots)
    runs.push_back(
        collect(study_run_dir(dir, slot.model->name, slot.seed), *slot.model, slot.seed));
  return runs;
}

}  // namespace qmf::train
