"""Helper shared by the layers of this package."""

import keras


def spectrally_normalized(layer, spectral_norm):
    """`layer`, wrapped in `keras.layers.SpectralNormalization` if asked."""
    if spectral_norm:
        return keras.layers.SpectralNormalization(
            layer, name=f"{layer.name}_sn"
        )
    return layer
