from keras_gan.callbacks.generator_ema import GeneratorEMA
from keras_gan.callbacks.gan_quality import GANQuality
from keras_gan.callbacks.sample_grid import SampleGrid
from keras_gan.callbacks.sample_grid import make_image_grid
from keras_gan.callbacks.sample_grid import save_image_grid
from keras_gan.callbacks.latent_walk import LatentWalk
