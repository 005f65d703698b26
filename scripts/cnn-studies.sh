#!/usr/bin/env bash
# The comparison studies with convolutional front ends (docs/RESULTS.md §9): each study file
# configs/<name>.toml trained by `qmf compare` into runs/study-<name>, its runs dealt out over
# NP processes of one thread each (default 2: one per core of the CI machines), then its per-run
# rows and plot copied to docs/figures/study-<name>.{csv,png,svg} (the table is in
# runs/study-<name>/compare.md). A study stopped part-way continues where it was when the script
# is run again. Usage:
#   scripts/cnn-studies.sh [NAME...]   (default: the four studies, cheapest first)
set -euo pipefail
qmf=${QMF:-build/qmf}
np=${NP:-2}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(mnist-h2-cnn mnist-q4-cnn cifar10-h2-cnn cifar10-channels-cnn)
launch=()
[ "$np" -gt 1 ] && launch=(mpirun --oversubscribe -np "$np")
mkdir -p docs/figures
for name in "${names[@]}"; do
  [ -f "configs/$name.toml" ] || { echo "cnn-studies: no study file configs/$name.toml" >&2; exit 2; }
  out=runs/study-$name
  "${launch[@]}" "$qmf" compare --config "configs/$name.toml" --out "$out"
  cp "$out/compare.csv" "docs/figures/study-$name.csv"
  cp "$out/accuracy_vs_params.png" "docs/figures/study-$name.png"
  cp "$out/accuracy_vs_params.svg" "docs/figures/study-$name.svg"
done
