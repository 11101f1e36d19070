"""Spectral normalization that trains on every backend."""

import keras


@keras.saving.register_keras_serializable(package="keras_gan")
class SpectralNormalization(keras.layers.SpectralNormalization):
    """`keras.layers.SpectralNormalization` that also trains GANs on PyTorch.

    Keras' layer divides the wrapped kernel by its largest singular value
    (one power iteration per training call) and writes the result back into
    the kernel variable. A GAN step calls its discriminator several times
    (real images, generated images, penalties) before one backward pass; on
    PyTorch, the second call's in-place write invalidates the kernel that
    the first call saved for its gradient, and autograd refuses the
    backward pass ("modified by an inplace operation"). This subclass
    writes the normalized kernel in place without touching autograd's
    version counter on PyTorch: the backward pass of an earlier call then
    uses the latest normalized kernel, which differs from the one it saw
    by one more power iteration (the kernel is already normalized, so the
    difference is of the order of the power iteration's error). On
    TensorFlow and JAX it is Keras' layer unchanged, and its weights and
    config are the same, so a `.keras` file moves between the two classes'
    users by changing only the class name.

    Args:
        layer: A `keras.layers.Layer` with a `kernel` (e.g. `Conv2D`,
            `Dense`) or an `embeddings` (`Embedding`) attribute.
        power_iterations: Positive integer, power iterations per training
            call. Defaults to `1`.
        **kwargs: Base wrapper keyword arguments.

    Example:

    ```python
    conv = keras_gan.layers.SpectralNormalization(
        keras.layers.Conv2D(64, 4, strides=2, padding="same")
    )
    ```
    """

    def call(self, inputs, training=False):
        if training and keras.backend.backend() == "torch":
            self._normalize_kernel_outside_autograd()
            return keras.ops.cast(self.layer(inputs), inputs.dtype)
        return super().call(inputs, training=training)

    def _normalize_kernel_outside_autograd(self):
        import torch

        with torch.no_grad():
            if bool(torch.all(self.kernel.value == 0)):
                return
            vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(vector_u)
            # `.data` writes without bumping the version counter that
            # autograd checks for the discriminator's earlier calls.
            self.kernel.value.data.copy_(kernel)


def spectrally_normalized(layer, spectral_norm):
    """`layer`, wrapped in `SpectralNormalization` if `spectral_norm`."""
    if spectral_norm:
        return SpectralNormalization(layer, name=f"{layer.name}_sn")
    return layer
