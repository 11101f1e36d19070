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

_PROGRESS_KEY = "training_progress"
_METRIC_KEY = "metric_state_"


class TrainingProgress:
    """Counts the batches done in the current epoch and skips them on resume.

    Lives on the GAN (`gan.training_progress`); `fit` drives it through
    `TrackTrainingProgress`, and the train function is wrapped by `wrap`.
    """

    def __init__(self):
        self.epoch = -1
        self.batches_done = 0
        self.batches_to_skip = 0
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

    def start_epoch(self, epoch, metrics_variables):
        restored, self.restored = self.restored, None
        self.epoch = epoch
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
            if self.batches_to_skip:
                count = min(self.batches_to_skip, steps_per_execution)
                self.batches_to_skip -= count
                result = skip_batches(args, count)
                if count == steps_per_execution:
                    return result
                # Resumed with another `steps_per_execution`: the rest of
                # this call trains.
            result = train_function(*args)
            self.batches_done += steps_per_execution
            return result

        resumable_train_function.wrapped_train_function = train_function
        return resumable_train_function


class TrackTrainingProgress(keras.callbacks.Callback):
    """Tells the model's `TrainingProgress` where each epoch begins and ends.

    `GAN.fit` puts it first in the callback list, so a checkpoint written by
    a later callback at the end of an epoch records the epoch as complete.
    """

    def __init__(self, gan):
        super().__init__()
        # Kept directly: `self.model` would sync the JAX state every call.
        self._gan = gan

    def on_epoch_begin(self, epoch, logs=None):
        self._gan.training_progress.start_epoch(
            epoch, self._gan.metrics_variables
        )

    def on_epoch_end(self, epoch, logs=None):
        self._gan.training_progress.end_epoch()
