// `qmf bench`: the simulator's speed on the default QMFNN circuit, one JSON line.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "model/circuit_bench.h"

namespace qmf::app {

void add_bench(CLI::App& app) {
  struct Options {
    size_t batch = 64;
    int threads = 0;
    std::string precision = "double";
    double seconds = 1.0;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Forward and forward+gradient throughput of the default circuit (JSON line)");
  cmd->add_option("--batch", opt->batch, "samples per batch")->check(within(1, 1 << 16));
  cmd->add_option("--threads", opt->threads, "threads (0 = all cores)")->check(within(0, 1024));
  cmd->add_option("--precision", opt->precision, "double or float")
      ->check(CLI::IsMember({"double", "float"}));
  cmd->add_option("--seconds", opt->seconds, "minimum seconds per measurement")
      ->check(within(0.001, 3600));
  cmd->callback([opt] {
    const auto r =
        model::bench_default_circuit(opt->batch, opt->threads, opt->precision, opt->seconds);
    const nlohmann::json line{{"forward_samples_per_s", r.forward_samples_per_s},
                              {"gradient_samples_per_s", r.gradient_samples_per_s},
                              {"threads", r.threads},
                              {"precision", r.precision},
                              {"isa", r.isa},
                              {"batch", r.batch}};
    std::printf("%s\n", line.dump().c_str());
  });
}

}  // namespace qmf::app
