// The `qmf` command: options, validation, calls into the library. Exit codes: 0 success,
// 1 runtime failure (bad file, I/O, numerical failure), 2 usage error (bad flag, key or value).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"qmf: train, evaluate, explain and export quantum multimodal fusion networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "qmf 0.1.0");
  qmf::app::register_commands(app);
  // Subcommands run in their callbacks, inside parse(): one handler covers both.
  try {
    app.parse(argc, argv);
    return qmf::app::run_selected(app);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const qmf::UsageError& e) {
    std::fprintf(stderr, "qmf: error: %s\n", e.what());
    return 2;
  } catch (const qmf::Error& e) {
    std::fprintf(stderr, "qmf: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qmf: internal error: %s\n", e.what());
    return 1;
  }
}
