#pragma once
// All trainable parameters of a model in one contiguous buffer, with a gradient buffer of the
// same layout (after llm.c): zeroing gradients, the optimiser step and checkpointing are each one
// loop over flat memory. Layers keep offsets, never pointers, and fetch their views when they run.
//
// Lifetime rules:
//  * Blocks are added while the model is built. The first request for a view (values, grads or a
//    map, const or not) freezes the arena; add() after that is a QMF_CHECK error, because
//    growing the buffers would move them under every view handed out so far.
//  * The arena can be neither copied nor moved: layers hold a pointer to it. A model owns its
//    arena as a member declared before its layers (or lives behind a unique_ptr).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nn/tensor.h"

namespace qmf::nn {

// Circuit angles are quantum; everything else (Linear weights and biases) is classical.
enum class ParamKind { Classical, Quantum };

// A named, contiguous run of parameters, e.g. "ffn1.0.weight" or "fusion.0.angles".
struct ParamBlock {
  std::string name;
  size_t offset = 0;
  size_t size = 0;
  ParamKind kind = ParamKind::Classical;
};

struct ParamCounts {
  size_t classical = 0;
  size_t quantum = 0;
  size_t total = 0;
};

class ParameterArena {
 public:
  ParameterArena() = default;
  ParameterArena(const ParameterArena&) = delete;
  ParameterArena& operator=(const ParameterArena&) = delete;
  ParameterArena(ParameterArena&&) = delete;
  ParameterArena& operator=(ParameterArena&&) = delete;

  // Appends a block of `count` zero-valued parameters; returns its offset. Names are unique.
  size_t add(std::string name, size_t count, ParamKind kind);

  void freeze() const { frozen_ = true; }
  bool frozen() const { return frozen_; }

  size_t size() const { return values_.size(); }
  const std::vector<ParamBlock>& blocks() const { return blocks_; }
  // The block with this name, or nullptr.
  const ParamBlock* find(std::string_view name) const;
  // The block with this name; QMF_CHECK error if there is none.
  const ParamBlock& block(std::string_view name) const;
  // The block holding the parameter at this flat index (for error messages).
  const ParamBlock& block_at(size_t index) const;
  ParamCounts counts() const;

  void zero_grad();

  // Flat views. The whole arena, or `count` entries from `offset` (checked against the size).
  std::span<double> values();
  std::span<const double> values() const;
  std::span<double> values(size_t offset, size_t count);
  std::span<const double> values(size_t offset, size_t count) const;
  std::span<double> grads();
  std::span<const double> grads() const;
  std::span<double> grads(size_t offset, size_t count);
  std::span<const double> grads(size_t offset, size_t count) const;

  // Row-major rows x cols (or length-n) views of values and gradients from `offset`.
  MatrixMap value_matrix(size_t offset, Index rows, Index cols);
  ConstMatrixMap value_matrix(size_t offset, Index rows, Index cols) const;
  MatrixMap grad_matrix(size_t offset, Index rows, Index cols);
  ConstMatrixMap grad_matrix(size_t offset, Index rows, Index cols) const;
  VectorMap value_vector(size_t offset, Index n);
  ConstVectorMap value_vector(size_t offset, Index n) const;
  VectorMap grad_vector(size_t offset, Index n);
  ConstVectorMap grad_vector(size_t offset, Index n) const;

 private:
  // Freezes the arena and checks that [offset, offset + count) lies inside it.
  void check_view(size_t offset, size_t count) const;

  std::vector<double> values_;
  std::vector<double> grads_;
  std::vector<ParamBlock> blocks_;
  mutable bool frozen_ = false;  // set by the first view, even a const one
};

std::string_view to_string(ParamKind kind);

}  // namespace qmf::nn
