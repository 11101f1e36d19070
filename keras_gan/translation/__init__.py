"""Image-to-image translation: paired (`Pix2Pix`) and unpaired (`CycleGAN`,
`CUT`).

- `pix2pix.py`, `cyclegan.py`, `cut.py`: the models; `unpaired.py`: what
  the two unpaired ones share;
- `patch_nce.py`: CUT's PatchNCE loss, patch sampling and projection;
- `networks.py`: `unet_generator`, `resnet_translation_generator`,
  `patchgan_discriminator` (also exported from `keras_gan.models`);
- `image_pool.py`: `ImagePool`, CycleGAN's history of generated images;
- `data.py`: checks of the image pairs and batched translation.
"""

from keras_gan.translation.cut import CUT
from keras_gan.translation.cyclegan import CycleGAN
from keras_gan.translation.image_pool import ImagePool
from keras_gan.translation.networks import patchgan_discriminator
from keras_gan.translation.patch_nce import patch_nce_loss
from keras_gan.translation.networks import resnet_translation_generator
from keras_gan.translation.networks import unet_generator
from keras_gan.translation.pix2pix import Pix2Pix
