"""keras_gan: generative adversarial networks for Keras 3.

The models are Keras models: `compile`, `fit`, save and resume them like
any other, on TensorFlow, JAX or PyTorch.

- `GAN`, `ConditionalGAN` (`keras_gan.models`: the core image GANs and
  their builders);
- `Pix2Pix`, `CycleGAN`, `CUT` (`keras_gan.translation`);
- `TextGAN` (`keras_gan.text`: vocabularies and sequence networks for
  text);
- `TabularGAN` (`keras_gan.tabular`);
- the parts they share: `losses`, `penalties`, `layers`, `callbacks`,
  `augment`, `metrics`, `sampling`, `distributed`, and the training
  machinery in `keras_gan.training`.
"""

from keras_gan import augment
from keras_gan import callbacks
from keras_gan import distributed
from keras_gan import images
from keras_gan import layers
from keras_gan import losses
from keras_gan import metrics
from keras_gan import models
from keras_gan import penalties
from keras_gan import sampling
from keras_gan import tabular
from keras_gan import text
from keras_gan import training
from keras_gan import translation
from keras_gan.models.conditional_gan import ConditionalGAN
from keras_gan.models.gan import GAN
from keras_gan.tabular.tabular_gan import TabularGAN
from keras_gan.text.text_gan import TextGAN
from keras_gan.translation.cut import CUT
from keras_gan.translation.cyclegan import CycleGAN
from keras_gan.translation.pix2pix import Pix2Pix
from keras_gan.version import __version__
