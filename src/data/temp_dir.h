#pragma once
// A fresh private directory under the system temp directory, removed with everything in it
// when the object goes out of scope: downloads and test fixtures never leave litter behind.
#include <filesystem>
#include <string>

namespace qmf::data {

class TempDir {
 public:
  // prefix names the directory, e.g. "qmf-fetch" -> /tmp/qmf-fetch-XXXXXX.
  explicit TempDir(const std::string& prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace qmf::data
