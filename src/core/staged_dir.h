#pragma once
// A directory of outputs that is never seen half-written: it is filled under a temporary sibling
// (same parent, so the same file system) and swapped into place by commit(), replacing an older
// copy in one atomic exchange where the file system supports it (Linux renameat2
// RENAME_EXCHANGE), else by two renames. Not committed (an error on the way), the staging
// directory is removed and the older copy stays as it was.
//
// The sibling is ".<name>.partial-<pid>-<n>": a process killed before commit() leaves it behind,
// and the next StagedDir of the same target removes it once that pid is no longer alive. Paths
// stay as given (relative ones relative to the working directory), so a target works wherever
// the working directory is, however deep. The committed directory has the mode any new
// directory gets (0777 less the umask).
#include <filesystem>

namespace qmf {

class StagedDir {
 public:
  // Creates target's parent if needed, removes the leftovers of dead writers of the same target,
  // and makes a fresh staging directory beside target.
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
