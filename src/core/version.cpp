#include "core/version.h"

#include "qmf_build_info.h"

namespace qmf {

const std::string& version() {
  static const std::string v = QMF_BUILD_VERSION;
  return v;
}

const std::string& build_commit() {
  static const std::string c = QMF_BUILD_COMMIT;
  return c;
}

std::string version_line() { return "qmf " + version() + " (commit " + build_commit() + ")"; }

}  // namespace qmf
