"""Roofline of the MNIST example's training step on each Keras backend.

The work: the floating-point operations of one training step of
`examples/mnist_dcgan.py`'s GAN (read from its `RECIPE`:
`dcgan_generator(128, (28, 28, 1))` and `dcgan_discriminator((28, 28, 1))`
with the example's stem and final convolution, 64 base filters, the
relativistic loss with R1 and R2, the example's Adam for both networks; a
recipe this count does not cover is refused), at batch 64, counted from the
layers' shapes (`step_flops`):

- every `Dense`, `Conv2D` and `Conv2DTranspose` layer does 2 FLOPs per
  multiply-add of its matrix product, counting only the kernel taps that
  meet the input (a `"same"` convolution's taps on the zero padding, and a
  transposed convolution's taps cropped from its output, are no work);
- its gradient with respect to its input costs the same, and so does its
  gradient with respect to its kernel;
- the discriminator step: the generator's forward pass (the fakes), the
  discriminator's forward pass on the reals and the fakes with their input
  gradients (R1 and R2 use the input gradients of the pass that gives the
  loss's logits), then the gradient of loss + penalties with respect to the
  discriminator's weights: through the forward pass (kernel and input
  gradients; not the first layer's input gradient) and through the input
  gradients' own ops (the penalties' double backward: the derivatives with
  respect to the kernel and to the incoming gradient; LeakyReLU's
  derivative is piecewise constant, so no second-order term flows back
  through the activations);
- the generator step: the generator's forward pass, the discriminator's
  forward pass on the fakes and on the reals (the relativistic loss reads
  both), the discriminator's input gradients on the fakes, and the
  generator's kernel and input gradients (not the latent's);
- elementwise work (bias, batch normalization, activations, Adam) is left
  out: `elementwise_flops` puts a generous bound on it, about 2 % of the
  total.

The ceiling: the best rate of the same backend on the same kind of work,
a large matrix product (`--matmul-size`, square, float32) and a large 3x3
convolution (batch 64, 14x14, 128 to 128 channels), each compiled the way
the backend compiles a training step (`tf.function`, `jax.jit`, eager
PyTorch).

The step: `fit()` on the MNIST subset, `--blocks` timed blocks of
`--steps` steps after a warm-up, the median ms/step. The pieces: the same
GAN with its `train_step` cut down (`PieceGAN`): nothing but the logs
(framework overhead: Keras' loop, data, callbacks, logs), one optimizer
update of each network on a zero-cost loss (optimizer), the generator's
update alone, the discriminator's update without and with its penalties.
A piece's time is its step time minus the parts it contains that are
measured on their own; "rest" is the full step minus all pieces (what
running them in one step adds or saves).

Each backend runs in its own subprocess, one after the other. Run it on an
otherwise quiet machine (the timing is the point):

```
python benchmarks/roofline.py                          # ~10 minutes
python benchmarks/roofline.py --backends torch --steps 4 --blocks 2
python benchmarks/roofline.py --count-only             # the FLOP count
```
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

BACKENDS = ("tensorflow", "jax", "torch")
BATCH_SIZE = 64
PIECES = (
    "overhead",
    "optimizer_d",
    "optimizer_g",
    "generator",
    "discriminator",
    "discriminator_penalized",
    "step",
)

# === The work, from the layers' shapes ===


def _taps(size_in, size_out, kernel, stride, before, transposed):
    """Multiply-adds along one axis: (input, output, tap) triples whose
    input and output both exist."""
    count = 0
    if transposed:
        for i in range(size_in):
            for k in range(kernel):
                count += 0 <= i * stride + k - before < size_out
    else:
        for o in range(size_out):
            for k in range(kernel):
                count += 0 <= o * stride + k - before < size_in
    return count


def _same_before(size_in, size_out, kernel, stride, transposed):
    if transposed:
        return max(kernel - stride, 0) // 2
    return max((size_out - 1) * stride + kernel - size_in, 0) // 2


def layer_flops(layer, batch_size):
    """2 x the multiply-adds of one forward pass of `layer` (0 for
    elementwise layers)."""
    import keras

    if isinstance(layer, keras.layers.Dense):
        return 2 * batch_size * layer.input.shape[-1] * layer.units
    transposed = isinstance(layer, keras.layers.Conv2DTranspose)
    if transposed or isinstance(layer, keras.layers.Conv2D):
        _, h_in, w_in, c_in = layer.input.shape
        _, h_out, w_out, c_out = layer.output.shape
        (kh, kw), (sh, sw) = layer.kernel_size, layer.strides
        if layer.padding == "same":
            bh = _same_before(h_in, h_out, kh, sh, transposed)
            bw = _same_before(w_in, w_out, kw, sw, transposed)
        else:
            bh = bw = 0
        taps = _taps(h_in, h_out, kh, sh, bh, transposed) * _taps(
            w_in, w_out, kw, sw, bw, transposed
        )
        return 2 * batch_size * taps * c_in * c_out
    return 0


def network_flops(model, batch_size):
    """`[(layer name, forward FLOPs)]` of the layers with a matrix product,
    input to output."""
    rows = []
    for layer in model.layers:
        flops = layer_flops(layer, batch_size)
        if flops:
            rows.append((layer.name, flops))
    return rows


def step_flops(generator, discriminator, batch_size=BATCH_SIZE):
    """FLOPs of one step of the example's recipe, by piece (module doc)."""
    g = [f for _, f in network_flops(generator, batch_size)]
    d = [f for _, f in network_flops(discriminator, batch_size)]
    g_fwd, d_fwd = sum(g), sum(d)
    # The discriminator's update of one pass: kernel gradients of every
    # layer, input gradients of all but the first.
    d_update = d_fwd + (d_fwd - d[0])
    discriminator = g_fwd + 2 * (d_fwd + d_update)
    # With R1/R2: each pass also computes its input gradients (all layers)
    # and differentiates them: kernel and incoming-gradient derivatives of
    # each layer's input-gradient op (the last layer's incoming gradient is
    # a constant).
    penalties = 2 * (d_fwd + (d_fwd + (d_fwd - d[-1])))
    generator = (
        g_fwd + 2 * d_fwd + d_fwd + (g_fwd + (g_fwd - g[0]))
    )
    return {
        "generator_forward": g_fwd,
        "discriminator_forward": d_fwd,
        "generator": generator,
        "discriminator": discriminator,
        "penalties": penalties,
        "step": generator + discriminator + penalties,
    }


def elementwise_flops(generator, discriminator, batch_size=BATCH_SIZE):
    """A generous estimate of the left-out elementwise work of one step.

    5 FLOPs per element of every layer's output per pass over it; the
    generator's layers see 4 passes per step (a forward pass in each update,
    a backward pass costing two in the generator's), the discriminator's
    13 (each of the two samples of its update: forward, input gradient,
    double backward, update; a forward pass of each sample and one backward
    pass in the generator's update); Adam 15 FLOPs per parameter.
    """
    import math

    import keras

    def elements(model):
        return sum(
            math.prod(layer.output.shape[1:]) * batch_size
            for layer in model.layers
            if not isinstance(layer, keras.layers.InputLayer)
        )

    params = generator.count_params() + discriminator.count_params()
    return 5 * (4 * elements(generator) + 13 * elements(discriminator)) + (
        15 * params
    )


# === The ceiling: large matrix products and convolutions ===


def compiled(fn):
    """`fn` compiled as the backend compiles a training step."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn)
    if backend == "jax":
        import jax

        return jax.jit(fn)
    import torch

    def eager(*args):
        with torch.no_grad():
            return fn(*args)

    return eager


def _wait(value):
    import keras

    if keras.backend.backend() == "jax":
        value.block_until_ready()
    elif keras.backend.backend() == "tensorflow":
        value.numpy()
    return value


def best_rate(fn, args, flops, repeats):
    """GFLOP/s of `fn(*args)`: the median of `repeats` timed calls."""
    for _ in range(2):
        _wait(fn(*args))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _wait(fn(*args))
        times.append(time.perf_counter() - start)
    return flops / _common.median(times) / 1e9


def ceiling(matmul_size, repeats):
    """`{"matmul": GFLOP/s, "conv": GFLOP/s}` on this backend."""
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    n = matmul_size
    a = keras.ops.convert_to_tensor(rng.normal(size=(n, n)).astype("float32"))
    b = keras.ops.convert_to_tensor(rng.normal(size=(n, n)).astype("float32"))
    rates = {
        "matmul": best_rate(
            compiled(lambda x, y: keras.ops.matmul(x, y)), (a, b),
            2 * n**3, repeats,
        )
    }
    x = keras.ops.convert_to_tensor(
        rng.normal(size=(BATCH_SIZE, 14, 14, 128)).astype("float32")
    )
    k = keras.ops.convert_to_tensor(
        rng.normal(size=(3, 3, 128, 128)).astype("float32")
    )
    taps = _taps(14, 14, 3, 1, 1, False) ** 2
    rates["conv"] = best_rate(
        compiled(lambda x, k: keras.ops.conv(x, k, padding="same")),
        (x, k), 2 * BATCH_SIZE * taps * 128 * 128, repeats,
    )
    return rates


# === The step and its pieces ===


def piece_gan_class():
    import keras
    from keras import ops

    import keras_gan

    class PieceGAN(keras_gan.GAN):
        """`keras_gan.GAN` whose training step runs one piece only."""

        piece = "step"

        def train_step(self, data):
            if self.piece == "step":
                return super().train_step(data)
            real, labels = self.unpack_batch(data)
            if self.piece in ("discriminator", "discriminator_penalized"):
                self.discriminator_step(real, labels)
            elif self.piece == "generator":
                self.generator_step(real, labels)
            elif self.piece.startswith("optimizer"):
                network, optimizer = (
                    (self.discriminator, self.d_optimizer)
                    if self.piece == "optimizer_d"
                    else (self.generator, self.g_optimizer)
                )

                def zero_cost():
                    loss = ops.zeros(())
                    for v in network.trainable_variables:
                        loss = loss + 0.0 * ops.sum(v[..., :1])
                    return loss, {}

                self.apply_update(zero_cost, [network], optimizer)
            return self.get_logs()

    keras.saving.register_keras_serializable("roofline")(PieceGAN)
    return PieceGAN


def example_networks(base_filters):
    """The example's networks, after checking that its `RECIPE` is the
    training step `step_flops` counts."""
    recipe = _common.example_module().RECIPE
    counted = {"architecture": "dcgan", "loss": "relativistic", "pack": 1,
               "augment": "none", "latent_dim": _common.LATENT_DIM}
    for key, value in counted.items():
        if recipe[key] != value:
            raise ValueError(
                f"The example's RECIPE[{key!r}] is {recipe[key]!r}; this "
                f"benchmark counts the step of {key}={value!r}. Update "
                "`step_flops` for the new recipe."
            )
    if not (recipe["r1"] and recipe["r2"]):
        raise ValueError(
            "The example's RECIPE has no R1 or no R2 penalty; `step_flops` "
            f"counts both. Received: r1={recipe['r1']!r}, r2={recipe['r2']!r}"
        )
    return _common.build_networks(0, base_filters, recipe="example")


def build_piece(piece, base_filters):
    """The example's GAN, compiled with its recipe, running `piece`."""
    generator, discriminator = example_networks(base_filters)
    gan = piece_gan_class()(
        generator, discriminator, latent_dim=_common.LATENT_DIM, seed=0
    )
    gan.piece = piece
    if piece == "discriminator":  # the same update without R1/R2
        example = _common.example_module()
        gan.compile(
            d_optimizer=example.adam(example.RECIPE, "d"),
            g_optimizer=example.adam(example.RECIPE, "g"),
            loss=example.RECIPE["loss"],
            penalty=None,
        )
    else:
        _common.compile_recipe(gan, "example")
    return gan


def time_piece(piece, x, args):
    import gc

    gan = build_piece(piece, args.base_filters)

    def run(steps):
        gc.collect()
        start = time.perf_counter()
        gan.fit(x, batch_size=BATCH_SIZE, steps_per_epoch=steps, epochs=1,
                verbose=0)
        return (time.perf_counter() - start) / steps * 1e3

    run(2)  # trace / compile
    return _common.median([run(args.steps) for _ in range(args.blocks)])


def worker(args):
    import keras

    backend = keras.backend.backend()
    x, _ = _common.load_images()
    rates = ceiling(args.matmul_size, args.repeats)
    times = {piece: time_piece(piece, x, args) for piece in args.pieces}
    generator, discriminator = example_networks(args.base_filters)
    print("RESULT " + json.dumps({
        "backend": backend,
        "ceiling": rates,
        "ms": times,
        "flops": step_flops(generator, discriminator),
        "elementwise_flops": elementwise_flops(generator, discriminator),
    }), flush=True)


# === Report ===


def breakdown(ms):
    """Milliseconds per piece from the times of the cut-down steps."""
    overhead = ms["overhead"]
    opt_d = ms["optimizer_d"] - overhead
    opt_g = ms["optimizer_g"] - overhead
    pieces = {
        "generator": ms["generator"] - overhead - opt_g,
        "discriminator": ms["discriminator"] - overhead - opt_d,
        "penalties": ms["discriminator_penalized"] - ms["discriminator"],
        "optimizer": opt_d + opt_g,
        "framework overhead": overhead,
    }
    pieces["rest"] = ms["step"] - sum(pieces.values())
    return pieces


def report(result):
    backend, flops, ms = result["backend"], result["flops"], result["ms"]
    peak = max(result["ceiling"].values())
    gflop = flops["step"] / 1e9
    rate = flops["step"] / (ms["step"] / 1e3) / 1e9
    print(f"\n## {backend}")
    print(
        f"ceiling: matmul {result['ceiling']['matmul']:.1f} GFLOP/s, conv "
        f"{result['ceiling']['conv']:.1f} GFLOP/s (best {peak:.1f})"
    )
    print(
        f"step: {gflop:.2f} GFLOP in {ms['step']:.1f} ms = {rate:.1f} GFLOP/s "
        f"= {rate / peak:.0%} of the ceiling"
    )
    print("\n| piece | GFLOP | ms | GFLOP/s | of the ceiling |")
    print("|---|---|---|---|---|")
    for piece, milliseconds in breakdown(ms).items():
        work = flops.get(piece)
        if work and milliseconds > 0:
            piece_rate = work / (milliseconds / 1e3) / 1e9
            print(f"| {piece} | {work / 1e9:.2f} | {milliseconds:.1f} | "
                  f"{piece_rate:.1f} | {piece_rate / peak:.0%} |")
        else:
            print(f"| {piece} | - | {milliseconds:.1f} | - | - |")
    print(f"| step | {gflop:.2f} | {ms['step']:.1f} | {rate:.1f} | "
          f"{rate / peak:.0%} |")
    return rate / peak


def count_only(base_filters):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    generator, discriminator = example_networks(base_filters)
    for model in (generator, discriminator):
        for name, flops in network_flops(model, BATCH_SIZE):
            print(f"{model.name}/{name}: {flops / 1e9:.4f} GFLOP forward")
    for piece, flops in step_flops(generator, discriminator).items():
        print(f"{piece}: {flops / 1e9:.3f} GFLOP")
    total = step_flops(generator, discriminator)["step"]
    extra = elementwise_flops(generator, discriminator)
    print(f"elementwise (left out): at most {extra / 1e9:.3f} GFLOP "
          f"({extra / total:.2%} of the step)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--steps", type=int, default=8,
                        help="steps per timed fit() block")
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=10,
                        help="timed calls of each ceiling op")
    parser.add_argument("--matmul-size", type=int, default=2048)
    parser.add_argument("--base-filters", type=int, default=_common.BASE_FILTERS)
    parser.add_argument("--pieces", default=",".join(PIECES),
                        help=argparse.SUPPRESS)
    parser.add_argument("--count-only", action="store_true",
                        help="print the FLOP count and exit")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.pieces = args.pieces.split(",")
    if args.count_only:
        count_only(args.base_filters)
        return
    if args.worker:
        worker(args)
        return
    backends = args.backends.split(",")
    for backend in backends:
        if backend not in BACKENDS:
            raise SystemExit(
                f"Invalid value for argument `--backends`. Expected entries in "
                f"{BACKENDS}. Received: {backend}"
            )
    print(f"# roofline: MNIST example step, batch {BATCH_SIZE}, base_filters "
          f"{args.base_filters}, {args.blocks} blocks x {args.steps} steps, "
          f"{os.cpu_count()} CPUs", flush=True)
    results = []
    for backend in backends:
        env = dict(os.environ, KERAS_BACKEND=backend)
        command = [sys.executable, os.path.abspath(__file__), "--worker",
                   "--steps", str(args.steps), "--blocks", str(args.blocks),
                   "--repeats", str(args.repeats),
                   "--matmul-size", str(args.matmul_size),
                   "--base-filters", str(args.base_filters),
                   "--pieces", ",".join(args.pieces)]
        start = time.perf_counter()
        result = _common.run_worker(command, env)
        if "error" in result:
            print(f"# {backend}: ERROR {result['error']}", flush=True)
            continue
        print(f"# {backend}: {time.perf_counter() - start:.0f} s", flush=True)
        report(result)
        results.append(result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
