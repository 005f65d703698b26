#include "nn/arena.h"

#include <algorithm>
#include <iterator>

#include "core/error.h"

namespace qmf::nn {

std::string_view to_string(ParamKind kind) {
  return kind == ParamKind::Quantum ? "quantum" : "classical";
}

size_t ParameterArena::add(std::string name, size_t count, ParamKind kind) {
  QMF_CHECK(!frozen_, "parameter block '{}' added after the arena was frozen by a view", name);
  QMF_CHECK(!name.empty(), "parameter block needs a name");
  QMF_CHECK(find(name) == nullptr, "parameter block '{}' added twice", name);
  const size_t offset = values_.size();
  values_.resize(offset + count, 0.0);
  grads_.resize(offset + count, 0.0);
  blocks_.push_back({std::move(name), offset, count, kind});
  return offset;
}

const ParamBlock* ParameterArena::find(std::string_view name) const {
  const auto it = std::find_if(blocks_.begin(), blocks_.end(),
                               [&](const ParamBlock& b) { return b.name == name; });
  return it == blocks_.end() ? nullptr : &*it;
}

const ParamBlock& ParameterArena::block(std::string_view name) const {
  const ParamBlock* b = find(name);
  QMF_CHECK(b != nullptr, "no parameter block named '{}'", name);
  return *b;
}

const ParamBlock& ParameterArena::block_at(size_t index) const {
  QMF_CHECK(index < size(), "parameter index {} outside an arena of {}", index, size());
  // Blocks are laid out in order of offset: the last one starting at or before `index`.
  const auto it = std::upper_bound(blocks_.begin(), blocks_.end(), index,
                                   [](size_t i, const ParamBlock& b) { return i < b.offset; });
  return *std::prev(it);
}

ParamCounts ParameterArena::counts() const {
  ParamCounts c;
  for (const ParamBlock& b : blocks_)
    (b.kind == ParamKind::Quantum ? c.quantum : c.classical) += b.size;
  c.total = c.classical + c.quantum;
  return c;
}

void ParameterArena::zero_grad() { std::fill(grads_.begin(), grads_.end(), 0.0); }

void ParameterArena::check_view(size_t offset, size_t count) const {
  frozen_ = true;
  QMF_CHECK(offset <= size() && count <= size() - offset,
            "view [{}, {}) outside an arena of {} parameters", offset, offset + count, size());
}

std::span<double> ParameterArena::values() { return values(0, size()); }
std::span<const double> ParameterArena::values() const { return values(0, size()); }
std::span<double> ParameterArena::grads() { return grads(0, size()); }
std::span<const double> ParameterArena::grads() const { return grads(0, size()); }

std::span<double> ParameterArena::values(size_t offset, size_t count) {
  check_view(offset, count);
  return {values_.data() + offset, count};
}
std::span<const double> ParameterArena::values(size_t offset, size_t count) const {
  check_view(offset, count);
  return {values_.data() + offset, count};
}
std::span<double> ParameterArena::grads(size_t offset, size_t count) {
  check_view(offset, count);
  return {grads_.data() + offset, count};
}
std::span<const double> ParameterArena::grads(size_t offset, size_t count) const {
  check_view(offset, count);
  return {grads_.data() + offset, count};
}

// The Eigen views go through the checked spans, so they share the bounds check and the freeze.
namespace {
size_t area(Index rows, Index cols) {
  QMF_CHECK(rows >= 0 && cols >= 0, "negative view shape {} x {}", rows, cols);
  return static_cast<size_t>(rows) * static_cast<size_t>(cols);
}
}  // namespace

MatrixMap ParameterArena::value_matrix(size_t offset, Index rows, Index cols) {
  return {values(offset, area(rows, cols)).data(), rows, cols};
}
ConstMatrixMap ParameterArena::value_matrix(size_t offset, Index rows, Index cols) const {
  return {values(offset, area(rows, cols)).data(), rows, cols};
}
MatrixMap ParameterArena::grad_matrix(size_t offset, Index rows, Index cols) {
  return {grads(offset, area(rows, cols)).data(), rows, cols};
}
ConstMatrixMap ParameterArena::grad_matrix(size_t offset, Index rows, Index cols) const {
  return {grads(offset, area(rows, cols)).data(), rows, cols};
}
VectorMap ParameterArena::value_vector(size_t offset, Index n) {
  return {values(offset, area(n, 1)).data(), n};
}
ConstVectorMap ParameterArena::value_vector(size_t offset, Index n) const {
  return {values(offset, area(n, 1)).data(), n};
}
VectorMap ParameterArena::grad_vector(size_t offset, Index n) {
  return {grads(offset, area(n, 1)).data(), n};
}
ConstVectorMap ParameterArena::grad_vector(size_t offset, Index n) const {
  return {grads(offset, area(n, 1)).data(), n};
}

}  // namespace qmf::nn
