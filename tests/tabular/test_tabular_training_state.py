"""TabularGAN on the data users bring: resume, batch seeds, conditions,
missing values and datetimes after training (small networks, few steps)."""

import keras
import numpy as np
import pandas as pd
import pytest

from keras_gan.tabular import TabularGAN
from tests.conftest import InterruptAt
from tests.conftest import assert_weights_equal
from tests.conftest import to_numpy
from tests.conftest import weights_of

SMALL = dict(latent_dim=8, generator_dims=(32,), discriminator_dims=(32,))


def table(rows=200, seed=0):
    rng = np.random.default_rng(seed)
    job = rng.choice(["clerk", "nurse", "farming"], rows, p=[0.6, 0.3, 0.1])
    return pd.DataFrame(
        {
            "income": np.where(job == "farming", 80.0, 20.0) + rng.normal(0, 2.0, rows),
            "job": job,
            "owner": rng.random(rows) < 0.4,
        }
    )


def small_model(data, seed=0, learning_rate=5e-3, **kwargs):
    model = TabularGAN.from_data(
        data, discrete_columns=["job"], pack=2, seed=seed, **SMALL, **kwargs
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9),
        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.9),
    )
    return model


def batches_of(model, data, epochs=1):
    """The real rows of each batch `fit` trains on."""
    seen = []
    dataset = model.make_batches(data, 40)

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(dataset[batch][0])

    original = model.make_batches
    model.make_batches = lambda *args, **kwargs: dataset
    try:
        model.fit(data, epochs=epochs, batch_size=40, verbose=0, callbacks=[Record()])
    finally:
        model.make_batches = original
    return seen


# === Exact resume ===


def test_backup_and_restore_mid_epoch_equals_an_uninterrupted_run(tmp_path):
    data = table()
    fit = dict(epochs=3, batch_size=40, verbose=0)  # 5 batches per epoch
    backup = str(tmp_path / "backup")
    reference = small_model(data)
    reference.fit(data, **fit)

    interrupted = small_model(data)
    with pytest.raises(KeyboardInterrupt):
        interrupted.fit(
            data,
            callbacks=[
                keras.callbacks.BackupAndRestore(backup, save_freq=2),
                InterruptAt(epoch=1, batch=3),  # Saved after batch 2.
            ],
            **fit,
        )
    # As in a new process: other weights, another batch seed, no epochs.
    resumed = small_model(data)
    rng = np.random.default_rng(7)
    for variable in resumed.weights:
        variable.assign(rng.normal(size=variable.shape).astype(variable.dtype))
    resumed.batch_seed = 12345
    resumed.fit(
        data, callbacks=[keras.callbacks.BackupAndRestore(backup, save_freq=2)], **fit
    )
    assert resumed.batch_seed == reference.batch_seed
    assert resumed.trained_epochs == reference.trained_epochs == 3
    assert_weights_equal(weights_of(reference), weights_of(resumed), atol=1e-6)
    assert_weights_equal(
        [to_numpy(v) for v in reference.optimizer.variables],
        [to_numpy(v) for v in resumed.optimizer.variables],
        atol=1e-6,
    )


def test_saved_model_keeps_the_sampler_state(tmp_path):
    data = table()
    model = small_model(data, seed=None)
    model.fit(data, epochs=1, batch_size=40, verbose=0)
    path = str(tmp_path / "synth.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert (restored.batch_seed, restored.trained_epochs) == (model.batch_seed, 1)
    for a, b in zip(batches_of(model, data), batches_of(restored, data)):
        np.testing.assert_array_equal(a, b)


def test_models_without_a_seed_draw_their_own_batches():
    # Before: every model built with seed=None drew batch seed 0.
    data = table()
    first, second = small_model(data, seed=None), small_model(data, seed=None)
    assert first.batch_seed != second.batch_seed
    first_batches = batches_of(first, data)
    assert not np.array_equal(first_batches[0], batches_of(second, data)[0])
    # A second `fit` goes on with new batches.
    assert not np.array_equal(batches_of(first, data)[0], first_batches[0])
    assert first.trained_epochs == 2


# === Conditions on several columns ===


@pytest.fixture(scope="module")
def trained():
    data = table(rows=400)
    model = small_model(data, seed=3)
    model.fit(data, epochs=10, batch_size=40, verbose=0)
    return model, data


def test_conditions_on_several_columns_all_hold(trained):
    model, _ = trained
    rows = model.sample(60, seed=0, conditions={"job": "farming", "owner": True})
    assert len(rows) == 60
    assert (rows["job"] == "farming").all() and rows["owner"].all()
    # The conditional vector asks for the rarer condition.
    vector = model._condition_vector({"owner": True, "job": "farming"})
    farming = model.transformer.column("job")["categories"].index("farming")
    assert vector[farming] == 1.0 and vector.sum() == 1.0


def test_unseen_condition_values_are_refused_by_name(trained):
    model, _ = trained
    with pytest.raises(ValueError, match="`conditions`: column 'job' never takes the value 'pilot'"):
        model.sample(5, conditions={"owner": True, "job": "pilot"})
    with pytest.raises(ValueError, match="'income' is a continuous column"):
        model.sample(5, conditions={"job": "clerk", "income": 20.0})
    with pytest.raises(ValueError, match="`conditions`: column 'owner' never takes the value 3"):
        model.sample(5, conditions={"owner": 3})
    with pytest.raises(ValueError, match="Expected a dict"):
        model.sample(5, conditions=[("job", "clerk")])


# === Missing values and datetimes, trained ===


def missing_table(rows=1000, seed=0):
    """`b` is missing exactly when `a` is "x"; `c` at random (15 %)."""
    rng = np.random.default_rng(seed)
    a = rng.choice(["x", "y", "z"], rows, p=[0.3, 0.4, 0.3])
    return pd.DataFrame(
        {
            "a": a,
            "b": np.where(a == "x", np.nan, rng.normal(10.0, 2.0, rows)),
            "c": np.where(rng.random(rows) < 0.15, np.nan, rng.normal(size=rows)),
        }
    )


def test_missing_values_come_back_at_the_data_rates_and_with_their_cause():
    data = missing_table()
    model = TabularGAN.from_data(data, discrete_columns=["a"], pack=2, seed=0, **SMALL)
    model.compile(
        d_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5, beta_2=0.9),
        g_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5, beta_2=0.9),
    )
    model.fit(data, epochs=30, batch_size=100, verbose=0)
    fake = model.sample(20000, seed=1)
    assert fake["b"].dtype == fake["c"].dtype == np.float64
    rates = fake.isna().mean()
    expected = data.isna().mean()
    np.testing.assert_allclose(rates, expected, atol=0.02, err_msg=str(rates))
    # Which columns are missing together, too.
    both = (fake["b"].isna() & fake["c"].isna()).mean()
    assert both == pytest.approx((data["b"].isna() & data["c"].isna()).mean(), abs=0.02)
    # Independent columns would give 0.28 on both sides.
    assert fake["b"][fake["a"] == "x"].isna().mean() > 0.8
    assert fake["b"][fake["a"] != "x"].isna().mean() < 0.1
    # A missing value can be asked for.
    asked = model.sample(50, seed=2, conditions={"c": np.nan, "a": "y"})
    assert asked["c"].isna().all() and (asked["a"] == "y").all()


def test_datetime_and_typed_columns_come_back_as_they_were():
    rng = np.random.default_rng(0)
    rows = 200
    data = pd.DataFrame(
        {
            "when": pd.Series(
                pd.Timestamp("2022-01-01")
                + pd.to_timedelta(rng.integers(0, 365, rows), unit="D")
            ).dt.tz_localize("America/New_York"),
            "level": pd.Categorical(
                rng.choice(["low", "mid"], rows),
                categories=["mid", "low", "high"],
                ordered=True,
            ),
            "tag": pd.array(rng.choice(["p", "q", None], rows), dtype="string"),
            "grade": rng.integers(1, 4, rows),
        }
    )
    model = TabularGAN.from_data(data, discrete_columns=["tag"], pack=2, seed=0, **SMALL)
    model.compile()
    model.fit(data, epochs=1, batch_size=40, verbose=0)
    fake = model.sample(300, seed=0)
    assert dict(fake.dtypes) == dict(data.dtypes)
    assert str(fake["when"].dt.tz) == "America/New_York"
    local = fake["when"].dt.tz_localize(None)
    assert (local == local.dt.normalize()).all()
    assert data["when"].min() <= fake["when"].min() <= fake["when"].max() <= data["when"].max()
    assert list(fake["level"].cat.categories) == ["mid", "low", "high"]
    assert fake["level"].cat.ordered
    assert set(fake["grade"]) <= {1, 2, 3}
