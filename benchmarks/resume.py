"""Mid-epoch resume on the MNIST DCGAN: is it exact, and what does it cost?

Trains the DCGAN of `_common.py` (`--base-filters`, default 16, batch 64,
NS + R1 defaults, `GeneratorEMA(0.999)`) on the 5,000-image MNIST subset
(78 batches per epoch, `shuffle=False`) for 2 epochs under
`keras.callbacks.BackupAndRestore(save_freq=--save-freq)`, three times in
one process:

1. uninterrupted;
2. the same run interrupted in epoch 2 after batch `--interrupt-batch`
   (the backup holds the last multiple of `save_freq`);
3. a freshly built model (other initial weights) resuming from the backup.

Prints the largest absolute difference between the weights (networks, EMA
generator, noise state) and the optimizer variables of runs 1 and 3, and
the wall time the resumed run spent dropping the batches it had already
trained on, next to the time run 1 spent training those same batches
(both measured from the start of epoch 2 to the end of the last done batch).

Usage:

```
python benchmarks/resume.py                 # ~2-4 minutes on 2 CPU cores
python benchmarks/resume.py --quick         # smoke test
KERAS_BACKEND=jax python benchmarks/resume.py
```
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common  # noqa: E402


class BatchClock:
    """Seconds from the start of epoch `epoch` to the end of each batch."""

    def __init__(self, epoch):
        import keras

        self.times = {}

        def begin(current, logs=None):
            self.current = current
            self.start = time.perf_counter()

        def end(batch, logs=None):
            if self.current == epoch:
                self.times[batch] = time.perf_counter() - self.start

        self.callback = keras.callbacks.LambdaCallback(
            on_epoch_begin=begin, on_train_batch_end=end
        )


class InterruptAt:
    def __init__(self, epoch, batch):
        import keras

        def end(current_batch, logs=None):
            if self.current == epoch and current_batch == batch:
                raise KeyboardInterrupt("simulated preemption")

        def begin(current, logs=None):
            self.current = current

        self.callback = keras.callbacks.LambdaCallback(
            on_epoch_begin=begin, on_train_batch_end=end
        )


def run(images, backup, seed, args, extra_callbacks=()):
    import keras

    import keras_gan

    gan = _common.build_gan(seed=seed, base_filters=args.base_filters)
    callbacks = [
        keras.callbacks.BackupAndRestore(backup, save_freq=args.save_freq),
        keras_gan.callbacks.GeneratorEMA(decay=0.999),
        *extra_callbacks,
    ]
    gan.fit(
        images,
        epochs=2,
        batch_size=_common.BATCH_SIZE,
        shuffle=False,
        verbose=0,
        callbacks=callbacks,
    )
    return gan


def max_difference(a, b):
    import keras
    import numpy as np

    return max(
        float(np.max(np.abs(keras.ops.convert_to_numpy(x) - keras.ops.convert_to_numpy(y))))
        for x, y in zip(a, b)
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-filters", type=int, default=16)
    parser.add_argument("--save-freq", type=int, default=20)
    parser.add_argument("--interrupt-batch", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="1,000 images, 4 filters")
    args = parser.parse_args(argv)
    images, source = _common.load_images(1000 if args.quick else None)
    if args.quick:
        args.base_filters, args.save_freq, args.interrupt_batch = 4, 5, 10

    import keras

    workdir = tempfile.mkdtemp()
    try:
        reference_clock = BatchClock(epoch=1)
        reference = run(images, os.path.join(workdir, "a"), 0, args, [reference_clock.callback])
        backup = os.path.join(workdir, "b")
        try:
            run(images, backup, 0, args, [InterruptAt(1, args.interrupt_batch).callback])
        except KeyboardInterrupt:
            pass
        resumed_clock = BatchClock(epoch=1)
        resumed = run(images, backup, 7, args, [resumed_clock.callback])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    batches = len(images) // _common.BATCH_SIZE + (len(images) % _common.BATCH_SIZE > 0)
    done = (batches + args.interrupt_batch + 1) // args.save_freq * args.save_freq - batches
    print(f"backend {keras.backend.backend()}, data: {source}, {len(images)} images, "
          f"{batches} batches per epoch, base filters {args.base_filters}")
    print(f"interrupted after batch {args.interrupt_batch + 1} of epoch 2; the backup "
          f"(save_freq={args.save_freq}) held {done} batches of it")
    print("max |weights resumed - uninterrupted|:",
          f"{max_difference(reference.weights, resumed.weights):.3g}",
          f"({len(reference.weights)} variables)")
    print("max |optimizer variables resumed - uninterrupted|:",
          f"{max_difference(reference.optimizer.variables, resumed.optimizer.variables):.3g}")
    skip_seconds = resumed_clock.times[done - 1]
    train_seconds = reference_clock.times[done - 1]
    print(f"resumed run: dropping the {done} done batches took {skip_seconds:.3f} s; "
          f"training them took {train_seconds:.2f} s in the uninterrupted run "
          f"(ratio {skip_seconds / train_seconds:.4f})")


if __name__ == "__main__":
    main()
