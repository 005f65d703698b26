#!/usr/bin/env bash
# Builds the libFuzzer targets (the `sanitize` preset: clang, ASan, UBSan) and runs each for SECONDS (default 20)
# on its seed corpus, fuzz/corpus/<target>. Fails when any target crashes, leaks, trips a
# sanitizer, lets anything but a qmf::Error escape, or times out on one input; the input that
# did it is kept as build-sanitize/findings/<target>/crash-* (or leak-, timeout-, oom-).
#
# New inputs the fuzzer finds go to build-sanitize/corpus/<target>, never into the committed seeds.
# Needs clang and its compiler-rt (scripts/install-deps.sh with QMF_FUZZ_DEPS=1).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
build="build-sanitize"

cmake --preset sanitize >/dev/null
nice -n 10 cmake --build --preset sanitize --target fuzzers -j"$(nproc)"

failed=()
while read -r target; do
  [ -n "$target" ] || continue
  name="${target%_fuzzer}"
  work="$build/corpus/$name"
  findings="$build/findings/$name"
  mkdir -p "$work" "$findings"
  log="$build/findings/$name.log"
  # -timeout: one input taking this long is a finding (a hang), not slowness to wait out.
  if "$build/fuzz/$target" "$work" "fuzz/corpus/$name" -max_total_time="$seconds" \
       -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
       -artifact_prefix="$findings/" >"$log" 2>&1; then
    summary=$(grep -E '^#[0-9]+.*DONE' "$log" | tail -1 || true)
    echo "fuzz: $name ok ${summary:-}"
  else
    echo "fuzz: $name FAILED (log $log, input in $findings/)"
    tail -n 40 "$log"
    failed+=("$name")
  fi
done <"$build/fuzz/targets.txt"

if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
