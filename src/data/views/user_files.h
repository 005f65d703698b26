#pragma once
// The user's own multimodal data (view `files`, key data.files): a directory with train/ and
// test/ subdirectories, each holding one numeric file per modality plus the labels:
//
//   DIR/train/1-image.npy  DIR/train/2-audio.csv  DIR/train/labels.npy
//   DIR/test/1-image.npy   DIR/test/2-audio.csv   DIR/test/labels.csv
//
// Files are NumPy .npy or comma-separated .csv (see npy.h, csv_matrix.h), each optionally
// gzip-compressed (.npy.gz, .csv.gz). A modality is named by its file name without the
// extension, and modalities come in file-name order, so a numeric prefix sets the order. Each
// modality file is a 2-D array, one row per sample and one column per feature (a 1-D array is
// one feature per sample), or a .npy of images: 3-D (samples x rows x cols) or 4-D (samples x
// channels x rows x cols), whose shape the modality keeps for a convolutional front end. `labels`
// holds one integer >= 0 per sample (a float array of whole numbers will do); the class count is
// the largest label in train or test, plus 1, unless DIR/classes.txt names the classes
// (class_names.h): then it is the number of names. A class with no training sample (labels that
// start at 1, a name in classes.txt that no label uses) is allowed, with a warning naming the
// training labels file and the empty classes.
//
// Files with other extensions (a README, notes, hidden files) are ignored, so the directory can
// carry its own documentation, and so are directories, whatever their names. A name with a data
// extension that is neither a regular file nor a directory (a FIFO, a device, a dangling
// symbolic link) is an error saying what it is, never skipped.
// Everything else that is off is a qmf::Error naming the file: a
// missing directory or split, no modality files, a modality in one split but not the other,
// different feature counts in train and test, the same name with two extensions, an empty
// array, row counts that differ from the label count, a value too large for float, a label
// that is not a whole number >= 0 (or is beyond kMaxUserClasses - 1).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace qmf::data {

// Labels above this minus one are taken as a mistake (a feature column read as labels) rather
// than as a request for a model with that many outputs.
constexpr int kMaxUserClasses = 10000;

struct UserFiles {
  std::vector<std::string> modality_names;  // file-name order
  std::vector<ImageShape> shapes;           // per modality, as its arrays give it
  Split train, test;                        // y: the labels as written
  int classes = 0;                          // largest label in train or test plus 1, or as named
  std::vector<std::string> class_names;     // classes.txt, or "0".."classes-1"
  std::vector<std::string> warnings;        // empty classes
};

// One directory of modality files like train/ or test/ above (new data for `qmf predict`), in
// which the labels file is optional.
struct UserSplit {
  std::vector<std::string> modality_names;   // file-name order
  std::vector<std::filesystem::path> files;  // the file of each modality
  std::vector<ImageShape> shapes;            // per modality, as its arrays give it
  std::filesystem::path labels_file;         // empty when there is none
  size_t samples = 0;
  Split split;  // y: the labels as written, or empty without a labels file
};

// Reads and checks `dir` as one split; errors as for read_user_files.
UserSplit read_user_split(const std::filesystem::path& dir);

// Reads and checks everything under `dir`. Throws qmf::Error naming the file or directory at
// fault (no class subsets or limits here: load_view applies those, as for every view).
UserFiles read_user_files(const std::filesystem::path& dir);

}  // namespace qmf::data
