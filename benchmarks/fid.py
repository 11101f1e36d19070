"""Throughput and peak memory of reportable FID: our port vs pytorch-fid.

Writes `--num-samples` PNG images (32x32, two folders of half each), then
computes the FID between the two folders in separate processes (so that
each peak memory is its own):

- `keras-<backend>`: `python -m keras_gan.metrics fid A B` (our port of the
  FID Inception network, pipeline "pytorch-fid");
- `pytorch-fid`: `pytorch_fid.fid_score.calculate_fid_given_paths` (its
  own model, bilinear resize, statistics and `scipy.linalg.sqrtm`).

Both use the same weights: `--weights pt_inception-2015-12-05-6726825d.pth`
when you have it, else one random state dict of pytorch-fid's network
(written to a temporary `.pth`, converted by our loader). pytorch-fid runs
with the torchvision stand-in of `tests/torchvision_standin.py` when
torchvision is missing. Prints images per second (feature extraction and
FID over all images, after model construction), peak resident memory, and
both FIDs with their relative difference.

    python benchmarks/fid.py --num-samples 10000 --backends tensorflow jax torch
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def write_images(directory, num_images, seed):
    """Smooth random 32x32 RGB images (upsampled 4x4 noise plus grain)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    os.makedirs(directory)
    for index in range(num_images):
        coarse = rng.uniform(0, 255, (4, 4, 3))
        image = np.kron(coarse, np.ones((8, 8, 1))) + rng.normal(
            0, 20, (32, 32, 3)
        )
        Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)).save(
            os.path.join(directory, f"{index:05d}.png")
        )


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_keras(args):
    from keras_gan.metrics import FIDInceptionV3
    from keras_gan.metrics import reportable as reporting

    start = time.perf_counter()
    extractor = FIDInceptionV3(weights=args.weights)
    build_seconds = time.perf_counter() - start
    start = time.perf_counter()
    statistics = [
        reporting.reference_statistics(
            directory, extractor, batch_size=args.batch_size
        )
        for directory in args.dirs
    ]
    value = reporting.fid_from_statistics(*statistics)
    return build_seconds, time.perf_counter() - start, value


def run_pytorch_fid(args):
    import torch

    from tests import torchvision_standin

    torchvision_standin.install()
    from pytorch_fid import fid_score
    from pytorch_fid import inception

    state_dict = torch.load(args.weights, map_location="cpu")
    inception.load_state_dict_from_url = lambda *a, **k: state_dict
    start = time.perf_counter()
    # Built inside calculate_fid_given_paths; time it here separately.
    inception.InceptionV3([3])
    build_seconds = time.perf_counter() - start
    start = time.perf_counter()
    value = fid_score.calculate_fid_given_paths(
        list(args.dirs), args.batch_size, "cpu", 2048, num_workers=0
    )
    return build_seconds, time.perf_counter() - start, float(value)


def child(args):
    runner = run_pytorch_fid if args.child == "pytorch-fid" else run_keras
    build_seconds, seconds, value = runner(args)
    num_images = sum(len(os.listdir(d)) for d in args.dirs)
    print(
        "RESULT "
        + json.dumps(
            {
                "implementation": args.child,
                "images_per_second": num_images / seconds,
                "seconds": seconds,
                "build_seconds": build_seconds,
                "peak_memory_mb": peak_memory_mb(),
                "fid": value,
            }
        )
    )


def random_weights(path):
    import torch

    from tests import torchvision_standin

    torch.save(torchvision_standin.random_pytorch_fid_state_dict(), path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-samples", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--weights", default=None, help="pytorch-fid's .pth")
    parser.add_argument(
        "--backends",
        nargs="+",
        default=[os.environ.get("KERAS_BACKEND", "tensorflow")],
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dirs", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    workdir = tempfile.mkdtemp(prefix="fid_benchmark_")
    dirs = [os.path.join(workdir, name) for name in ("a", "b")]
    half = args.num_samples // 2
    for seed, directory in enumerate(dirs):
        write_images(directory, half, seed)
    weights = args.weights
    if weights is None:
        weights = os.path.join(workdir, "random_fid_inception.pth")
        random_weights(weights)
        print("weights: random (pytorch-fid's network, PyTorch's default init)")
    else:
        print(f"weights: {weights}")
    print(f"images: {2 * half} PNG files, 32x32, in two folders", flush=True)
    implementations = ["pytorch-fid"] + [f"keras-{b}" for b in args.backends]
    print(
        f"{'implementation':<18}{'images/s':>10}{'seconds':>10}"
        f"{'build s':>10}{'peak MB':>10}{'FID':>14}{'rel. diff':>12}",
        flush=True,
    )
    reference = None
    for implementation in implementations:
        env = dict(os.environ, PYTHONPATH=REPO_ROOT)
        if implementation.startswith("keras-"):
            env["KERAS_BACKEND"] = implementation[len("keras-") :]
        if args.threads:
            env["OMP_NUM_THREADS"] = str(args.threads)
        command = [
            sys.executable,
            __file__,
            "--child",
            implementation,
            "--dirs",
            *dirs,
            "--weights",
            weights,
            "--batch-size",
            str(args.batch_size),
        ]
        output = subprocess.run(
            command, env=env, capture_output=True, text=True
        )
        lines = [
            line
            for line in output.stdout.splitlines()
            if line.startswith("RESULT ")
        ]
        if not lines:
            print(output.stdout[-2000:], output.stderr[-4000:])
            raise RuntimeError(f"{implementation} failed")
        result = json.loads(lines[-1][len("RESULT ") :])
        reference = result["fid"] if reference is None else reference
        print(
            f"{result['implementation']:<18}"
            f"{result['images_per_second']:>10.2f}"
            f"{result['seconds']:>10.1f}{result['build_seconds']:>10.1f}"
            f"{result['peak_memory_mb']:>10.0f}{result['fid']:>14.6f}"
            f"{abs(result['fid'] - reference) / reference:>12.2e}",
            flush=True,
        )


if __name__ == "__main__":
    main()
