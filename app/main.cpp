// The `qmf` command: options, validation, calls into the library. Exit codes: 0 success,
// 1 runtime failure (bad file, I/O, numerical failure), 2 usage error (bad flag, key or value).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <new>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <string_view>
#include <vector>

#include "commands.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/version.h"
#include "sim/parallel.h"
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

}  // namespace

int main(int argc, char** argv) {
  qmf::sim::reexec_with_passive_waiting(argv);
  CLI::App app{"qmf: train, evaluate, explain and export quantum multimodal fusion networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", qmf::version_line());
  qmf::app::register_commands(app);
  // Subcommands run in their callbacks, inside parse(): one handler covers both.
  try {
    check_command_words(app, argc, argv);
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const qmf::Interrupted& e) {
    std::fprintf(stderr, "qmf: %s\n", e.what());
    return e.exit_code();  // 130 for SIGINT, 143 for SIGTERM, as a shell reports them
  } catch (const qmf::UsageError& e) {
    std::fprintf(stderr, "qmf: error: %s\n", e.what());
    return 2;
  } catch (const qmf::Error& e) {
    std::fprintf(stderr, "qmf: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr,
                 "qmf: error: out of memory: the model or the data does not fit (lower "
                 "model.hidden, model.ffn_hidden, model.k, train.batch or train.threads, or use "
                 "data.train_limit)\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qmf: internal error: %s\n", e.what());
    return 1;
  }
}
