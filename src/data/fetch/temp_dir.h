#pragma once
// A fresh private directory, removed with everything in it when the object goes out of scope:
// downloads and test fixtures never leave litter behind. A process killed before the destructor
// runs does leave its directory; the kind made under a directory of our choosing carries the
// pid in its name, so the next process can tell it is abandoned and remove it.
#include <filesystem>
#include <string>

namespace qmf::data {

class TempDir {
 public:
  // prefix names the directory, e.g. "qmf-fetch" -> /tmp/qmf-fetch-XXXXXX.
  explicit TempDir(const std::string& prefix);
  // parent/.<prefix>-<pid>-XXXXXX, e.g. under the data directory, where the next fetch finds it
  // if this one is killed (remove_abandoned_temp_dirs). Creates parent if needed.
  TempDir(const std::filesystem::path& parent, const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Removes the parent/.<prefix>-<pid>-XXXXXX directories of processes no longer alive.
void remove_abandoned_temp_dirs(const std::filesystem::path& parent, const std::string& prefix);

}  // namespace qmf::data
