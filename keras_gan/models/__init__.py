from keras_gan.models.builders import dcgan_discriminator
from keras_gan.models.builders import dcgan_generator
from keras_gan.models.builders import mlp_discriminator
from keras_gan.models.builders import mlp_generator
from keras_gan.models.gan import GAN
from keras_gan.models.latent_sampler import LatentSampler
from keras_gan.models.conditional_gan import ConditionalGAN
