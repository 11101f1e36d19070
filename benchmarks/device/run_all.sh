#!/usr/bin/env bash
# Runs families' measurement jobs side by side on a lent GPU machine.
#
# Usage (from the repository root, on the device, wheels in .whl/):
#   bash benchmarks/device/run_all.sh images text ...
# Each job is benchmarks/device/<name>.sh; it writes its results under
# "$OUT/<name>/". Everything ends up in one archive, $OUT/results.tgz, with
# one log per job, because the device returns only a few files.
set -u
final_out=${OUT:?OUT must be set}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
  --upgrade --target /tmp/site .whl/*.whl || exit 1
for sdist in .whl/*.tar.gz; do
  [ -e "$sdist" ] || continue
  python3 -m pip install -q --no-index --no-deps --no-build-isolation \
    --target /tmp/site "$sdist" || exit 1
done
export PYTHONPATH=/tmp/site:$PWD
export KERAS_BACKEND=jax TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export OUT=/tmp/results
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv > "$OUT/machine.txt" 2>&1
nproc >> "$OUT/machine.txt"
python3 -c "import jax, keras; print(jax.devices(), keras.__version__)" \
  >> "$OUT/machine.txt" 2>&1
start=$(date +%s)
for job in "$@"; do
  mkdir -p "$OUT/$job"
  ( bash "benchmarks/device/$job.sh" > "$OUT/$job.log" 2>&1;
    echo "exit $? after $(( $(date +%s) - start )) s" >> "$OUT/$job.log" ) &
done
wait
tar czf "$final_out/results.tgz" -C "$OUT" .
for job in "$@"; do echo "== $job"; tail -5 "$OUT/$job.log"; done
