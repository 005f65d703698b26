// `qmf bench`: the simulator's speed, one JSON line: the default QMFNN circuit, or with
// `--circuit layers` the layered circuit on one large register; with --allreduce N (under
// mpirun) how long the ranks take to sum N doubles, as a data-parallel step sums its gradients.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "dist/agreement.h"
#include "dist/sum_timing.h"
#include "model/circuit_bench.h"
#include "sim/circuit.h"
#include "sim/layout.h"

namespace qmf::app {

void add_bench(CLI::App& app) {
  struct Options {
    size_t batch = 64;
    int threads = 0;
    std::string precision = "double";
    double seconds = 1.0;
    std::string isa = "auto";
    std::string layout = "auto";
    std::string circuit = "default";
    int qubits = 20;
    int layers = 10;
    size_t allreduce = 0;
    double depolarizing = 0;
    uint64_t shots = 0;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "bench", "Forward and forward+gradient throughput of the default circuit (JSON line)");
  cmd->add_option("--circuit", opt->circuit,
                  "default (the QMFNN circuit) or layers (RX on every qubit, then a CNOT chain)")
      ->check(CLI::IsMember({"default", "layers"}));
  cmd->add_option("--qubits", opt->qubits, "qubits of the layered circuit")
      ->check(within(2, sim::kMaxQubits));
  cmd->add_option("--layers", opt->layers, "layers of the layered circuit")->check(within(1, 1000));
  cmd->add_option("--batch", opt->batch, "samples per batch (default 64; layers: 1)")
      ->check(within(1, 1 << 16));
  cmd->add_option("--threads", opt->threads, "threads (0 = all cores)")->check(within(0, 1024));
  cmd->add_option("--precision", opt->precision, "double or float")
      ->check(CLI::IsMember({"double", "float"}));
  cmd->add_option("--seconds", opt->seconds, "minimum seconds per measurement")
      ->check(within(0.001, 3600));
  cmd->add_option("--isa", opt->isa, "kernels: auto, scalar, avx2 or avx512");
  cmd->add_option("--layout", opt->layout, "layered circuit's lanes: auto, samples or amplitudes")
      ->check(CLI::IsMember({"auto", "samples", "amplitudes"}));
  cmd->add_option("--depolarizing", opt->depolarizing,
                  "default circuit on density matrices, depolarised with this p after every gate")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--shots", opt->shots,
                  "default circuit's forward with its marginal estimated from this many shots");
  cmd->add_option("--allreduce", opt->allreduce,
                  "time the sum of this many doubles over the ranks of an MPI job instead "
                  "(mpirun -np N qmf bench --allreduce 12688)")
      ->check(within(1, size_t{1} << 28));
  cmd->callback([opt, cmd] {
    if (opt->allreduce > 0) {
      const auto r = dist::time_sums(dist::world(), opt->allreduce);
      const nlohmann::json line{{"allreduce_doubles", r.doubles},
                                {"ranks", r.ranks},
                                {"median_us", r.median_us},
                                {"min_us", r.min_us},
                                {"rounds", r.rounds},
                                {"sums_per_round", r.per_round}};
      if (dist::world().root()) std::printf("%s\n", line.dump().c_str());
      return;
    }
    if (dist::world().size() > 1)
      throw dist::AgreedFailure(
          "error: qmf bench under mpirun times the ranks' sums only (--allreduce N); the "
          "simulator's benchmarks run as one process",
          2);
    if (opt->circuit == "layers") {
      const size_t batch = cmd->count("--batch") ? opt->batch : 1;
      const auto r =
          model::bench_layers(opt->qubits, batch, opt->threads, opt->precision, opt->seconds,
                              opt->isa, opt->layers, sim::parse_lane_layout(opt->layout));
      const nlohmann::json line{{"circuit", "layers"},      {"ms_per_layer", r.ms_per_layer},
                                {"qubits", r.qubits},       {"batch", r.batch},
                                {"layers", r.layers},       {"threads", r.threads},
                                {"precision", r.precision}, {"isa", r.isa},
                                {"layout", r.layout}};
      std::printf("%s\n", line.dump().c_str());
      return;
    }
    const auto r =
        model::bench_default_circuit(opt->batch, opt->threads, opt->precision, opt->seconds,
                                     opt->isa, {opt->depolarizing, opt->shots});
    const nlohmann::json line{{"forward_samples_per_s", r.forward_samples_per_s},
                              {"gradient_samples_per_s", r.gradient_samples_per_s},
                              {"threads", r.threads},
                              {"precision", r.precision},
                              {"isa", r.isa},
                              {"batch", r.batch},
                              {"depolarizing", opt->depolarizing},
                              {"shots", opt->shots}};
    std::printf("%s\n", line.dump().c_str());
  });
}

}  // namespace qmf::app
