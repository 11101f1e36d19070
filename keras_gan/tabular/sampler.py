"""The conditional vector and training-by-sampling of CTGAN."""

import keras
import numpy as np


class ConditionSampler:
    """Draws conditional vectors and the real rows that match them.

    Training-by-sampling (Xu et al. 2019): for each row of a batch, pick a
    conditional span (a discrete column, or the missingness indicator of a
    continuous column with missing values) uniformly, then an entry of it
    with probability proportional to `log(1 + count)`, so that rare
    categories are seen far more often than their share of the data; then
    pick a real row with that entry. The conditional vector is the one-hot
    of that entry within the concatenation of all conditional spans.

    Args:
        encoded: Encoded rows, shape `(rows, output_dim)`.
        discrete_spans: `(name, start, width)` of each conditional span in
            `encoded` (`TabularTransformer.discrete_spans()`).
    """

    def __init__(self, encoded, discrete_spans):
        self.encoded = encoded
        self.discrete_spans = list(discrete_spans)
        self.condition_dim = sum(width for _, _, width in self.discrete_spans)
        # Per discrete column: row indices sorted by category, where each
        # category's rows start, how many there are, and the category
        # probabilities of training-by-sampling.
        self.sorted_rows, self.category_starts = [], []
        self.category_counts = []
        self.training_probabilities = []
        for _, start, width in self.discrete_spans:
            categories = np.argmax(encoded[:, start : start + width], axis=1)
            counts = np.bincount(categories, minlength=width)
            self.sorted_rows.append(np.argsort(categories, kind="stable"))
            self.category_starts.append(np.cumsum(counts) - counts)
            self.category_counts.append(counts)
            log_counts = np.log1p(counts)
            self.training_probabilities.append(log_counts / log_counts.sum())
        self.condition_offsets = np.cumsum(
            [0] + [width for _, _, width in self.discrete_spans]
        )

    def sample_batch(self, batch_size, rng):
        """`(real rows, conditional vectors)` for one training batch."""
        if not self.discrete_spans:
            rows = rng.integers(0, len(self.encoded), batch_size)
            return self.encoded[rows], None
        columns = rng.integers(0, len(self.discrete_spans), batch_size)
        conditions = np.zeros((batch_size, self.condition_dim), "float32")
        rows = np.empty(batch_size, dtype=int)
        for column in range(len(self.discrete_spans)):
            selected = np.flatnonzero(columns == column)
            cumulative = np.cumsum(self.training_probabilities[column])
            categories = np.minimum(
                np.searchsorted(cumulative, rng.random(len(selected))),
                len(cumulative) - 1,
            )
            conditions[
                selected, self.condition_offsets[column] + categories
            ] = 1.0
            counts = self.category_counts[column][categories]
            positions = self.category_starts[column][categories] + (
                rng.random(len(selected)) * counts
            ).astype(int)
            rows[selected] = self.sorted_rows[column][positions]
        return self.encoded[rows], conditions


class TabularBatches(keras.utils.PyDataset):
    """`fit` batches of `(rows, conditional vectors)` by training-by-sampling.

    Batch `i` of an epoch is drawn from a generator seeded with
    `(*seed, epoch_key, i)`: a batch depends on where it stands in
    training, not on when it is read, so a run is reproducible and a
    resumed run reads the batches an uninterrupted one would.
    `keras_gan.tabular.TabularGAN` sets `epoch_key` at the start of every
    epoch to the number of epochs it has trained (part of its saved state).

    Args:
        sampler: A `ConditionSampler`.
        batch_size: Rows per batch.
        steps: Batches per epoch.
        seed: Integer seed, or a list of them.
        process: `(index, count)` of this process in a multi-process run:
            each batch is then drawn for the global batch of
            `batch_size * count` rows, of which this process keeps its
            own. Defaults to `(0, 1)`.
    """

    def __init__(self, sampler, batch_size, steps, seed=0, process=(0, 1)):
        super().__init__()
        self.sampler = sampler
        self.batch_size = batch_size
        self.steps = steps
        self.seed = seed
        self.process = tuple(process)
        self.epoch_key = 0

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        seed = [*np.atleast_1d(self.seed), self.epoch_key, index]
        rng = np.random.default_rng(seed)
        index, count = self.process
        rows, conditions = self.sampler.sample_batch(self.batch_size * count, rng)
        if count > 1:
            mine = slice(index * self.batch_size, (index + 1) * self.batch_size)
            rows = rows[mine]
            conditions = None if conditions is None else conditions[mine]
        if conditions is None:
            return (rows,)
        return rows, conditions
