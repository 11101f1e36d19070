import keras

from keras_gan import distributed


@keras.saving.register_keras_serializable(package="keras_gan")
class ChiefBackupAndRestore(keras.callbacks.BackupAndRestore):
    """`BackupAndRestore` for multi-process runs: the chief writes, all read.

    Every process of a data-parallel run holds the same weights, optimizer
    state and random state, so one backup serves all of them. The chief
    (`keras_gan.distributed.is_chief()`) writes and, at the end of
    training, deletes it, as `keras.callbacks.BackupAndRestore` does; the
    other processes only restore from it when `fit` starts. Give every
    process the same `backup_dir` on storage they all see (on one machine,
    any local folder). On a single process this is `BackupAndRestore`.

    A restart may only begin once the chief is done writing: kill and
    restart all processes together, as `torchrun` and cluster schedulers
    do.

    Args:
        backup_dir: Folder of the backup, the same on every process.
        save_freq: `"epoch"` or a number of batches. Defaults to
            `"epoch"`.
        double_checkpoint: Keep the previous backup too, in case a kill
            interrupts a write. Defaults to `False`.
        delete_checkpoint: Delete the backup when training ends. Defaults
            to `True`.

    Example:

    ```python
    backup = keras_gan.callbacks.ChiefBackupAndRestore("backup/", save_freq=100)
    gan.fit(keras_gan.distributed.shard(x, batch_size=32), batch_size=32,
            shuffle=False, epochs=20, callbacks=[backup])
    ```
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint=False,
        delete_checkpoint=True,
    ):
        super().__init__(
            backup_dir,
            save_freq=save_freq,
            double_checkpoint=double_checkpoint,
            delete_checkpoint=delete_checkpoint,
        )
        self.backup_dir = backup_dir
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        # Every process has read the backup before the chief may rewrite it
        # (a resumed run can skip its first batches without a collective).
        distributed.barrier()

    def _save_model(self):
        if distributed.is_chief():
            super()._save_model()

    def on_train_end(self, logs=None):
        if distributed.is_chief():
            super().on_train_end(logs)

    def get_config(self):
        return {
            "backup_dir": self.backup_dir,
            "save_freq": self.save_freq,
            "double_checkpoint": self.double_checkpoint,
            "delete_checkpoint": self.delete_checkpoint,
        }
