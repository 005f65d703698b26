#!/usr/bin/env bash
# The noise and shots study (docs/RESULTS.md §8). For the default QMFNN and its 64-wide-FFN
# variant on mnist/split-h2 and mnist+fashion, seeds 0-2:
#   free/         trained without noise (1 epoch, all 60,000 samples)
#   tuned-<noise>/  free, fine-tuned for one pass over $TUNE samples under that noise
#                   (train.init); tuned-p0 is the same fine-tuning without noise, the control;
#                   tuned-shots<N> is fine-tuned on N-shot estimates (parameter-shift gradients)
# and each evaluated on the first $TEST test samples under depolarizing noise, the device presets
# and finite shots; the models fine-tuned at 1e-3 also under the presets. Usage:
# scripts/noise-study.sh [OUT_DIR] (default runs/noise-study); finished steps are kept, so a
# stopped study continues where it was. Writes OUT_DIR/noise-study.csv.
set -euo pipefail
qmf=${QMF:-build/qmf}
out=${1:-runs/noise-study}
tune=${TUNE:-3000}
test=${TEST:-2000}
strengths=(1e-4 1e-3 1e-2 3e-2 1e-1)
tuned_strengths=(${TUNED:-${strengths[*]}})
presets=(ibm-heron-r2 ionq-aria)
shots=(10 100 1000 10000 100000)
shots_tuned=(${SHOTS_TUNED:-10 100 1000 10000 100000})
mkdir -p "$out"

# noise_args NOISE: the --set flags of a noise name (p0, p<strength>, shots<N> or a preset).
noise_args() {
  case $1 in
    p0) ;;
    shots*) echo "--set sim.shots=${1#shots}" ;;
    p*) echo "--set noise.depolarizing=${1#p}" ;;
    *) echo "--set noise.preset=$1" ;;
  esac
}

# evaluate RUN NAME FLAGS...: RUN's test accuracy under FLAGS, once, into RUN/eval-NAME.
evaluate() {
  local run=$1 name=$2
  shift 2
  [ -f "$run/eval-$name/eval.json" ] && return
  "$qmf" eval --run "$run" --set data.test_limit="$test" "$@" --out "$run/eval-$name" >/dev/null
}

cases=()
for view in mnist/split-h2 mnist+fashion; do
  for model in default h64; do
    for seed in 0 1 2; do cases+=("$view $model $seed"); done
  done
done

# Phase 1: noise-free models and their sweeps (cheap); phase 2: the fine-tuned models (slow).
for c in "${cases[@]}"; do
  read -r view model seed <<<"$c"
  dir="$out/${view//\//-}-$model-s$seed"
  width=(); [ "$model" = h64 ] && width=(--set "model.ffn_hidden=[64]")
  if [ ! -f "$dir/free/summary.json" ]; then
    rm -rf "$dir/free"
    "$qmf" train --set data.view="$view" "${width[@]}" --set train.seed="$seed" \
      --set data.test_limit="$test" --out "$dir/free" >/dev/null
  fi
  evaluate "$dir/free" p0
  for p in "${strengths[@]}"; do evaluate "$dir/free" "p$p" --set noise.depolarizing="$p"; done
  for d in "${presets[@]}"; do evaluate "$dir/free" "$d" --set noise.preset="$d"; done
  for s in "${shots[@]}"; do evaluate "$dir/free" "shots$s" --set sim.shots="$s"; done
done
for noise in p0 "${shots_tuned[@]/#/shots}" "${tuned_strengths[@]/#/p}" ${PRESETS_TUNED:-}; do
  for c in "${cases[@]}"; do
    read -r view model seed <<<"$c"
    dir="$out/${view//\//-}-$model-s$seed"
    run="$dir/tuned-$noise"
    # shellcheck disable=SC2046  # noise_args gives whole --set flags, split on purpose
    if [ ! -f "$run/summary.json" ]; then
      rm -rf "$run"
      "$qmf" train --config "$dir/free/config.toml" --set train.init="$dir/free" \
        --set data.train_limit="$tune" --set data.test_limit="$test" $(noise_args "$noise") \
        --out "$run" >/dev/null
    fi
    evaluate "$run" "$noise" $(noise_args "$noise")
  done
done

# The models fine-tuned at 1e-3, the strength nearest today's devices, under the presets.
for c in "${cases[@]}"; do
  read -r view model seed <<<"$c"
  run="$out/${view//\//-}-$model-s$seed/tuned-p1e-3"
  [ -f "$run/summary.json" ] || continue
  for d in "${presets[@]}"; do evaluate "$run" "$d" --set noise.preset="$d"; done
done

# One row per (view, model, seed, trained, evaluated): the accuracy in %.
python3 - "$out" >"$out/noise-study.csv" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
print("view,model,seed,trained,evaluated,accuracy")
for case in sorted(p for p in out.iterdir() if p.is_dir()):
    view, model, seed = case.name.rsplit("-", 2)
    for run in sorted(p for p in case.iterdir() if p.is_dir()):
        for ev in sorted(run.glob("eval-*/eval.json")):
            acc = 100 * json.loads(ev.read_text())["accuracy"]
            print(f"{view},{model},{seed[1:]},{run.name},{ev.parent.name[5:]},{acc:.2f}")
PY
# The figures: mean and standard deviation over the seeds, per view and model.
python3 - "$out" <<'PY'
import csv, math, pathlib, sys
from collections import defaultdict
out = pathlib.Path(sys.argv[1])
acc = defaultdict(list)
for r in csv.DictReader(open(out / "noise-study.csv")):
    acc[(r["view"], r["model"], r["trained"], r["evaluated"])].append(float(r["accuracy"]))
def stat(key):
    v = acc.get(key, [])
    if not v: return None
    m = sum(v) / len(v)
    return m, (math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0)
views = sorted({k[0] for k in acc})
with open(out / "depolarizing.dat", "w") as f:
    for view in views:
        for model in ["default", "h64"]:
            for trained in ["free", "tuned"]:
                f.write(f"# {view} {model} {trained}\n")
                for p in ["1e-4", "1e-3", "1e-2", "3e-2", "1e-1"]:
                    s = stat((view, model, "free" if trained == "free" else f"tuned-p{p}", f"p{p}"))
                    if s: f.write(f"{p} {s[0]:.3f} {s[1]:.3f}\n")
                f.write("\n\n")
with open(out / "shots.dat", "w") as f:
    for view in views:
        for model in ["default", "h64"]:
            for trained in ["free", "tuned"]:
                f.write(f"# {view} {model} {trained}\n")
                for n in ["10", "100", "1000", "10000", "100000"]:
                    s = stat((view, model, "free" if trained == "free" else f"tuned-shots{n}",
                              f"shots{n}"))
                    if s: f.write(f"{n} {s[0]:.3f} {s[1]:.3f}\n")
                f.write("\n\n")
print("|".join(["", "view", "model", "trained", "evaluated", "accuracy % (mean ± std over seeds)", ""]))
for key in sorted(acc):
    m, sd = stat(key)
    print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {m:.2f} ± {sd:.2f} |")
PY
blocks=$(($(grep -c '^# ' "$out/shots.dat") / 2))
for term in "pngcairo size 1000,420 font ',10'" "svg size 1000,420 font 'sans,10'"; do
  ext=png; [[ $term == svg* ]] && ext=svg
  plots=""; shots=""
  for ((i = 0; i < blocks; i++)); do
    title=$(grep '^# ' "$out/shots.dat" | sed -n "$((2 * i + 1))p" | cut -c3- | sed 's/ free$//')
    plots+="'$out/depolarizing.dat' index $((2 * i)) using 1:2:3 with yerrorlines lc $((i + 1)) title '$title, noise-free', "
    plots+="'$out/depolarizing.dat' index $((2 * i + 1)) using 1:2:3 with yerrorlines lc $((i + 1)) dt 2 title '$title, fine-tuned under the noise', "
    shots+="'$out/shots.dat' index $((2 * i)) using 1:2:3 with yerrorlines lc $((i + 1)) title '$title, noise-free', "
    shots+="'$out/shots.dat' index $((2 * i + 1)) using 1:2:3 with yerrorlines lc $((i + 1)) dt 2 title '$title, fine-tuned on the shots', "
  done
  gnuplot <<GP
set terminal $term
set output "$out/noise-depolarizing.$ext"
set logscale x
set xrange [5e-5:0.2]
set format x "%g"
set xlabel "depolarizing strength p after every gate"
set ylabel "test accuracy % (2,000 samples, mean ± std of 3 seeds)"
set yrange [0:100]
set grid
set key bottom left
plot ${plots%, }
set output "$out/noise-shots.$ext"
set xlabel "shots per sample"
set xrange [5:2e5]
set key bottom right
plot ${shots%, }
GP
done
echo "$out/noise-study.csv"
