"""Keras layers for GAN networks (all backends, no `Lambda` layers)."""

from keras_gan.layers.gumbel_softmax import GumbelSoftmax
