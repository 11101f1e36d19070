#!/usr/bin/env bash
# Translation (issue 27) on the GPU device, JAX: results under "$OUT/translation/".
#
#   bash benchmarks/device/translation.sh
#
# Runs `benchmarks/translation_quality.py grid`: every variant of its
# VARIANTS (CycleGAN: the old recipe and each paper choice; CUT; Pix2Pix:
# the old two-stage U-Net and the fixes) with seeds 0, 1, 2, TRANSLATION_JOBS
# example processes at once sharing the GPU; runs not started by
# TRANSLATION_DEADLINE minutes are left out (the table says how many seeds
# each row has). Outputs: grid.md (mean ± standard deviation), grid.json,
# and each run's results.json and log.txt under <variant>/seed<seed>/.
set -u
cd "$(dirname "$0")/../.."
out="${OUT:?OUT must be set}/translation"
mkdir -p "$out"
export KERAS_BACKEND=jax TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$PWD"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export XLA_PYTHON_CLIENT_MEM_FRACTION="${TRANSLATION_MEM_FRACTION:-0.03}"
export JAX_COMPILATION_CACHE_DIR="${TRANSLATION_JAX_CACHE:-/tmp/translation_jax_cache}"
python="${PYTHON:-python3}"
work=/tmp/translation_grid
date -u +"start %F %T UTC" > "$out/run.txt"
"$python" benchmarks/translation_quality.py grid \
  ${TRANSLATION_VARIANTS:+--variants $TRANSLATION_VARIANTS} \
  --seeds ${TRANSLATION_SEEDS:-0 1 2} --jobs "${TRANSLATION_JOBS:-10}" \
  --deadline-minutes "${TRANSLATION_DEADLINE:-3.5}" \
  ${TRANSLATION_EXAMPLE_ARGS:+--example-args "$TRANSLATION_EXAMPLE_ARGS"} \
  --out "$work" > "$out/grid.log" 2>&1
status=$?
cp "$work"/grid.md "$work"/grid.json "$out"/ 2>/dev/null
for run in "$work"/*/seed*; do
  target="$out/${run#$work/}"
  mkdir -p "$target"
  cp "$run"/results.json "$run"/log.txt "$target"/ 2>/dev/null
done
date -u +"end %F %T UTC, exit $status" >> "$out/run.txt"
exit $status
