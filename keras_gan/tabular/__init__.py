"""Synthetic tables: `TabularGAN` (CTGAN's recipe), its transformer, metrics.

Needs the `tabular` extra (`pip install keras-gan[tabular]`: pandas and
scikit-learn); `import keras_gan` alone does not import them.
"""

from keras_gan.tabular import evaluation
from keras_gan.tabular.model import OutputHeads
from keras_gan.tabular.model import TabularGAN
from keras_gan.tabular.model import pack_rows
from keras_gan.tabular.transformer import TabularTransformer
