"""Differentiable augmentation of the images a discriminator sees.

- `DiffAugment` (`diffaugment.py`): always augments, with random colour,
  translation and cutout (Zhao et al. 2020).
- `AdaptiveAugment` (`ada.py`): applies augmentations to each image with a
  probability `p` tuned from the discriminator's outputs on real images
  (ADA, Karras et al. 2020), with DiffAugment's policies or StyleGAN2-ADA's
  pipelines (`ada_augment`).

Pass one as `GAN(..., augmentation=...)`: the same layer augments real and
generated images, and gradients flow through it to the generator.
"""

from keras_gan.augment.ada import ADA_GROUPS
from keras_gan.augment.ada import ADA_PIPELINES
from keras_gan.augment.ada import AdaptiveAugment
from keras_gan.augment.ada import ada_augment
from keras_gan.augment.ada import ada_color_transforms
from keras_gan.augment.ada import ada_geometric_transforms
from keras_gan.augment.ada import ada_integer_transforms
from keras_gan.augment.ada import check_ada_pipeline
from keras_gan.augment.diffaugment import POLICIES
from keras_gan.augment.diffaugment import DiffAugment
from keras_gan.augment.diffaugment import augment_images
from keras_gan.augment.diffaugment import per_image_randint
from keras_gan.augment.diffaugment import per_image_uniform
from keras_gan.augment.diffaugment import random_brightness
from keras_gan.augment.diffaugment import random_contrast
from keras_gan.augment.diffaugment import random_cutout
from keras_gan.augment.diffaugment import random_saturation
from keras_gan.augment.diffaugment import random_translation
