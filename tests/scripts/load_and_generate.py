"""Loads a .keras GAN on the backend named in KERAS_BACKEND and writes samples.

Usage: KERAS_BACKEND=jax python load_and_generate.py MODEL.keras INPUTS.npz OUT.npz
"""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gan  # noqa: E402,F401  (registers the classes)

model_path, inputs_path, out_path = sys.argv[1:4]
gan = keras.models.load_model(model_path)
with np.load(inputs_path) as inputs:
    noise, labels = inputs["noise"], inputs["labels"]
samples = gan._predict_in_batches(
    keras.ops.convert_to_tensor(noise), labels.reshape(-1, 1), batch_size=64
)
np.savez(out_path, samples=samples, backend=keras.backend.backend())
