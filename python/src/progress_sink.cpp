#include "progress_sink.h"

#include "core/error.h"

namespace qmf::python {

ProgressSink::ProgressSink(bool quiet) {
  if (quiet) {
    null_.reset(std::fopen("/dev/null", "w"));
    if (!null_) throw Error("cannot open /dev/null for quiet progress");
  }
  progress_ = std::make_unique<train::Progress>(quiet ? null_.get() : stderr);
}

}  // namespace qmf::python
