#pragma once
// Where a job's progress goes: stderr as the CLI shows it (a bar on a terminal), or nowhere.
#include <cstdio>
#include <memory>

#include "train/progress.h"

namespace qmf::python {

class ProgressSink {
 public:
  explicit ProgressSink(bool quiet);
  train::Progress& progress() { return *progress_; }

 private:
  struct Close {
    void operator()(std::FILE* f) const {
      if (f) std::fclose(f);
    }
  };
  std::unique_ptr<std::FILE, Close> null_;
  std::unique_ptr<train::Progress> progress_;
};

}  // namespace qmf::python
