#pragma once
// Finite-shot readout: what a device returns is not the marginal probabilities but the
// frequencies of a finite number of measurements, so estimates carry multinomial noise. These
// draws are exact (no normal approximation) and defined by this code on top of qmf::Rng, so a
// seed gives the same frequencies on every machine and standard library.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/rng.h"

namespace qmf::noise {

// Replaces each row of `marginal` (rows of `outcomes` probabilities, row-major, rows =
// marginal.size() / outcomes) by the frequencies of `shots` measurements drawn from it:
// multinomial counts / shots. Row b draws from its own stream StreamRng(mix_seed(seed,
// first_row + b)), so
// a sample's estimate does not depend on how the data was cut into batches or on threads.
// Rows are renormalised first if their sum is within 1e-6 of 1 (rounding) and entries in
// [-1e-12, 0) count as 0; a row with a more negative or non-finite entry, or a sum off by more,
// is a qmf::Error naming the row (first_row + b), and leaves `marginal` unchanged. shots must
// be from 1 to 2^53 (else a qmf::Error).
// Rows are shared among `threads` threads (0: all cores); the result does not depend on them.
void sample_shots(std::span<double> marginal, size_t outcomes, uint64_t shots, uint64_t seed,
                  uint64_t first_row, int threads = 1);

// One exact Binomial(n, p) draw, defined bit for bit by this code on top of qmf::Rng (never
// std::binomial_distribution, whose algorithm differs between standard libraries): inversion by
// sequential search when n min(p, 1 - p) < 10, else Hormann's BTRD rejection algorithm. Needs
// p in [0, 1] and n <= 2^53 (exact in a double).
uint64_t binomial(Rng& rng, uint64_t n, double p);
// The same on a cheap-to-start stream, as sample_shots draws each row's.
uint64_t binomial(StreamRng& rng, uint64_t n, double p);

}  // namespace qmf::noise
