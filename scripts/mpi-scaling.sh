#!/usr/bin/env bash
# The MPI figures of BENCHMARKS.md and docs/CLUSTER.md, on real MNIST, with the training
# throughput that summary.json reports (samples/s of the training loop, data loading and
# evaluation excluded).
#   scripts/mpi-scaling.sh throughput [REPEATS]
#       the 16-qubit model (mnist/split-q4, k = 4) and the default 8-qubit one, each as
#       1 rank x 1 thread, 2 ranks x 1 thread and 1 rank x 2 threads, in turn, REPEATS times
#       (default 3); prints every run and the medians.
#   scripts/mpi-scaling.sh inputs
#       what the scaling model needs: per-sample training time on one thread for QMFNNs of
#       8..24 qubits (two modalities of k = 4..12) with their parameter counts, and the time to
#       sum each parameter vector over 2 ranks; one JSON line each (scripts/predict-scaling.py
#       turns them into the table).
# Env: QMF=build/qmf OUT=runs/mpi-scaling; as root, OpenMPI's allow-run-as-root is set here.
set -euo pipefail
qmf=${QMF:-build/qmf}
out=${OUT:-runs/mpi-scaling}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$out"

# train NAME RANKS THREADS SET... -> one line "NAME ranks threads samples_per_second"
train() {
  local name=$1 ranks=$2 threads=$3
  shift 3
  local dir="$out/$name-r$ranks-t$threads-$RANDOM"
  local sets=(--set "train.threads=$threads" --set train.epochs=1)
  for s in "$@"; do sets+=(--set "$s"); done
  if [ "$ranks" = 0 ]; then
    "$qmf" train "${sets[@]}" --out "$dir" >/dev/null 2>"$dir.log"
  else
    mpirun --oversubscribe -np "$ranks" "$qmf" train "${sets[@]}" --out "$dir" >/dev/null 2>"$dir.log"
  fi
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(sys.argv[2], s["ranks"], s["threads"], s["samples_per_second"], s["params"]["total"])' \
    "$dir/summary.json" "$name"
  rm -rf "$dir" "$dir.log"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

throughput() {
  local repeats=${1:-3} log="$out/throughput.txt"
  : >"$log"
  local q16=(data.view=mnist/split-q4 model.k=[4] data.train_limit=3000 data.test_limit=100)
  local q8=(data.test_limit=100)
  for ((i = 0; i < repeats; i++)); do
    for model in q16 q8; do
      local -n sets=$model
      train "$model" 0 1 "${sets[@]}" | tee -a "$log"   # 0 ranks: no mpirun at all
      train "$model" 2 1 "${sets[@]}" | tee -a "$log"
      train "$model" 0 2 "${sets[@]}" | tee -a "$log"
    done
  done
  echo "medians (samples/s):"
  for model in q16 q8; do
    for shape in "1 1" "2 1" "1 2"; do
      set -- $shape
      printf '%s  %s rank(s) x %s thread(s)  %s\n' "$model" "$1" "$2" \
        "$(awk -v m="$model" -v r="$1" -v t="$2" '$1==m && $2==r && $3==t {print $4}' "$log" | median)"
    done
  done
}

inputs() {
  local k
  for k in 4 6 8 10 12; do
    # Fewer samples for the larger states (a 24-qubit sample takes seconds); 0: all 60,000.
    local limit=$((k == 4 ? 0 : k == 6 ? 10000 : k == 8 ? 512 : k == 10 ? 32 : 4))
    local batch=$((k <= 8 ? 64 : k == 10 ? 16 : 2))
    local line
    line=$(train "k$k" 0 1 "model.k=[$k]" "data.train_limit=$limit" data.test_limit=1 \
      "train.batch=$batch")
    set -- $line
    local rate=$4 params=$5
    local sum
    sum=$(mpirun --oversubscribe -np 2 "$qmf" bench --allreduce "$params")
    python3 -c 'import json,sys; print(json.dumps({"qubits": 2*int(sys.argv[1]), "params": int(sys.argv[2]), "seconds_per_sample": 1/float(sys.argv[3]), "allreduce_2_ranks_us": json.loads(sys.argv[4])["median_us"]}))' \
      "$k" "$params" "$rate" "$sum"
  done
}

case "${1:-}" in
  throughput) throughput "${2:-3}" ;;
  inputs) inputs ;;
  *) echo "usage: $0 throughput [REPEATS] | inputs" >&2; exit 2 ;;
esac
