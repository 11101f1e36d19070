#!/usr/bin/env bash
# The tables benchmark (benchmarks/tabular_vs_ctgan.py) on a lent GPU machine:
# 3 tables x 3 seeds x {keras_gan on JAX, ctgan on torch, and the candidates
# keras_gan_ema and keras_gan_shuffled}, 300 epochs, all 36 runs side by side
# (one CPU thread each; both frameworks on the GPU).
# Writes $OUT/tables/runs.jsonl (one JSON line per run), summary.md (mean
# +/- std over the seeds) and one log per run. Needs the ctgan, rdt and faker
# wheels in .whl/ (installed by run_all.sh). Usage, from the repository root:
#   bash benchmarks/device/run_all.sh tables
#   EPOCHS=2 bash benchmarks/device/tables.sh   # smoke, with OUT set
set -u
out="${OUT:?OUT must be set}/tables"
mkdir -p "$out"
epochs=${EPOCHS:-300}
limit=${LIMIT_SECONDS:-330}
export CTGAN_GPU=1 KERAS_BACKEND=jax TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
export XLA_PYTHON_CLIENT_PREALLOCATE=false
start=$(date +%s)
for dataset in fair anes96 randhie; do
  for seed in 0 1 2; do
    for synthesizer in ${SYNTHESIZERS:-keras_gan ctgan keras_gan_ema keras_gan_shuffled}; do
      name="$dataset-$seed-$synthesizer"
      timeout "$limit" python3 benchmarks/tabular_vs_ctgan.py \
        --epochs "$epochs" --datasets "$dataset" --seeds "$seed" \
        --synthesizers "$synthesizer" --output "$out/$name.jsonl" \
        > "$out/$name.log" 2>&1 &
    done
  done
done
wait
cat "$out"/*.jsonl > "$out/runs.jsonl" 2>/dev/null
python3 benchmarks/tabular_vs_ctgan.py --summarize "$out/runs.jsonl" \
  > "$out/summary.md" 2>&1
echo "runs finished: $(wc -l < "$out/runs.jsonl") after $(( $(date +%s) - start )) s"
tail -12 "$out/summary.md"
