"""Callbacks for `fit`: samples, generator averages, quality, resume.

Every class is also importable from its own module; the text callbacks
live in `keras_gan.text.callbacks`.
"""

from keras_gan.callbacks.chief_backup_and_restore import ChiefBackupAndRestore
from keras_gan.callbacks.gan_quality import GANQuality
from keras_gan.callbacks.generator_ema import GeneratorEMA
from keras_gan.callbacks.gumbel_temperature import GumbelTemperatureAnnealing
from keras_gan.callbacks.latent_walk import LatentWalk
from keras_gan.callbacks.sample_grid import SampleGrid
from keras_gan.images import make_image_grid
from keras_gan.images import save_image_grid
from keras_gan.text.callbacks import TextQuality
from keras_gan.text.callbacks import TextSamples
