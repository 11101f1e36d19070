"""The training machinery every family reuses.

- `AdversarialModel` (`adversarial_model.py`): compile, one update of a
  network against a loss and its penalties, the non-finite policy,
  logging, exact resume, the `fit` contract, saving;
- `OptimizerGroup` (`optimizer_group.py`): the optimizers of the networks;
- `LossTrackers` (`loss_trackers.py`): the logged losses;
- `TrainingProgress` (`training_progress.py`): the step and epoch counters
  that make resume exact;
- `WeightAverage` (`weight_average.py`): exponential moving averages of a
  generator's weights;
- `LatentSampler`, `RandomStream` (`latent_sampler.py`): seeded noise;
- `network_checks.py`: checks of the networks' inputs and outputs;
- `freeze_layers` (`transfer.py`): transfer with frozen layers;
- `LinearDecay` (`schedules.py`): constant, then linear decay to zero, the
  learning-rate schedule of CycleGAN and Pix2Pix.
"""

from keras_gan.training.adversarial_model import AdversarialModel
from keras_gan.training.latent_sampler import LatentSampler
from keras_gan.training.latent_sampler import RandomStream
from keras_gan.training.loss_trackers import LossTrackers
from keras_gan.training.optimizer_group import OptimizerGroup
from keras_gan.training.schedules import LinearDecay
from keras_gan.training.training_progress import TrainingProgress
from keras_gan.training.transfer import freeze_layers
from keras_gan.training.weight_average import WeightAverage
