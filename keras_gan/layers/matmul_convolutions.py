"""2D convolutions computed as matrix products (for XLA on CPU).

XLA's CPU code is slow at the backward pass of a strided `Conv2DTranspose`,
the double backward of a strided `Conv2D` (gradient penalties) and
convolutions to a single filter (`benchmarks/jax_step_pieces.py` measures
the pieces; figures in docs/benchmarks.md). The same math written with
matrix products, slices and reshapes is fast there:

- a strided convolution is a stride-1 convolution of the space-to-depth
  rearranged input with a rearranged kernel;
- a strided transposed convolution is one stride-1 convolution that computes
  every output phase (`strides[0] * strides[1]` of them) at the input
  resolution, whose phases are interleaved (depth-to-space);
- a stride-1 convolution is one matrix product (`matmul_conv2d_valid`).

The layers below hold the same weights and config as `keras.layers.Conv2D`
and `keras.layers.Conv2DTranspose` and compute the same function; only the
backends listed in `REARRANGED_BACKENDS` use the rearranged form.
"""

import keras
import numpy as np
from keras import ops

# Backends whose convolutions use the rearranged form; measured with
# `benchmarks/backend_step_time.py --recipe example` (docs/benchmarks.md).
REARRANGED_BACKENDS = ("jax",)


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def matmul_conv2d_valid(inputs, kernel):
    """A stride-1 `"valid"` convolution as one matrix product.

    Channels-last `inputs` and a `(kh, kw, channels, filters)` kernel. The
    shifted input windows are stacked along the channels (im2col) and
    multiplied by the flattened kernel; when the products of the input with
    all taps are smaller than the input (few filters, such as a generator's
    last layer) the input is multiplied by every tap at once and the shifted
    products are summed. Either way the forward pass and every gradient are
    matrix products, slices and pads (XLA's CPU gradients of the second form
    are slower for larger products, `benchmarks/jax_step_pieces.py`).
    """
    kh, kw, channels, filters = kernel.shape
    _, height, width, _ = inputs.shape
    out_h, out_w = height - kh + 1, width - kw + 1
    if kh * kw * filters > channels:
        patches = ops.concatenate(
            [
                inputs[:, i : i + out_h, j : j + out_w, :]
                for i in range(kh)
                for j in range(kw)
            ],
            axis=-1,
        )
        return ops.matmul(
            patches, ops.reshape(kernel, (kh * kw * channels, filters))
        )
    w = ops.transpose(kernel, (2, 0, 1, 3))
    products = ops.matmul(
        inputs, ops.reshape(w, (channels, kh * kw * filters))
    )
    products = ops.reshape(products, (-1, height, width, kh * kw, filters))
    total = None
    for i in range(kh):
        for j in range(kw):
            term = products[:, i : i + out_h, j : j + out_w, i * kw + j, :]
            total = term if total is None else total + term
    return total


def _same_padding_before(size, kernel, stride):
    """Padding Keras' `"same"` puts before the input of a strided conv."""
    out = -(-size // stride)
    return max((out - 1) * stride + kernel - size, 0) // 2


def matmul_conv2d(inputs, kernel, strides, padding="same"):
    """`ops.conv(inputs, kernel, strides, padding)` with stride-1 ops.

    Channels-last `inputs` `(batch, height, width, channels)` and a kernel
    `(kh, kw, channels, filters)`, no dilation. The padded input is cut into
    `strides`-sized blocks stacked along the channels, the kernel into the
    matching `ceil(k / stride)` taps; one stride-1 `"valid"` convolution of
    the two gives the strided convolution.
    """
    (kh, kw), (sh, sw) = kernel.shape[:2], _pair(strides)
    _, height, width, channels = inputs.shape
    filters = kernel.shape[-1]
    taps_h, taps_w = -(-kh // sh), -(-kw // sw)
    if padding == "same":
        out_h, out_w = -(-height // sh), -(-width // sw)
        before_h = _same_padding_before(height, kh, sh)
        before_w = _same_padding_before(width, kw, sw)
    else:
        out_h, out_w = (height - kh) // sh + 1, (width - kw) // sw + 1
        before_h = before_w = 0
    # Blocks `out + taps - 1` long cover every window; the padding after may
    # be negative (input rows no window reads).
    after_h = sh * (out_h + taps_h - 1) - height - before_h
    after_w = sw * (out_w + taps_w - 1) - width - before_w
    x = ops.pad(
        inputs,
        [(0, 0), (before_h, max(after_h, 0)), (before_w, max(after_w, 0)),
         (0, 0)],
    )
    x = x[:, : sh * (out_h + taps_h - 1), : sw * (out_w + taps_w - 1), :]
    blocks_h, blocks_w = out_h + taps_h - 1, out_w + taps_w - 1
    x = ops.reshape(x, (-1, blocks_h, sh, blocks_w, sw, channels))
    x = ops.transpose(x, (0, 1, 3, 2, 4, 5))
    x = ops.reshape(x, (-1, blocks_h, blocks_w, sh * sw * channels))
    w = ops.pad(
        kernel, [(0, taps_h * sh - kh), (0, taps_w * sw - kw), (0, 0), (0, 0)]
    )
    w = ops.reshape(w, (taps_h, sh, taps_w, sw, channels, filters))
    w = ops.transpose(w, (0, 2, 1, 3, 4, 5))
    w = ops.reshape(w, (taps_h, taps_w, sh * sw * channels, filters))
    return matmul_conv2d_valid(x, w)


def _phase_taps(kernel_size, stride, padding_before):
    """Per output phase `r`: the first input offset and the kernel taps.

    Output `stride * m + r` of a transposed convolution receives input
    `m + e` through kernel tap `r + padding_before - stride * e`.
    """
    taps = kernel_size // stride
    first_offsets, kernel_taps = [], []
    for r in range(stride):
        last = (r + padding_before) // stride
        first = last - taps + 1
        first_offsets.append(first)
        kernel_taps.append(
            [r + padding_before - stride * (first + u) for u in range(taps)]
        )
    return first_offsets, kernel_taps


def matmul_conv2d_transpose(inputs, kernel, strides):
    """`ops.conv_transpose(inputs, kernel, strides, "same")` with stride-1 ops.

    Channels-last `inputs` `(batch, height, width, channels)` and a Keras
    `Conv2DTranspose` kernel `(kh, kw, filters, channels)`, no dilation or
    output padding, kernel sizes multiples of the strides. One stride-1
    convolution with `kh / sh x kw / sw` taps computes all `sh * sw` output
    phases at the input resolution; each phase reads its own window of that
    result, and the phases are interleaved into the `(sh * height,
    sw * width)` output.
    """
    (kh, kw), (sh, sw) = kernel.shape[:2], _pair(strides)
    _, height, width, channels = inputs.shape
    filters = kernel.shape[2]
    firsts_h, taps_h = _phase_taps(kh, sh, max(kh - sh, 0) // 2)
    firsts_w, taps_w = _phase_taps(kw, sw, max(kw - sw, 0) // 2)
    lowest_h, lowest_w = min(firsts_h), min(firsts_w)
    span_h = max(firsts_h) - lowest_h + kh // sh
    span_w = max(firsts_w) - lowest_w + kw // sw
    x = ops.pad(
        inputs,
        [(0, 0), (-lowest_h, span_h + lowest_h - 1),
         (-lowest_w, span_w + lowest_w - 1), (0, 0)],
    )
    # (sh, taps, kw...) index arrays: kernel tap of each phase and tap.
    w = ops.take(kernel, np.asarray(taps_h).reshape(-1), axis=0)
    w = ops.take(w, np.asarray(taps_w).reshape(-1), axis=1)
    w = ops.reshape(
        w, (sh, kh // sh, sw, kw // sw, filters, channels)
    )
    w = ops.transpose(w, (1, 3, 5, 0, 2, 4))
    w = ops.reshape(w, (kh // sh, kw // sw, channels, sh * sw * filters))
    y = matmul_conv2d_valid(x, w)
    rows_h = height + span_h - kh // sh
    rows_w = width + span_w - kw // sw
    y = ops.reshape(y, (-1, rows_h, rows_w, sh, sw, filters))
    rows = []
    for r in range(sh):
        top = firsts_h[r] - lowest_h
        columns = []
        for c in range(sw):
            left = firsts_w[c] - lowest_w
            columns.append(
                y[:, top : top + height, left : left + width, r, c, :]
            )
        rows.append(ops.stack(columns, axis=3))
    y = ops.stack(rows, axis=2)  # (batch, height, sh, width, sw, filters)
    return ops.reshape(y, (-1, sh * height, sw * width, filters))


def _use_rearranged():
    return keras.backend.backend() in REARRANGED_BACKENDS


@keras.saving.register_keras_serializable(package="keras_gan")
class MatmulConv2D(keras.layers.Conv2D):
    """`keras.layers.Conv2D` computed as a stride-1 convolution on JAX.

    Same arguments, weights and outputs as `keras.layers.Conv2D`. For
    strided, undilated, ungrouped, channels-last convolutions on the
    backends in `REARRANGED_BACKENDS` (JAX), the input is rearranged
    space-to-depth and convolved with a rearranged kernel at stride 1:
    XLA's CPU code for the input gradient of a strided convolution (and for
    the double backward of gradient penalties) is many times slower than
    for stride-1 convolutions. Elsewhere it is `keras.layers.Conv2D`.

    Args:
        **kwargs: The arguments of `keras.layers.Conv2D`.

    Example:

    ```python
    layer = keras_gan.layers.MatmulConv2D(
        64, kernel_size=4, strides=2, padding="same"
    )
    features = layer(keras.random.normal((8, 28, 28, 1)))  # (8, 14, 14, 64)
    ```
    """

    def _rearranged(self):
        return (
            _use_rearranged()
            and self.dilation_rate == (1, 1)
            and self.groups == 1
            and self.data_format == "channels_last"
        )

    def convolution_op(self, inputs, kernel):
        if self._rearranged():
            return matmul_conv2d(
                inputs, kernel, self.strides, self.padding
            )
        return super().convolution_op(inputs, kernel)


@keras.saving.register_keras_serializable(package="keras_gan")
class MatmulConv2DTranspose(keras.layers.Conv2DTranspose):
    """`keras.layers.Conv2DTranspose` computed with stride 1 on JAX.

    Same arguments, weights and outputs as `keras.layers.Conv2DTranspose`.
    For `"same"`-padded, strided, undilated, channels-last transposed
    convolutions without `output_padding`, whose kernel sizes are multiples
    of the strides, on the backends in `REARRANGED_BACKENDS` (JAX), all
    output phases are computed by one stride-1 convolution at the input
    resolution and interleaved (depth-to-space): XLA's CPU code for the
    backward pass of a transposed convolution is many times slower.
    Elsewhere it is `keras.layers.Conv2DTranspose`.

    Args:
        **kwargs: The arguments of `keras.layers.Conv2DTranspose`.

    Example:

    ```python
    layer = keras_gan.layers.MatmulConv2DTranspose(
        64, kernel_size=4, strides=2, padding="same"
    )
    images = layer(keras.random.normal((8, 7, 7, 128)))  # (8, 14, 14, 64)
    ```
    """

    def _rearranged(self):
        return (
            _use_rearranged()
            and self.strides != (1, 1)
            and self.padding == "same"
            and self.output_padding is None
            and self.dilation_rate == (1, 1)
            and self.data_format == "channels_last"
            and all(k % s == 0 for k, s in zip(self.kernel_size, self.strides))
        )

    def call(self, inputs):
        if not self._rearranged():
            return super().call(inputs)
        outputs = matmul_conv2d_transpose(inputs, self.kernel, self.strides)
        if self.use_bias:
            outputs = ops.add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs
