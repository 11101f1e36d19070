"""keras_gan: generative adversarial networks for Keras 3."""

from keras_gan import augment
from keras_gan import callbacks
from keras_gan import losses
from keras_gan import models
from keras_gan import penalties
from keras_gan.models.conditional_gan import ConditionalGAN
from keras_gan.models.gan import GAN
from keras_gan.version import __version__
from keras_gan import layers
from keras_gan import text
from keras_gan import distributed
from keras_gan import sampling
from keras_gan import tabular
from keras_gan.models.pix2pix import Pix2Pix
from keras_gan.models.cyclegan import CycleGAN
