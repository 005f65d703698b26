#pragma once
// What the labels of a view mean, for outputs only (the model sees 0..C-1):
//   mnist, mnist+fashion, mnist+fsdd  the digits "0".."9" (the first data set's labels);
//   fashion                           T-shirt/top, Trouser, ..., Ankle boot;
//   cifar10                           airplane, automobile, ..., truck;
//   files                             classes.txt in data.files when there is one, else the
//                                     labels as numbers.
// data.classes keeps the names of the classes it keeps, in its order: [3, 5, 8] on MNIST is
// "3", "5", "8".
//
// classes.txt: one name per line, line i naming label i (surrounding spaces and a final newline
// are ignored). It sets the class count: it must name every label the files use, and a name
// beyond the largest label is a class with no samples (which load_view warns of). A name may not
// be empty or given twice.
#include <filesystem>
#include <string>
#include <vector>

#include "data/data_set.h"

namespace qmf::data {

// The file that names a `files` view's classes, in data.files.
inline constexpr const char* kClassNamesFile = "classes.txt";

// The ten names of a built-in data set's labels 0..9.
const std::vector<std::string>& data_set_class_names(DataSet set);

// "0", "1", ..., "classes-1".
std::vector<std::string> numbered_class_names(int classes);

// Reads and checks `file` (format above) for labels up to `largest_label`. Throws qmf::Error
// naming the file (and the line) at fault.
std::vector<std::string> read_class_names(const std::filesystem::path& file, int largest_label);

// The names of the kept classes `keep` (original labels, data.classes) in that order; all of
// `names` when `keep` is empty.
std::vector<std::string> keep_class_names(const std::vector<std::string>& names,
                                          const std::vector<int>& keep);

}  // namespace qmf::data
