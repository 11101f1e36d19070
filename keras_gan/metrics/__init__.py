"""Sample-quality metrics for generative models, on any Keras backend.

All of them compare feature vectors (e.g. Inception-v3 pool features) of
real and generated samples:

- `frechet_distance` / `FrechetDistance`: FID (Heusel et al. 2017).
- `kernel_distance` / `KernelDistance`: KID (Bińkowski et al. 2018).
- `precision_recall` / `PrecisionRecall`: improved precision and recall
  (Kynkäänniemi et al. 2019).
- `density_coverage` / `DensityCoverage`: density and coverage (Naeem et
  al. 2020).

The functions take whole feature sets and run eagerly; the
`keras.metrics.Metric` classes accumulate batches via
`update_state(real_features, fake_features)`.

Text metrics (n-gram distances, novelty, diversity, validity, length
distance) live in `keras_gan.text.metrics` and are exported here too.

Feature extractors (`keras_gan.metrics.feature_extractors`):
`inception_feature_extractor` (standard FID/KID; ImageNet weights are
downloaded once) and `train_feature_classifier` (offline, trained on your
labeled data).

Reportable numbers, comparable with papers (`keras_gan.metrics.reportable`):
`FIDInceptionV3` (the pytorch-fid network), `reference_statistics`, `fid`,
`inception_score`, and `python -m keras_gan.metrics fid REAL FAKE`.
"""

from keras_gan.metrics.density_coverage import DensityCoverage
from keras_gan.metrics.density_coverage import density_coverage
from keras_gan.metrics.feature_extractors import InceptionFeatureExtractor
from keras_gan.metrics.feature_extractors import inception_feature_extractor
from keras_gan.metrics.feature_extractors import inception_preprocess
from keras_gan.metrics.feature_extractors import train_feature_classifier
from keras_gan.metrics.frechet import FrechetDistance
from keras_gan.metrics.frechet import frechet_distance
from keras_gan.metrics.frechet import frechet_distance_from_moments
from keras_gan.metrics.kernel import KernelDistance
from keras_gan.metrics.kernel import kernel_distance
from keras_gan.metrics.precision_recall import PrecisionRecall
from keras_gan.metrics.precision_recall import precision_recall
from keras_gan.metrics.reportable import FIDInceptionV3
from keras_gan.metrics.reportable import fid
from keras_gan.metrics.reportable import fid_feature_extractor
from keras_gan.metrics.reportable import fid_from_statistics
from keras_gan.metrics.reportable import inception_score
from keras_gan.metrics.reportable import inception_score_from_logits
from keras_gan.metrics.reportable import load_statistics
from keras_gan.metrics.reportable import reference_statistics
from keras_gan.metrics.reportable import save_statistics

__all__ = [
    "DensityCoverage",
    "FrechetDistance",
    "InceptionFeatureExtractor",
    "KernelDistance",
    "PrecisionRecall",
    "density_coverage",
    "frechet_distance",
    "frechet_distance_from_moments",
    "inception_feature_extractor",
    "inception_preprocess",
    "kernel_distance",
    "precision_recall",
    "train_feature_classifier",
    "FIDInceptionV3",
    "fid",
    "fid_feature_extractor",
    "fid_from_statistics",
    "inception_score",
    "inception_score_from_logits",
    "load_statistics",
    "reference_statistics",
    "save_statistics",
]

from keras_gan.text.metrics import diversity
from keras_gan.text.metrics import length_distance
from keras_gan.text.metrics import ngram_counts
from keras_gan.text.metrics import ngram_jsd
from keras_gan.text.metrics import ngram_jsd_floor
from keras_gan.text.metrics import novelty
from keras_gan.text.metrics import text_quality
from keras_gan.text.metrics import validity

__all__ += [
    "diversity",
    "length_distance",
    "ngram_counts",
    "ngram_jsd",
    "ngram_jsd_floor",
    "novelty",
    "text_quality",
    "validity",
]
