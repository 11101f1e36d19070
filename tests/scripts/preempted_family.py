"""Kills a family's training mid-epoch, or resumes it and compares.

Usage:
    python preempted_family.py kill FAMILY BACKUP_DIR
    python preempted_family.py resume OUT BACKUP_ROOT FAMILY [FAMILY ...]

`kill` trains the model of `tests/families.py` for 2 epochs of 3 batches
under `BackupAndRestore(BACKUP_DIR, save_freq=2)` and kills its own
process with SIGKILL (no cleanup, as in a preemption) at the end of the
second batch of the second epoch: the backup holds the model after the
first batch of that epoch. `resume` runs, for each family, an
uninterrupted reference and a new model (other initial weights: what it
knows comes from the backup `BACKUP_ROOT/FAMILY` alone) that resumes from
the backup, and writes both to `OUT.FAMILY.npz` (`reference_*`,
`resumed_*`): every weight, pools and random states included, the
optimizer variables and the logs of the resumed epoch.
"""

import os
import signal
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from tests import families  # noqa: E402

EPOCHS = 2
KILL_AT = (1, 1)  # (epoch, batch): saved after (1, 0), killed after (1, 1)


class KillAt(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == KILL_AT:
            os.kill(os.getpid(), signal.SIGKILL)


def data(family):
    """3 global batches per epoch."""
    x = families.data(family)
    if family == "tabular":
        return x.iloc[: 3 * families.GLOBAL_BATCH + 2]
    extra = tuple(v[: families.GLOBAL_BATCH] for v in x) if isinstance(x, tuple) else x[: families.GLOBAL_BATCH]
    if isinstance(x, tuple):
        return tuple(np.concatenate([v, e]) for v, e in zip(x, extra))
    return np.concatenate([x, extra])


def train(family, init_seed, callbacks):
    model = families.build(family, init_seed=init_seed)
    history = families.fit(
        model, family, data(family), families.GLOBAL_BATCH, epochs=EPOCHS,
        callbacks=callbacks,
    )
    state = {
        f"weight_{key}": value for key, value in families.weights(model).items()
    }
    state.update(
        {
            f"optimizer_{i}": keras.ops.convert_to_numpy(v)
            for i, v in enumerate(model.optimizer.variables)
        }
    )
    state.update({f"log_{k}": np.array(v)[-1:] for k, v in history.history.items()})
    return state


def backup(directory):
    return keras.callbacks.BackupAndRestore(directory, save_freq=2)


if sys.argv[1] == "kill":
    family, directory = sys.argv[2:4]
    train(family, 0, [backup(directory), KillAt()])
    sys.exit("not killed")  # pragma: no cover
out, root = sys.argv[2:4]
for family in sys.argv[4:]:
    reference = train(family, 0, [])
    resumed = train(family, 5, [backup(os.path.join(root, family))])
    np.savez(
        f"{out}.{family}.npz",
        **{f"reference_{k}": v for k, v in reference.items()},
        **{f"resumed_{k}": v for k, v in resumed.items()},
    )
print("resumed", len(sys.argv[4:]))
