"""Synthetic tables: `TabularGAN` (CTGAN's recipe) and its parts.

- `tabular_gan.py`: `TabularGAN`, `OutputHeads`, `pack_rows`;
- `networks.py`: CTGAN's residual generator and packed discriminator;
- `transformer.py`: `TabularTransformer` (mode-specific normalization of
  continuous columns, one-hot discrete columns, and the inverse);
- `sampler.py`: training-by-sampling of conditions and rows;
- `metrics.py` (also importable as `keras_gan.tabular.evaluation`):
  SDMetrics' column shapes, pair trends and machine-learning efficacy.

Needs the `tabular` extra (`pip install keras-gan[tabular]`: pandas and
scikit-learn) to fit or sample; `import keras_gan` alone does not import
them.
"""

import sys

from keras_gan.tabular import metrics
from keras_gan.tabular.tabular_gan import OutputHeads
from keras_gan.tabular.tabular_gan import TabularGAN
from keras_gan.tabular.tabular_gan import pack_rows
from keras_gan.tabular.transformer import TabularTransformer

# The module's earlier name, kept for users' imports.
evaluation = metrics
sys.modules[__name__ + ".evaluation"] = metrics
