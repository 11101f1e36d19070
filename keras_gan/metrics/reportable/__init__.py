"""FID and Inception Score as papers report them.

A reportable number needs the same network, the same input pipeline and
the same statistics as the published ones:

- `inception.py`: `FIDInceptionV3`, the 2015 Inception graph of
  `pytorch-fid`;
- `pipeline.py`: the input pipelines (`"pytorch-fid"`, `"clean"`) and the
  sources of images (folders, arrays, datasets, generators);
- `statistics.py`: pool features and their float64 mean and covariance,
  in pytorch-fid's `.npz` format;
- `fid.py`: `fid`, `fid_from_statistics`;
- `inception_score.py`: `inception_score`, `inception_score_from_logits`.

Everything is exported from `keras_gan.metrics`; the command line is
`python -m keras_gan.metrics fid REAL FAKE`.
"""

from keras_gan.metrics.reportable.fid import fid
from keras_gan.metrics.reportable.fid import fid_from_statistics
from keras_gan.metrics.reportable.inception import FIDInceptionV3
from keras_gan.metrics.reportable.inception_score import inception_score
from keras_gan.metrics.reportable.inception_score import (
    inception_score_from_logits,
)
from keras_gan.metrics.reportable.pipeline import image_batches
from keras_gan.metrics.reportable.pipeline import preprocess
from keras_gan.metrics.reportable.statistics import fid_feature_extractor
from keras_gan.metrics.reportable.statistics import load_statistics
from keras_gan.metrics.reportable.statistics import reference_statistics
from keras_gan.metrics.reportable.statistics import save_statistics
