#pragma once
// Generated data and finished runs for the tests of the commands that read a run (eval, explain,
// export, the bad-input pass): dir/data holds the MNIST look-alike, dir/<kind> a one-epoch run
// of each model kind on it, trained in-process with the small test config.
#include <cstddef>
#include <filesystem>
#include <initializer_list>

#include "support/fake_mnist.h"
#include "support/train_support.h"
#include "train/run.h"

namespace qmf::testing {

inline void write_data_and_runs(const std::filesystem::path& dir,
                                std::initializer_list<const char*> kinds, size_t train_count = 400,
                                size_t test_count = 100) {
  write_fake_mnist(dir / "data", train_count, test_count);
  for (const char* kind : kinds) {
    Config c = small_config(dir / "data", 1);
    c.model.kind = kind;
    QuietProgress progress;
    train::train_new(c, dir / kind, progress);
  }
}

// dir/evidential: a one-epoch qmfnn run of the evidential fusion, on dir/data.
inline void write_evidential_run(const std::filesystem::path& dir) {
  Config c = small_config(dir / "data", 1);
  c.model.fusion = Fusion::evidential;
  QuietProgress progress;
  train::train_new(c, dir / "evidential", progress);
}

}  // namespace qmf::testing
