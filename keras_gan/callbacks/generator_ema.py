import keras


@keras.saving.register_keras_serializable(package="keras_gan")
class GeneratorEMA(keras.callbacks.Callback):
    """Keeps an exponential moving average of the generator's weights.

    Sampling from an EMA of the generator gives markedly better samples for
    the same training (Karras et al. 2018; Yazici et al. 2019). The average
    is updated inside the compiled training step after every generator
    update (see `keras_gan.GAN.enable_ema`); trainable weights are averaged
    and batch-norm statistics copied. `gan.generate()`, `SampleGrid` and
    `GANQuality` use it, and it is saved with the model and restored by
    `load_model` and `BackupAndRestore`.

    Args:
        decay: EMA decay in [0, 1). Defaults to `0.999`.
        start: Generator step at which averaging starts; before it the
            average copies the generator. Defaults to `0`.
        warmup: Steps over which the decay ramps up linearly from 0.
            Defaults to `0`.

    Example:

    ```python
    gan.fit(
        dataset,
        epochs=20,
        callbacks=[keras_gan.callbacks.GeneratorEMA(decay=0.999)],
    )
    images = gan.generate(16, seed=0)  # from the EMA generator
    ```
    """

    def __init__(self, decay=0.999, start=0, warmup=0):
        super().__init__()
        self.decay = decay
        self.start = start
        self.warmup = warmup

    def set_model(self, model):
        # `fit` calls `set_model` before it builds the training function
        # and before any `on_train_begin` (so `BackupAndRestore` finds the
        # EMA weights to restore).
        super().set_model(model)
        model.enable_ema(decay=self.decay, start=self.start, warmup=self.warmup)

    def get_config(self):
        return {"decay": self.decay, "start": self.start, "warmup": self.warmup}
