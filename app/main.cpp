// The `qmf` command: options, validation, calls into the library. Exit codes: 0 success,
// 1 runtime failure (bad file, I/O, numerical failure), 2 usage error (bad flag, key or value).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "core/error.h"
#include "core/failure.h"
#include "core/parallel.h"
#include "core/version.h"
#include "dist/agreement.h"
#include "dist/launch.h"
#include "train/config_suggest.h"

namespace {

// CLI11 reports a mistyped command ("qmf trian") as a missing one; name it and suggest the
// nearest. Walks the leading words of the command line down the tree of subcommands.
void check_command_words(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word.empty() || word.front() == '-') return;
    const std::vector<CLI::App*> subs = at->get_subcommands({});
    if (subs.empty()) return;
    std::vector<std::string_view> names;
    for (CLI::App* sub : subs) {
      if (sub->check_name(std::string(word))) {
        at = sub;
        names.clear();
        break;
      }
      names.push_back(sub->get_name());
    }
    if (names.empty()) continue;
    const auto near = qmf::config_detail::closest_name(word, names);
    throw qmf::UsageError(fmt::format("unknown command '{}'{}; the commands{} are {}", word,
                                      near ? fmt::format(" (did you mean '{}'?)", *near) : "",
                                      at == &app ? "" : " of " + at->get_name(),
                                      fmt::join(names, ", ")));
  }
}

// Under mpirun, train and compare work as one job over the ranks (and bench --allreduce times
// their sums); any other command would run once per rank, each writing the same files.
void refuse_commands_of_one_process(const CLI::App& app) {
  const qmf::dist::Communicator& world = qmf::dist::world();
  if (world.size() == 1) return;
  for (const CLI::App* sub : app.get_subcommands()) {
    const std::string& name = sub->get_name();
    if (name == "train" || name == "compare" || name == "bench") continue;
    throw qmf::dist::AgreedFailure(
        fmt::format("error: qmf {} runs as one process, but mpirun started it as {} ranks; run "
                    "it without mpirun (under mpirun: train, compare and bench --allreduce)",
                    name, world.size()),
        2);
  }
}

// Reports how the command failed and returns its exit code. In a job of several processes
// (dist/agreement.h) rank 0 alone reports a failure all ranks share; a failure of one rank is
// reported naming it and ends the whole job, so no rank waits for it forever.
int report(const qmf::Failure& f, bool agreed) {
  const qmf::dist::Communicator& world = qmf::dist::world();
  if (world.size() == 1 || (agreed && world.root())) {
    std::fprintf(stderr, "qmf: %s\n", f.text.c_str());
  } else if (!agreed) {
    std::fprintf(stderr, "qmf: %s\n",
                 qmf::dist::with_rank(f.text, world.rank(), world.size()).c_str());
    std::fflush(stderr);
    world.abort(f.code);
  }
  return f.code;
}

}  // namespace

int main(int argc, char** argv) {
  qmf::reexec_with_passive_waiting(argv);
  CLI::App app{"qmf: train, evaluate, explain and export quantum multimodal fusion networks"};
  app.require_subcommand(1);
  app.set_version_flag(
      "--version",
      qmf::version_line() + (qmf::dist::built_with_mpi() ? ", with MPI" : ", without MPI"));
  qmf::app::register_commands(app);
  app.parse_complete_callback([&app] { refuse_commands_of_one_process(app); });
  std::optional<qmf::dist::Launch> launch;
  // Subcommands run in their callbacks, inside parse(): one handler covers both.
  try {
    launch.emplace();
    check_command_words(app, argc, argv);
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::ParseError& e) {
    // Every rank parses the same command line: rank 0 alone prints the help or the error.
    if (!qmf::dist::world().root()) return e.get_exit_code() == 0 ? 0 : 2;
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const qmf::dist::AgreedFailure& e) {
    return report({e.what(), e.code()}, true);
  } catch (...) {
    return report(qmf::failure_of(std::current_exception()), false);
  }
}
