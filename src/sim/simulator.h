#pragma once
// Runs a compiled program on a batch: product-state preparation, the blocks, and marginal
// probabilities, walking the state as sim/traversal.h decides. The adjoint reaches the state of
// the last forward only through sim/reverse_pass.h.
#include <memory>
#include <span>
#include <vector>

#include "core/parallel.h"
#include "sim/isa.h"
#include "sim/program.h"
#include "sim/state.h"
#include "sim/traversal.h"

namespace qmf::sim {

struct SimOptions {
  int threads = 0;  // 0: all cores
  Isa isa = best_isa();
  LaneLayout layout = LaneLayout::Auto;  // Auto: choose_layout's rule
};

// The most memory a forward's record of block inputs may take (Simulator::forward): the default
// circuit at batch 64 in double needs 5 MiB; the record pays while it stays in the last cache.
inline constexpr size_t kRecordBytes = size_t{16} << 20;
// The widest pack (bytes) whose kernels record: the record trades a product per block for
// writing and reading every block's input outside L1, which paid with AVX2's 32-byte packs
// (forward+gradient 1.08-1.12x, training 1.04x) and cost with AVX-512's 64-byte ones (0.95x and
// 0.82x), where the products are cheaper; BENCHMARKS.md, issue 16.
inline constexpr size_t kRecordPackBytes = 32;
// A forward runs consecutive blocks that stay inside tiles of this many bytes of a chunk tile by
// tile, so a state larger than the cache is read once for them all rather than once a block.
inline constexpr size_t kTileBytes = size_t{256} << 10;

// A matrix as the kernels take it (sim/kernels.h): row-major real parts, and imaginary parts
// unless `real` (then `im` is left empty).
template <typename T>
void split_matrix(const GateMatrix& m, std::vector<T>& re, std::vector<T>& im, bool real);

template <typename T>
class ReversePass;

template <typename T>
class Simulator {
 public:
  explicit Simulator(std::shared_ptr<const Program> program, SimOptions options = {});

  const Program& program() const { return *program_; }
  int threads() const { return par_.threads(); }
  Isa isa() const { return isa_; }
  // A state for `batch` samples in the layout sim/isa.h chooses for this circuit's size.
  BatchState<T> make_state(size_t batch) const;

  // Prepares the product input and applies the circuit with shared parameters `theta` and
  // `sample_angles` (batch rows of circuit().sample_params() values). Checks every size first.
  // With `record_inputs`, a gradient is to follow: where records() says so, the forward keeps
  // every block's input state, and the adjoint reads them instead of undoing each block on the
  // state. The choice is the caller's, never the simulator's history, so a computation gives the
  // same bits however it was reached.
  void forward(const ProductInput& input, std::span<const double> theta,
               std::span<const double> sample_angles, BatchState<T>& state,
               bool record_inputs = false);

  // Whether a forward asked to record on `state` keeps the block inputs: sample lanes, a pack of
  // at most kRecordPackBytes, and every block's input within kRecordBytes.
  bool records(const BatchState<T>& state) const;

  // out[b * 2^|qubits| + c] = P(c) on `qubits` (big-endian over the list) for every sample b.
  void marginal(const BatchState<T>& state, std::span<const int> qubits,
                std::span<double> out) const;

  // How forward, marginal and the adjoint walk `s` on this simulator's threads.
  Traversal traversal(const BatchState<T>& s) const { return {par_, s.chunks(), s.qubits()}; }

 private:
  friend class ReversePass<T>;

  // Where block i sits in a chunk of the state and, for an amplitude-lane state, how it mixes
  // the lanes (low_k == 0: it does not, and runs as a plain block on its high qubits).
  struct LanePlan {
    BlockGeometry high;
    int high_k = 0, low_k = 0;
    std::vector<int> lane_xor, row, col;  // as in LaneMixing
  };
  static LanePlan plan_lanes(const Block& b, int qubits, int lane_bits);
  const BlockGeometry& geometry(size_t i, const BatchState<T>& s) const;
  bool mixes_lanes(size_t i, const BatchState<T>& s) const;
  // psi <- U psi for block i on chunk `ch`, its work spread as `walk` says.
  void apply_block(size_t i, const BatchState<T>& s, size_t ch, const Traversal& walk,
                   std::vector<T>& buffer);
  // The bits of a tile's rows in chunks of `s`, and the end of the run of blocks from `first`
  // that can go tile by tile (shared matrices, every qubit inside a tile); first when none can.
  int tile_bits(const BatchState<T>& s) const;
  size_t tile_run_end(size_t first, const BatchState<T>& s, int tile_bits) const;
  // Blocks [first, end) on chunk `ch`, all of them on one tile before the next.
  void apply_tiled(size_t first, size_t end, const BatchState<T>& s, size_t ch,
                   const Traversal& walk, int tile_bits);
  // Decides whether this forward records block inputs, and sizes the record.
  void start_record(const BatchState<T>& s, bool wanted);
  size_t record_bytes(const BatchState<T>& s) const;
  // Where the forward kept block `block`'s input state for chunk `ch` of `s`.
  ChunkView<T> recorded_input(const BatchState<T>& s, size_t ch, size_t block) const;

  void bind(std::span<const double> theta, bool lane_mixing);
  void check_input(const ProductInput& input, size_t batch) const;
  // Throws unless `s` has this program's qubits, this simulator's lane layout and, with
  // `same_batch`, the batch of the last forward.
  void check_state(const BatchState<T>& s, const char* who, bool same_batch) const;
  const KernelOps<T>& ops(const BatchState<T>& s) const;
  // Block i's U (or U^dag with `adjoint`) for the chunk: the bound matrices of a shared block,
  // or lane matrices of a per-sample block, built into `lanes`, which must outlive the result.
  Matrices<T> block_matrices(size_t i, const BatchState<T>& s, size_t chunk, bool adjoint,
                             std::vector<T>& lanes) const;
  // The same for a block that mixes the lanes of an amplitude-lane state.
  LaneMixing<T> block_mixing(size_t i, size_t chunk, bool adjoint, std::vector<T>& buffer) const;
  LaneMixing<T> mixing(size_t i, const T* re, const T* im) const;
  // U expanded into lane matrices for block i's plan (re, then im unless `real`).
  void expand_mixing(size_t i, const GateMatrix& u, bool real, std::vector<T>& out) const;
  GateMatrix sample_matrix(size_t i, size_t sample, bool adjoint) const;

  // The readout qubits as the kernels see a chunk: their bits among its rows, and for outcome c
  // over those bits and lane l, the outcome over all the qubits (outcome[c * lanes + l]).
  struct ReadoutBits {
    std::vector<int> rows;
    std::vector<size_t> outcome;
  };
  ReadoutBits readout_bits(const BatchState<T>& s, std::span<const int> qubits) const;
  // The chunk's input registers in the kernels' lane-major layout, stored in `buffer` (zero
  // for padding lanes). With `zero`, the same layout filled with zeros (gradient accumulators).
  RegisterLanes<T> register_lanes(const ProductInput& input, const BatchState<T>& s, size_t chunk,
                                  std::vector<T>& buffer, bool zero = false) const;

  // A block's matrices at the current angles, in the simulator's precision.
  struct BoundBlock {
    std::vector<T> u_re, u_im;        // U (u_im empty when the block is real)
    std::vector<T> udag_re, udag_im;  // U^dagger
    std::vector<T> mix, mix_dag;      // both expanded into lane matrices, when they mix lanes
    Matrices<T> u() const { return {u_re.data(), u_im.empty() ? nullptr : u_im.data(), false}; }
    Matrices<T> udag() const {
      return {udag_re.data(), udag_im.empty() ? nullptr : udag_im.data(), false};
    }
  };

  std::shared_ptr<const Program> program_;
  Isa isa_;
  LaneLayout layout_;
  ParallelFor par_;
  std::vector<LanePlan> plans_;  // empty when amplitude lanes are impossible
  std::vector<BoundBlock> bound_;
  std::vector<double> theta_, sample_;
  size_t batch_ = 0;  // of the last forward
  // The last forward's block inputs, chunk by chunk, when it recorded them (recorded_) for the
  // state at recorded_state_. Mutable: the adjoint reads it through a const simulator.
  mutable std::vector<T> record_;
  bool recorded_ = false;
  const BatchState<T>* recorded_state_ = nullptr;
};

}  // namespace qmf::sim
