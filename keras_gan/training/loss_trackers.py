import keras

from keras_gan import compat

# Lets `ModelCheckpoint`/`EarlyStopping(mode="auto")` see the direction.
_Base = compat.MetricsList or keras.metrics.Metric


class LossTrackers(_Base):
    """Running means of the logged losses, reset every epoch.

    Keras callbacks in `mode="auto"` (for example
    `EarlyStopping(monitor="g_loss")`) infer whether a value should go down
    from the metrics of the model; every tracker here declares "down".

    Args:
        names: Names of the averaged values, e.g. `["loss", "d_loss"]`.
        counters: Names of the summed values, e.g. `["skipped_steps"]`.
    """

    def __init__(self, names, counters=(), name="gan_losses"):
        trackers = [keras.metrics.Mean(name=n) for n in names]
        trackers += [keras.metrics.Sum(name=n) for n in counters]
        for tracker in trackers:
            compat.set_minimized(tracker)
        if _Base is keras.metrics.Metric:  # pragma: no cover
            super().__init__(name=name)
            self.metrics = trackers
        else:
            super().__init__(trackers, name=name)

    def __getitem__(self, tracker_name):
        for tracker in self.metrics:
            if tracker.name == tracker_name:
                return tracker
        raise KeyError(tracker_name)

    def update_state(self, values):
        """Adds `values`, a dict of tracker name to scalar."""
        for tracker_name, value in values.items():
            self[tracker_name].update_state(value)

    def reset_state(self):
        for tracker in self.metrics:
            tracker.reset_state()

    def result(self):
        return {tracker.name: tracker.result() for tracker in self.metrics}
