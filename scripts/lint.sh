#!/usr/bin/env bash
# The two static checks CI runs before the builds' tests:
#   formatting: every tracked C++ file is as clang-format (.clang-format) writes it;
#   clang-tidy: the checks in .clang-tidy, each an error, over the library and the command
#               (the sources in src/, app/ and python/src/, with build/compile_commands.json from
#               scripts/build.sh).
# `scripts/lint.sh --fix` rewrites the files' formatting instead of failing on it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fix" ]; then
  git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format -i
  exit 0
fi
git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format --dry-run --Werror
echo "lint: formatting ok"
[ -f build/compile_commands.json ] || { echo "lint: run scripts/build.sh first" >&2; exit 2; }
run-clang-tidy -quiet -p build -j"$(nproc)" "^$PWD/(src|app|python/src)/.*\.cpp\$" >build/clang-tidy.log 2>&1 || {
  grep -E "(warning|error):" build/clang-tidy.log | sort -u | head -50
  echo "lint: clang-tidy found the problems above (full log: build/clang-tidy.log)"
  exit 1
}
echo "lint: clang-tidy ok"
