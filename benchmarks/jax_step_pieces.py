"""CPU time of each jitted piece of a GAN step on JAX.

Times, for the MNIST DCGAN (`dcgan_generator(128, (28, 28, 1))`,
`dcgan_discriminator((28, 28, 1))`, 64 base filters, batch 64), each piece
jitted on its own: generator forward, generator forward + backward (w.r.t.
its weights), discriminator forward, its gradient w.r.t. its weights and
w.r.t. its input, the R1 penalty `sum(|grad_x D(x)|^2)` and its gradient
w.r.t. the discriminator's weights (the double backward), and the
generator's gradient through the discriminator. Reported: wall and process
CPU milliseconds per call, the mean of `--calls` calls after one warm-up
(compiling) call. With `--keras-conv` the `MatmulConv2D*` layers run Keras'
own convolution ops, as before issue 17, for comparison.

Usage:

```
KERAS_BACKEND=jax python benchmarks/jax_step_pieces.py
KERAS_BACKEND=jax python benchmarks/jax_step_pieces.py --keras-conv
KERAS_BACKEND=jax python benchmarks/jax_step_pieces.py --upsampling resize
```
"""

import argparse
import os
import sys
import time

os.environ["KERAS_BACKEND"] = "jax"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upsampling", choices=("transpose", "resize"),
                        default=None)
    parser.add_argument("--base-filters", type=int,
                        default=_common.BASE_FILTERS)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--keras-conv", action="store_true",
                        help="Keras' own convolution ops (before issue 17)")
    args = parser.parse_args()

    import jax
    import keras

    import keras_gan
    from keras_gan.layers import upsampling as builders

    if args.keras_conv:
        keras_gan.layers.matmul_convolutions.REARRANGED_BACKENDS = ()
    keras.utils.set_random_seed(0)
    generator = keras_gan.models.dcgan_generator(
        _common.LATENT_DIM, _common.IMAGE_SHAPE,
        base_filters=args.base_filters, upsampling=args.upsampling,
    )
    discriminator = keras_gan.models.dcgan_discriminator(
        _common.IMAGE_SHAPE, base_filters=args.base_filters
    )
    g_weights = [v.value for v in generator.trainable_variables]
    g_state = [v.value for v in generator.non_trainable_variables]
    d_weights = [v.value for v in discriminator.trainable_variables]
    d_state = [v.value for v in discriminator.non_trainable_variables]
    z = jax.random.normal(jax.random.PRNGKey(0),
                          (_common.BATCH_SIZE, _common.LATENT_DIM))
    x = jax.random.normal(jax.random.PRNGKey(1),
                          (_common.BATCH_SIZE,) + _common.IMAGE_SHAPE)

    def generate(weights, z):
        return generator.stateless_call(weights, g_state, z, training=True)[0]

    def judge(weights, x):
        return discriminator.stateless_call(weights, d_state, x,
                                            training=True)[0]

    def r1(weights, x):
        gradients = jax.grad(lambda images: judge(weights, images).sum())(x)
        return (gradients ** 2).sum()

    pieces = [
        ("G forward", generate, (g_weights, z)),
        ("G forward + backward",
         jax.grad(lambda w, z: generate(w, z).sum()), (g_weights, z)),
        ("D forward", judge, (d_weights, x)),
        ("D gradient w.r.t. weights",
         jax.grad(lambda w, x: judge(w, x).sum()), (d_weights, x)),
        ("D gradient w.r.t. input",
         jax.grad(lambda w, x: judge(w, x).sum(), argnums=1), (d_weights, x)),
        ("R1 penalty", r1, (d_weights, x)),
        ("R1 gradient w.r.t. D weights", jax.grad(r1), (d_weights, x)),
        ("G gradient through D",
         jax.grad(lambda w, z: judge(d_weights, generate(w, z)).sum()),
         (g_weights, z)),
    ]
    print(f"# JAX {jax.__version__}, base_filters={args.base_filters}, "
          f"batch {_common.BATCH_SIZE}, upsampling="
          f"{builders.resolve_upsampling(args.upsampling)}, "
          f"{'Keras' if args.keras_conv else 'matmul'} convolutions")
    print("| piece | wall ms | CPU ms |")
    print("|---|---|---|")
    for name, fn, inputs in pieces:
        jitted = jax.jit(fn)
        jax.block_until_ready(jitted(*inputs))
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.calls):
            jax.block_until_ready(jitted(*inputs))
        wall = (time.perf_counter() - wall) / args.calls * 1e3
        cpu = (time.process_time() - cpu) / args.calls * 1e3
        print(f"| {name} | {wall:.1f} | {cpu:.1f} |", flush=True)


if __name__ == "__main__":
    main()
