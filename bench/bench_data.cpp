// Loading the real datasets from the data directory (fetched beforehand with `qmf data fetch`).
// Reports an error, rather than fetching, when the files are not there.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "data/fetch/fetch.h"
#include "data/formats/cifar.h"
#include "data/views/fsdd.h"
#include "data/views/views.h"

namespace qmf::bench {
namespace {

namespace fs = std::filesystem;

bool have(benchmark::State& state, const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) return true;
  state.SkipWithError(("missing " + path.string() + " (run `qmf data fetch` first)").c_str());
  return false;
}

// All 60,000 CIFAR-10 images: the five training batches and the test batch.
void BM_LoadCifar10(benchmark::State& state) {
  const fs::path dir = data::default_data_dir() / "cifar10";
  if (!have(state, dir)) return;
  size_t images = 0;
  for (auto _ : state) {
    images =
        data::read_cifar10(dir, true).images.count + data::read_cifar10(dir, false).images.count;
    benchmark::DoNotOptimize(images);
  }
  state.counters["images"] = static_cast<double>(images);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * images));
}
BENCHMARK(BM_LoadCifar10)->Unit(benchmark::kMillisecond);

// The same files as features of a view: reading, cutting into modalities, scaling.
void BM_LoadCifarView(benchmark::State& state) {
  const fs::path dir = data::default_data_dir();
  if (!have(state, dir / "cifar10")) return;
  data::ViewOptions options;
  options.dir = dir;
  options.view = state.range(0) == 0 ? "cifar10/split-h2" : "cifar10/gray+color";
  for (auto _ : state) benchmark::DoNotOptimize(data::load_view(options).train.size());
  state.SetLabel(options.view);
}
BENCHMARK(BM_LoadCifarView)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The 3,000 spoken-digit recordings: unpacking, WAV decoding and spectrograms.
void BM_LoadFsdd(benchmark::State& state) {
  const char* env = std::getenv("QMF_FSDD");
  const fs::path archive = env != nullptr ? fs::path(env)
                                          : fs::path(QMF_SOURCE_DIR) / ".." / "shared" / "data" /
                                                "fsdd" / "fsdd_recordings.tar.gz";
  if (!have(state, archive)) return;
  for (auto _ : state) benchmark::DoNotOptimize(data::load_fsdd(archive).train.size());
}
BENCHMARK(BM_LoadFsdd)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qmf::bench
