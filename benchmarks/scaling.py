"""Training steps per second with 1 and 2 processes (`torch.distributed`).

The model is the MNIST DCGAN of `_common.py` (`--base-filters`, default 16
to keep CPU runs short) with `gan.compile()` defaults (non-saturating loss +
R1, Adam), on the PyTorch backend: the multi-process engine keras_gan adds
itself (gradients averaged with one gloo all-reduce per update). Two runs
share one global batch (`--global-batch`, default 64):

- 1 process: `fit` with the global batch and `torch.set_num_threads(cores)`;
- 2 processes (`torchrun --standalone --nproc_per_node 2`): each `fit`s its
  `keras_gan.distributed.shard` with half the batch and `cores // 2`
  threads, so both runs use the same cores.

Each run warms up (`fit(steps_per_epoch=2)`), then times `--steps` steps in
one `fit` call; reported are steps/s (global batches per second of wall
time), process CPU time per step summed over the processes, and the ratio
of the 2-process to the 1-process steps/s.

What a small CPU machine can show: on 2 cores both runs split the same two
cores, so 2 processes cannot be faster than 1 process with 2 threads; the
ratio measures the cost of the extra all-reduces and the per-process
overhead, not the speed-up a cluster gets from adding devices. On a shared,
loaded machine wall times also swing with other jobs.

Usage:

```bash
python benchmarks/scaling.py --steps 20
```
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--global-batch", type=int, default=64)
    parser.add_argument("--base-filters", type=int, default=16)
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def worker(args):
    os.environ["KERAS_BACKEND"] = "torch"
    sys.path[:0] = [HERE, ROOT]
    import torch
    import torch.distributed as dist

    distributed = "WORLD_SIZE" in os.environ
    if distributed:
        dist.init_process_group("gloo")
    import _common
    import keras_gan

    count = keras_gan.distributed.process_count()
    torch.set_num_threads(max(1, args.cores // count))
    batch_size = keras_gan.distributed.per_process_batch_size(args.global_batch)
    images, _ = _common.load_images()
    images = keras_gan.distributed.shard(images, batch_size=batch_size)
    gan = _common.build_gan(base_filters=args.base_filters)
    fit = dict(batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    gan.fit(images, steps_per_epoch=2, **fit)
    if distributed:
        dist.barrier()
    wall, cpu = time.perf_counter(), time.process_time()
    gan.fit(images, steps_per_epoch=args.steps, **fit)
    if distributed:
        dist.barrier()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    cpu_total = torch.tensor([cpu], dtype=torch.float64)
    if distributed:
        dist.all_reduce(cpu_total)
    if keras_gan.distributed.is_chief():
        print(
            json.dumps(
                {
                    "processes": count,
                    "steps_per_s": args.steps / wall,
                    "cpu_ms_per_step": 1000 * float(cpu_total) / args.steps,
                }
            )
        )
    if distributed:
        dist.destroy_process_group()


def run(command):
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "TF_CPP_MIN_LOG_LEVEL": "3"}
    output = subprocess.run(
        command, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    args = parse_args()
    if args.worker:
        return worker(args)
    options = [
        "--worker",
        f"--steps={args.steps}",
        f"--global-batch={args.global_batch}",
        f"--base-filters={args.base_filters}",
        f"--cores={args.cores}",
    ]
    script = os.path.abspath(__file__)
    one = run([sys.executable, script, *options])
    two = run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone",
         "--nproc_per_node", "2", script, *options]
    )
    print(f"MNIST DCGAN (base filters {args.base_filters}), global batch "
          f"{args.global_batch}, {args.steps} steps, {args.cores} cores, torch")
    for result in (one, two):
        print(f"  {result['processes']} process(es): "
              f"{result['steps_per_s']:.2f} steps/s, "
              f"{result['cpu_ms_per_step']:.0f} CPU ms/step")
    print(f"  2 processes / 1 process: "
          f"{two['steps_per_s'] / one['steps_per_s']:.2f}x steps/s")


if __name__ == "__main__":
    main()
