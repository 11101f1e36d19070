from keras_gan.models.gan import GAN
from keras_gan.models.latent_sampler import LatentSampler
