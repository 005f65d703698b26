#pragma once
#include <CLI/CLI.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "train/config.h"

namespace qmf::app {

// Each command file adds its subcommand and a callback, which CLI11 runs inside parse().
void register_commands(CLI::App& app);

// A numeric flag's check: a finite number in [lo, hi]. CLI11's own range checks let NaN through
// and print their bounds in full (1.8e308 as 300 digits).
inline CLI::Validator within(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value))
          return fmt::format("'{}' is not a number", text);
        if (!std::isfinite(value) || value < lo || value > hi) {
          return fmt::format("must be a number in [{}, {}], got {}", lo, hi, text);
        }
        return {};
      },
      fmt::format("in [{}, {}]", lo, hi));
}

// --checkpoint last|best, for the commands that load a trained run (train::CheckpointChoice).
inline void add_checkpoint_option(CLI::App* cmd, std::string& choice) {
  cmd->add_option("--checkpoint", choice,
                  "which checkpoint: last (checkpoint.qmf, default) or best (best.qmf, the epoch "
                  "best on the validation split)")
      ->check(CLI::IsMember({"last", "best"}));
}

void add_bench(CLI::App& app);
void add_compare(CLI::App& app);
void add_config(CLI::App& app);
void add_data(CLI::App& app);
void add_eval(CLI::App& app);
void add_explain(CLI::App& app);
void add_export(CLI::App& app);
void add_predict(CLI::App& app);
void add_train(CLI::App& app);

// `qmf config`'s listing (format "text") or commented TOML (format "toml") on stdout.
void print_config(const Config& config, const std::string& format);

}  // namespace qmf::app
