#!/usr/bin/env bash
# Images (issue 25) on the GPU device, JAX: results under "$OUT/images/".
#
#   bash benchmarks/device/images.sh            # the recipe search (< 7 min)
#   IMAGES_MODE=example bash benchmarks/device/images.sh  # the example, 3 seeds
#
# search: `benchmarks/mnist_recipe.py search`, successive halving over its
#   SETTINGS (2, 4, 8 epochs at seed 0, the best half each time; then the 3
#   best for 20 epochs with seeds 0, 1, 2), IMAGES_JOBS training processes at
#   once sharing the GPU, rungs skipped or the last one shortened to end by
#   IMAGES_DEADLINE minutes. Tables: search.md, final.csv, runs.jsonl.
# example: `examples/mnist_dcgan.py` with its defaults, seeds 0-2 in
#   parallel (a run still going after IMAGES_EXAMPLE_TIMEOUT minutes, 4.0 by
#   default, is stopped), each `gan.keras` scored by the judge: example.md.
set -u
cd "$(dirname "$0")/../.."
out="${OUT:?OUT must be set}/images"
mkdir -p "$out"
export KERAS_BACKEND=jax TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$PWD"
# Several processes share the GPU: no preallocation, a small share each.
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export XLA_PYTHON_CLIENT_MEM_FRACTION="${IMAGES_MEM_FRACTION:-0.04}"
# Compilation dominates short runs: reuse compiled steps across processes
# (the same setting in later rungs and seeds compiles to the same program).
export JAX_COMPILATION_CACHE_DIR="${IMAGES_JAX_CACHE:-/tmp/images_jax_cache}"
mode="${IMAGES_MODE:-search}"
python="${PYTHON:-python3}"
date -u +"start %F %T UTC" > "$out/run.txt"
if [ "$mode" = "example" ]; then
  work=/tmp/images_example
  "$python" benchmarks/mnist_recipe.py example --seeds 3 --jobs 3 \
    --timeout-minutes "${IMAGES_EXAMPLE_TIMEOUT:-4.0}" \
    --out "$work" > "$out/example.log" 2>&1
  status=$?
  cp "$work"/example.md "$work"/example.jsonl "$out"/ 2>/dev/null
  for seed in 0 1 2; do
    mkdir -p "$out/seed_$seed"
    cp "$work/seed_$seed/results.json" "$work/seed_$seed/losses.png" \
      "$work/seed_$seed/samples/epoch_0020.png" "$out/seed_$seed/" 2>/dev/null
    cp "$work/seed_$seed.log" "$out/" 2>/dev/null
  done
else
  "$python" benchmarks/mnist_recipe.py search \
    --settings "${IMAGES_SETTINGS:-all}" \
    --rungs "${IMAGES_RUNGS:-2,4,8}" \
    --final-epochs "${IMAGES_FINAL_EPOCHS:-20}" \
    --finalists "${IMAGES_FINALISTS:-3}" --seeds "${IMAGES_SEEDS:-3}" \
    --jobs "${IMAGES_JOBS:-12}" \
    --deadline-minutes "${IMAGES_DEADLINE:-6.3}" \
    ${IMAGES_TRAIN_IMAGES:+--train-images "$IMAGES_TRAIN_IMAGES"} \
    --out "$out" > "$out/search.log" 2>&1
  status=$?
fi
date -u +"end %F %T UTC, exit $status" >> "$out/run.txt"
exit $status
