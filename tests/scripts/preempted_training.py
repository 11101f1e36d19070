"""Trains a small conditional image GAN under `BackupAndRestore(save_freq=4)`.

Usage:
    python preempted_training.py BACKUP_DIR OUT.npz INIT_SEED [KILL_EPOCH KILL_BATCH]

With a kill point the process kills itself with SIGKILL (no cleanup, as in a
preemption) at the end of that batch. Otherwise it trains (or resumes) to
the end and writes every weight, the optimizer variables and the history to
OUT.npz. The model is built afresh in each process, its initial weights
drawn with INIT_SEED: what a resumed run knows comes from the backup alone.
"""

import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import keras_gan  # noqa: E402

BACKUP, OUT, INIT_SEED = sys.argv[1], sys.argv[2], int(sys.argv[3])
KILL_AT = tuple(int(v) for v in sys.argv[4:6]) or None


class KillAt(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == KILL_AT:
            os.kill(os.getpid(), signal.SIGKILL)


def build():
    keras.utils.set_random_seed(INIT_SEED)
    generator = keras_gan.models.dcgan_generator(16, (8, 8, 1), base_filters=8, num_classes=10)
    discriminator = keras_gan.models.dcgan_discriminator(
        (8, 8, 1), base_filters=8, num_classes=10, dropout=0.2
    )
    gan = keras_gan.ConditionalGAN(
        generator,
        discriminator,
        latent_dim=16,
        num_classes=10,
        augmentation=keras_gan.augment.AdaptiveAugment(adjustment_speed=500, seed=0),
        seed=0,
    )
    gan.compile()
    return gan


digits = load_digits()
images = (digits.images[:96].astype("float32") / 8.0 - 1.0)[..., None]
labels = digits.target[:96]
gan = build()
callbacks = [
    keras.callbacks.BackupAndRestore(BACKUP, save_freq=4),
    keras_gan.callbacks.GeneratorEMA(decay=0.9),
]
if KILL_AT:
    callbacks.append(KillAt())
history = gan.fit(
    images, labels, epochs=3, batch_size=16, shuffle=False, verbose=0, callbacks=callbacks
)
arrays = {f"weight_{i}": keras.ops.convert_to_numpy(w) for i, w in enumerate(gan.weights)}
arrays.update(
    {f"optimizer_{i}": keras.ops.convert_to_numpy(v) for i, v in enumerate(gan.optimizer.variables)}
)
arrays.update({f"history_{k}": np.array(v) for k, v in history.history.items()})
np.savez(OUT, **arrays)
