"""Helper shared by the layers of this package."""

from keras_gan.layers.spectral_normalization import SpectralNormalization


def spectrally_normalized(layer, spectral_norm):
    """`layer`, wrapped in `SpectralNormalization` if asked."""
    if spectral_norm:
        return SpectralNormalization(layer, name=f"{layer.name}_sn")
    return layer
