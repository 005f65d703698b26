#!/usr/bin/env python3
"""The predicted scaling table of docs/CLUSTER.md, from the measured inputs.

Reads the JSON lines of `scripts/mpi-scaling.sh inputs` on stdin (qubits, parameters, seconds
per training sample on one thread) and prints, as Markdown, the parallel efficiency of one
data-parallel training step on N ranks of one thread each:

    step(N) = C * ceil(B / N) + A(N)            compute of the largest shard, then the allreduce
    A(N)    = 2 log2(N) alpha + 2 (N - 1) / N * 8 P / beta      (reduce-scatter + allgather)
    efficiency = C * B / (N * step(N))

C: seconds per sample, B: the global batch, P: parameters (8-byte doubles), alpha: a message's
latency, beta: the link's bandwidth. Usage: predict-scaling.py [--batch B] < inputs.jsonl
"""
import argparse
import json
import math
import sys

LINKS = [  # (name, bandwidth in bytes/s, latency in s): assumed, typical of each kind of link
    ("10 Gb/s Ethernet", 10e9 / 8, 25e-6),
    ("100 Gb/s InfiniBand", 100e9 / 8, 2e-6),
]
RANKS = [8, 64, 512]


def allreduce_seconds(ranks, params, bandwidth, latency):
    return 2 * math.log2(ranks) * latency + 2 * (ranks - 1) / ranks * 8 * params / bandwidth


def efficiency(seconds_per_sample, params, batch, ranks, bandwidth, latency):
    step = seconds_per_sample * math.ceil(batch / ranks) + allreduce_seconds(
        ranks, params, bandwidth, latency)
    return seconds_per_sample * batch / (ranks * step)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=512, help="global batch (train.batch)")
    batch = parser.parse_args().batch
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    head = ["qubits", "parameters", "ms per sample (1 thread)"]
    head += [f"{n} ranks, {name}" for name, _, _ in LINKS for n in RANKS]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        c, p = r["seconds_per_sample"], r["params"]
        cells = [str(r["qubits"]), f"{p:,}", f"{1e3 * c:.3g}"]
        for _, bandwidth, latency in LINKS:
            for n in RANKS:
                cells.append(f"{100 * efficiency(c, p, batch, n, bandwidth, latency):.0f} %")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
