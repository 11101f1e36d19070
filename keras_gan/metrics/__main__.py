"""Command line: reportable FID, statistics and weight conversion.

```
python -m keras_gan.metrics fid REAL FAKE --num-samples 50000 --out fake.npz
python -m keras_gan.metrics stats REAL --out real.npz
python -m keras_gan.metrics convert-weights \
    pt_inception-2015-12-05-6726825d.pth \
    fid_inception_v3_2015-12-05.weights.h5
```

REAL and FAKE are each a directory of images, a `.npy` array of images, a
`.npz` of statistics, or (FAKE) a `.keras` generator or GAN.
"""

import argparse
import sys

from keras_gan.metrics.reportable import inception as fid_inception
from keras_gan.metrics import reportable
from keras_gan.metrics.reportable.pipeline import PIPELINES


def _add_common_arguments(parser):
    parser.add_argument(
        "--weights",
        default="pytorch-fid",
        help="'pytorch-fid' (downloaded once, needs torch to convert), a "
        "`.pth` or a `.weights.h5` file (default: %(default)s)",
    )
    parser.add_argument(
        "--pipeline",
        choices=PIPELINES,
        default=None,
        help="input pipeline (default: the reference's, else pytorch-fid)",
    )
    parser.add_argument("--num-samples", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument(
        "--value-range",
        type=float,
        nargs=2,
        default=(-1.0, 1.0),
        metavar=("LOW", "HIGH"),
        help="range of float images and generator outputs "
        "(default: -1 1; uint8 images are used as they are)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m keras_gan.metrics",
        description="FID comparable with pytorch-fid and clean-fid.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fid = commands.add_parser("fid", help="FID between REAL and FAKE")
    fid.add_argument("real", help="directory, .npy, or .npz statistics")
    fid.add_argument("fake", help="directory, .npy, .npz or .keras model")
    fid.add_argument("--out", help="write the statistics of FAKE here")
    fid.add_argument("--real-out", help="write the statistics of REAL here")
    _add_common_arguments(fid)
    stats = commands.add_parser("stats", help="statistics of SOURCE")
    stats.add_argument("source")
    stats.add_argument("--out", required=True)
    _add_common_arguments(stats)
    convert = commands.add_parser(
        "convert-weights", help="pytorch-fid .pth to Keras .weights.h5"
    )
    convert.add_argument("pth")
    convert.add_argument("weights_h5")
    return parser


def _statistics(source, extractor, args, pipeline, out=None):
    if source.endswith(".npz"):
        return reportable.load_statistics(source)
    return reportable.reference_statistics(
        source,
        extractor(),
        out=out,
        pipeline=pipeline,
        num_samples=args.num_samples,
        batch_size=args.batch_size,
        value_range=args.value_range,
        seed=args.seed,
        verbose=0 if args.quiet else 1,
    )


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except (FileNotFoundError, ImportError) as error:
        print(f"error: {error} (command line: --weights PATH)", file=sys.stderr)
        return 1


def _run(args):
    if args.command == "convert-weights":
        model = fid_inception.FIDInceptionV3(weights=args.pth)
        model.save_weights(args.weights_h5)
        print(f"Wrote {args.weights_h5}")
        return 0
    built = []

    def extractor():
        if not built:
            built.append(fid_inception.FIDInceptionV3(weights=args.weights))
        return built[0]

    if args.command == "stats":
        _statistics(
            args.source, extractor, args, args.pipeline or "pytorch-fid",
            args.out,
        )
        print(f"Wrote {args.out}")
        return 0
    real = _statistics(
        args.real, extractor, args, args.pipeline or "pytorch-fid",
        args.real_out,
    )
    fake = _statistics(
        args.fake, extractor, args, args.pipeline or real["pipeline"],
        args.out,
    )
    value = reportable.fid_from_statistics(fake, real)
    print(
        f"FID: {value:.6f} ({fake['num_samples']} vs {real['num_samples']} "
        f"images, pipeline {real['pipeline']!r})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
