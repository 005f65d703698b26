#!/usr/bin/env bash
# The option sweep of docs/RESULTS.md: each configuration of the model's options (docs/MODEL.md)
# trained on mnist/split-h2 for a fixed budget (EPOCHS epochs) with SEEDS seeds; prints a Markdown
# table of parameters and test accuracy (mean and spread over the seeds).
# Usage: scripts/sweep-options.sh [OUT_DIR]   (env: EPOCHS=3 SEEDS="0 1 2" QMF=build/qmf)
set -euo pipefail
out=${1:-runs/sweep}
epochs=${EPOCHS:-3}
seeds=${SEEDS:-"0 1 2"}
qmf=${QMF:-build/qmf}
configs=(
  "probs readout (the base)|"
  "encoding belief|model.encoding=belief"
  "encoding angle|model.encoding=angle"
  "readout expval|model.readout=expval"
  "conv block su4|model.conv_block=su4"
  "no weight sharing|model.qcnn_share=false"
  "ffn hidden [32]|model.ffn_hidden=[32]"
  "ffn hidden [64]|model.ffn_hidden=[64]"
  "k = 3 (6 qubits)|model.k=3"
  "k = 5 (10 qubits)|model.k=5"
  "fusion layers 0|model.fusion_layers=0"
  "fusion layers 1|model.fusion_layers=1"
  "fusion layers 3|model.fusion_layers=3"
  "2x2 pooled input|data.pool=true"
  "expval + hidden [64]|model.readout=expval model.ffn_hidden=[64]"
  "expval + su4|model.readout=expval model.conv_block=su4"
  "expval + k = 5|model.readout=expval model.k=5"
  "expval + hidden [64] + su4|model.readout=expval model.ffn_hidden=[64] model.conv_block=su4"
)
field() { grep -o "\"$1\": *[0-9.e+-]*" "$2" | head -1 | sed 's/.*: *//'; }
echo "| configuration | classical | quantum | total | test acc. mean ± std (%) | seconds/epoch |"
echo "|---|---|---|---|---|---|"
for entry in "${configs[@]}"; do
  name=${entry%%|*}
  # The sweep varies one option at a time around the probs readout, the default when it was run;
  # the expval rows override it.
  sets=(--set model.readout=probs)
  for kv in ${entry#*|}; do sets+=(--set "$kv"); done
  accs=()
  secs=0
  for s in $seeds; do
    dir="$out/${name//[^a-zA-Z0-9]/_}-s$s"
    [ -f "$dir/summary.json" ] || "$qmf" train "${sets[@]}" --set train.epochs="$epochs" \
      --set train.seed="$s" --out "$dir" >/dev/null 2>&1
    accs+=("$(field test_accuracy "$dir/summary.json")")
    secs=$(awk -v a="$secs" -v b="$(field train_seconds "$dir/summary.json")" 'BEGIN{print a+b}')
  done
  classical=$(grep -A3 '"params"' "$dir/summary.json" | grep -o '"classical": *[0-9]*' | sed 's/.*: *//')
  quantum=$(grep -A3 '"params"' "$dir/summary.json" | grep -o '"quantum": *[0-9]*' | sed 's/.*: *//')
  stats=$(printf '%s\n' "${accs[@]}" | awk '{s+=$1; q+=$1*$1; n++} END{m=s/n; v=q/n-m*m; if(v<0)v=0; printf "%.2f ± %.2f", 100*m, 100*sqrt(v*n/(n>1?n-1:1))}')
  per_epoch=$(awk -v t="$secs" -v n="${#accs[@]}" -v e="$epochs" 'BEGIN{printf "%.1f", t/(n*e)}')
  echo "| $name | $classical | $quantum | $((classical + quantum)) | $stats | $per_epoch |"
done
