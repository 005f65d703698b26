#!/usr/bin/env bash
# The corrupted-modality study (docs/RESULTS.md §6): train qmfnn-expval on clean data, then
# explain it on the test split with one modality blanked or drowned in noise, and see where the
# attribution goes. Usage: scripts/corruption-study.sh [OUT_DIR] (default runs/corruption).
set -euo pipefail
qmf=${QMF:-build/qmf}
out=${1:-runs/corruption}
mkdir -p "$out"
for view in mnist/split-h2 mnist+fashion; do
  name=${view//\//-}
  run="$out/$name"
  [ -f "$run/summary.json" ] || "$qmf" train --set data.view="$view" --set model.readout=expval \
    --set train.epochs=3 --set train.seed=0 --out "$run" >/dev/null
  "$qmf" explain --run "$run" --out "$run/explain-clean" >/dev/null
  for m in 1 2; do
    for kind in blank noise; do
      "$qmf" explain --run "$run" --out "$run/explain-m$m-$kind" --set data.corrupt.modality=$m \
        --set data.corrupt.kind=$kind --set data.corrupt.sigma=1.0 >/dev/null
    done
    "$qmf" explain --run "$run" --out "$run/explain-m$m-noise-half" --set data.corrupt.modality=$m \
      --set data.corrupt.kind=noise --set data.corrupt.sigma=1.0 --set data.corrupt.fraction=0.5 \
      >/dev/null
  done
done
# One table: accuracy, attribution (uniform, mixed) and entropy per modality for every case.
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
print("| view | test set | accuracy % | attribution uniform (m1 / m2) | attribution mixed (m1 / m2) | accuracy, m1 / m2 ablated (mixed) % | entropy after fusion (bits) |")
print("|---|---|---|---|---|---|---|")
for run in sorted(p for p in out.iterdir() if p.is_dir()):
    for case in ["clean", "m1-blank", "m1-noise", "m1-noise-half", "m2-blank", "m2-noise", "m2-noise-half"]:
        s = json.loads((run / f"explain-{case}" / "explain.json").read_text())["summary"]
        m = s["modalities"]
        print(f"| {run.name} | {case} | {100*s['accuracy']:.2f} | {m[0]['attribution']:+.3f} / {m[1]['attribution']:+.3f} | "
              f"{m[0]['attribution_mixed']:+.3f} / {m[1]['attribution_mixed']:+.3f} | "
              f"{100*m[0]['accuracy_ablated_mixed']:.2f} / {100*m[1]['accuracy_ablated_mixed']:.2f} | {m[0]['entropy_after_fusion']:.3f} |")
PY
# The figure: mean mixed-state attribution of each modality, clean and corrupted, per view.
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
with open(out / "attribution.dat", "w") as f:
    for run in sorted(p for p in out.iterdir() if p.is_dir()):
        f.write(f'# {run.name}\n')
        for case in ["clean", "m1-noise-half", "m1-noise", "m1-blank", "m2-noise-half", "m2-noise", "m2-blank"]:
            m = json.loads((run / f"explain-{case}" / "explain.json").read_text())["summary"]["modalities"]
            f.write(f'"{case}" {m[0]["attribution_mixed"]:.6f} {m[1]["attribution_mixed"]:.6f}\n')
        f.write("\n\n")
PY
for term in "pngcairo size 1000,420 font ',10'" "svg size 1000,420 font 'sans,10'"; do
  ext=png; [[ $term == svg* ]] && ext=svg
  gnuplot <<GP
set terminal $term
set output "$out/corruption-attribution.$ext"
set multiplot layout 1,2 title "mean attribution (maximally mixed ablation) of each modality, clean and with one modality corrupted"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30 scale 0
set ylabel "log p(y) - log p_{ablated}(y)"
set grid ytics
set yrange [-2:2.5]
set key top right
set title "mnist+fashion (1: digit, 2: fashion item)"
plot "$out/attribution.dat" index 0 using 2:xtic(1) title "modality 1", '' index 0 using 3 title "modality 2"
set title "mnist/split-h2 (1: left half, 2: right half)"
plot "$out/attribution.dat" index 1 using 2:xtic(1) title "modality 1", '' index 1 using 3 title "modality 2"
unset multiplot
GP
done
