"""Keras layers for GAN networks (all backends, no `Lambda` layers)."""

from keras_gan.layers.gumbel_softmax import GumbelSoftmax
from keras_gan.layers.conditional_batch_normalization import (
    ConditionalBatchNormalization,
)
from keras_gan.layers.minibatch_standard_deviation import (
    MinibatchStandardDeviation,
)
from keras_gan.layers.reflection_padding import ReflectionPadding2D
from keras_gan.layers.residual_blocks import DiscriminatorResidualBlock
from keras_gan.layers.residual_blocks import GeneratorResidualBlock
from keras_gan.layers.self_attention import SelfAttention
from keras_gan.layers.matmul_convolutions import MatmulConv2D
from keras_gan.layers.matmul_convolutions import MatmulConv2DTranspose
from keras_gan.layers.spectral_normalization import SpectralNormalization
