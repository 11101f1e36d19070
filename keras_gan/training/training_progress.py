"""Where training stands inside an epoch, so a restored model resumes exactly.

Keras' `BackupAndRestore(save_freq=N)` and `ModelCheckpoint(save_freq=N)`
save mid-epoch weights, but `fit` restarts the epoch from its first batch:
the batches trained before the interruption would be trained twice. A GAN
saves, next to its weights, the epoch it was in, how many batches of it were
done and the running means of its logs. When `fit` starts at that epoch on
a model restored from such a file, the done batches are read from the data
and dropped without training, the logs' running means are put back, and
training goes on from the next batch: the result is the uninterrupted run.
"""

import warnings

import keras
import numpy as np

from keras_gan import compat

_PROGRESS_KEY = "training_progress"
_METRIC_KEY = "metric_state_"


class TrainingProgress:
    """Counts the batches done in the current epoch and skips them on resume.

    Lives on the GAN (`gan.training_progress`); `fit` drives it through
    `TrackTrainingProgress`, and the train function is wrapped by `wrap`.
    Only calls made by `fit` inside an epoch count (not `train_on_batch`).
    """

    def __init__(self):
        self.epoch = -1
        self.batches_done = 0
        self.batches_to_skip = 0
        self.epoch_steps = None
        self.in_epoch = False
        self.restored = None

    # === Saving ===

    def save(self, store, metrics_variables):
        store[_PROGRESS_KEY] = np.array([self.epoch, self.batches_done], "int64")
        for index, variable in enumerate(metrics_variables):
            store[f"{_METRIC_KEY}{index}"] = keras.ops.convert_to_numpy(variable)

    def load(self, store):
        """Reads what `save` wrote; returns the other (Keras') entries."""
        keys = list(store.keys())
        if _PROGRESS_KEY in keys:
            epoch, batches_done = (int(v) for v in np.asarray(store[_PROGRESS_KEY]))
            metric_keys = sorted(
                (k for k in keys if k.startswith(_METRIC_KEY)),
                key=lambda k: int(k[len(_METRIC_KEY):]),
            )
            self.restored = {
                "epoch": epoch,
                "batches_done": batches_done,
                "metrics": [np.asarray(store[k]) for k in metric_keys],
            }
        return {
            key: store[key]
            for key in keys
            if key != _PROGRESS_KEY and not key.startswith(_METRIC_KEY)
        }

    # === Driven by `fit` ===

    def start_epoch(self, epoch, metrics_variables, epoch_steps=None):
        restored, self.restored = self.restored, None
        self.epoch = epoch
        self.epoch_steps = epoch_steps
        self.in_epoch = True
        self.batches_done = 0
        self.batches_to_skip = 0
        if restored is None or not restored["batches_done"]:
            return
        if restored["epoch"] != epoch:
            warnings.warn(
                "The restored model was saved after batch "
                f"{restored['batches_done']} of epoch {restored['epoch'] + 1}, "
                f"but `fit` starts at epoch {epoch + 1}: that epoch is "
                "trained from its first batch. To resume exactly, pass "
                f"`initial_epoch={restored['epoch']}` to `fit`."
            )
            return
        self.batches_done = self.batches_to_skip = restored["batches_done"]
        values = restored["metrics"]
        if len(values) == len(metrics_variables):
            for variable, value in zip(metrics_variables, values):
                variable.assign(value)

    def end_epoch(self):
        self.batches_done = 0
        self.batches_to_skip = 0
        self.in_epoch = False

    def end_fit(self):
        """Called when `fit` returns or raises: nothing left to skip."""
        self.batches_to_skip = 0
        self.in_epoch = False

    def _count(self, batches):
        self.batches_done += batches
        if self.epoch_steps:  # The last call of an epoch may be partial.
            self.batches_done = min(self.batches_done, self.epoch_steps)

    def _epoch_exhausted(self):
        skipped = self.batches_done - self.batches_to_skip
        return self.epoch_steps is not None and skipped >= self.epoch_steps

    def wrap(self, train_function, skip_batches, steps_per_execution):
        """Wraps Keras' train function to count batches and skip done ones.

        Args:
            train_function: The function Keras' `fit` calls once per
                `steps_per_execution` batches.
            skip_batches: `skip_batches(args, count)` drops `count` batches
                from the data in `args` and returns what a train function
                returns; the backend's way (see `keras_gan.backend`).
            steps_per_execution: Batches per call.
        """

        def resumable_train_function(*args):
            if not self.in_epoch:  # `train_on_batch`
                return train_function(*args)
            if self.batches_to_skip:
                count = min(self.batches_to_skip, steps_per_execution)
                self.batches_to_skip -= count
                result = skip_batches(args, count)
                if count == steps_per_execution or self._epoch_exhausted():
                    return result
                # Resumed with another `steps_per_execution`: the rest of
                # this call trains.
            result = train_function(*args)
            self._count(steps_per_execution)
            return result

        resumable_train_function.wrapped_train_function = train_function
        return resumable_train_function


class TrackTrainingProgress(keras.callbacks.Callback):
    """Tells the model's `TrainingProgress` where each epoch begins and ends.

    `GAN.fit` puts it first in the callback list, so a checkpoint written by
    a later callback at the end of an epoch records the epoch as complete.

    Args:
        gan: The GAN being trained.
        callbacks: The other callbacks of the `fit` call. Keras'
            `BackupAndRestore` records epoch 0 for every save before the end
            of the first epoch of a resumed run, so a second interruption in
            that epoch would restart training from epoch 0; this callback
            tells them the epoch instead.
        steps_per_epoch: The `fit` argument (warns on resume when set).
    """

    def __init__(self, gan, callbacks=(), steps_per_epoch=None):
        super().__init__()
        # Kept directly: `self.model` would sync the JAX state every call.
        self._gan = gan
        self._backups = [
            c for c in callbacks if isinstance(c, keras.callbacks.BackupAndRestore)
        ]
        self._steps_per_epoch = steps_per_epoch

    def on_epoch_begin(self, epoch, logs=None):
        for backup in self._backups:
            compat.set_backup_epoch(backup, epoch)
        progress = self._gan.training_progress
        progress.start_epoch(
            epoch, self._gan.metrics_variables, (self.params or {}).get("steps")
        )
        if progress.batches_to_skip and self._steps_per_epoch:
            warnings.warn(
                f"Resuming epoch {epoch + 1} after batch "
                f"{progress.batches_to_skip} with `steps_per_epoch="
                f"{self._steps_per_epoch}`: Keras carries the data iterator "
                "over from one epoch to the next, but a resumed `fit` reads "
                "the data from its start, so this epoch may see other batches "
                "than the interrupted run would have."
            )

    def on_epoch_end(self, epoch, logs=None):
        self._gan.training_progress.end_epoch()
