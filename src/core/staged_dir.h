#pragma once
// A directory of outputs that is never seen half-written: it is filled under a temporary sibling
// (same parent, so the same file system) and swapped into place by commit(), replacing an older
// copy in one atomic exchange where the file system supports it (Linux renameat2
// RENAME_EXCHANGE), else by two renames. Not committed (an error on the way), the staging
// directory is removed and the older copy stays as it was.
#include <filesystem>

namespace qmf {

class StagedDir {
 public:
  // Creates target's parent if needed and a fresh staging directory beside target.
  explicit StagedDir(const std::filesystem::path& target);
  ~StagedDir();
  StagedDir(const StagedDir&) = delete;
  StagedDir& operator=(const StagedDir&) = delete;

  // Where to write the outputs until commit().
  const std::filesystem::path& path() const { return staging_; }
  // Puts the staging directory in place of target, then removes the old target, if any.
  void commit();

 private:
  std::filesystem::path target_, staging_;
  bool committed_ = false;
};

}  // namespace qmf
