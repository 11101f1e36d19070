"""The core image GANs and their network builders.

- `GAN` (`gan.py`), `ConditionalGAN` (`conditional_gan.py`);
- builders: `dcgan_generator`/`dcgan_discriminator` (`dcgan.py`),
  `mlp_generator`/`mlp_discriminator` (`mlp.py`),
  `resnet_generator`/`resnet_discriminator` (`resnet.py`), with the
  conditioning inputs and heads they share in `conditioning.py`.

For compatibility, this namespace also exports the training machinery
(`keras_gan.training`) and the other families' builders and models
(`keras_gan.translation`, `keras_gan.text`).
"""

from keras_gan.layers.upsampling import default_upsampling
from keras_gan.models.conditional_gan import ConditionalGAN
from keras_gan.models.dcgan import dcgan_discriminator
from keras_gan.models.dcgan import dcgan_generator
from keras_gan.models.gan import GAN
from keras_gan.models.mlp import mlp_discriminator
from keras_gan.models.mlp import mlp_generator
from keras_gan.models.resnet import resnet_discriminator
from keras_gan.models.resnet import resnet_generator
from keras_gan.text.networks import sequence_discriminator
from keras_gan.text.networks import sequence_generator
from keras_gan.training.adversarial_model import AdversarialModel
from keras_gan.training.latent_sampler import LatentSampler
from keras_gan.training.latent_sampler import RandomStream
from keras_gan.training.transfer import freeze_layers
from keras_gan.training.weight_average import WeightAverage
from keras_gan.translation.cyclegan import CycleGAN
from keras_gan.translation.image_pool import ImagePool
from keras_gan.translation.networks import patchgan_discriminator
from keras_gan.translation.networks import resnet_translation_generator
from keras_gan.translation.networks import unet_generator
from keras_gan.translation.pix2pix import Pix2Pix
