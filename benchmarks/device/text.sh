#!/usr/bin/env bash
# Text family (issue 23): the 3-seed recipe table of examples/text_names.py
# (30 epochs each), the seeds and variants side by side, on JAX.
#   mle:            30 epochs of maximum likelihood, no adversarial phase
#   gumbel_mle1:    the example's default: 26 epochs of maximum likelihood,
#                   then 4 adversarial epochs (Gumbel-softmax, mle_weight 1)
#   reinforce_mle1: the same with the REINFORCE estimator
#   gumbel_t0.1_mle1: the default with a Gumbel-softmax temperature of 0.1
# Each run also scores temperatures 0.8, 0.9 and 1.1, and the Markov chains
# with 3 and 4 letters of context on its own split. Writes $OUT/text/.
# TEXT_VARIANTS picks variants; LIMIT_SECONDS bounds each run (330).
set -u
out="$OUT/text"
mkdir -p "$out"
run() {
  name=$1; seed=$2; shift 2
  timeout "${LIMIT_SECONDS:-330}" python3 examples/text_names.py --epochs 30 --seed "$seed" \
    --sweep-temperatures 0.8 0.9 1.1 --out "$out/$name-s$seed" "$@" \
    > "$out/$name-s$seed.log" 2>&1 &
}
variants=${TEXT_VARIANTS:-mle gumbel_mle1 reinforce_mle1 gumbel_t0.1_mle1}
for seed in 0 1 2; do
  for name in $variants; do
    case $name in
      mle) run mle "$seed" --pretrain-epochs 30 ;;
      gumbel_mle1) run gumbel_mle1 "$seed" ;;
      reinforce_mle1) run reinforce_mle1 "$seed" --estimator reinforce ;;
      gumbel_t0.1_mle1) run gumbel_t0.1_mle1 "$seed" --gumbel-temperature 0.1 ;;
    esac
  done
done
wait
rm -f "$out"/*/text_gan.keras
for name in $variants; do
  echo "## $name"
  python3 benchmarks/text_table.py "$out/$name"-s*/metrics.json
done > "$out/table.md" 2>&1
cat "$out/table.md"
