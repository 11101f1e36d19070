"""TabularGAN: packing, conditional vector, training, sampling, saving."""

import keras
import numpy as np
import pandas as pd
import pytest

from keras_gan.tabular import OutputHeads
from keras_gan.tabular import TabularGAN
from keras_gan.tabular import TabularTransformer
from keras_gan.tabular import pack_rows
from keras_gan.tabular.sampler import ConditionSampler
from tests.conftest import save_and_reload
from tests.conftest import to_numpy
from tests.conftest import value_and_gradients

SMALL = dict(latent_dim=8, generator_dims=(32,), discriminator_dims=(32,))


def table(rows=400, seed=0):
    rng = np.random.default_rng(seed)
    job = rng.choice(["clerk", "nurse", "farming"], rows, p=[0.6, 0.35, 0.05])
    return pd.DataFrame(
        {
            "income": np.where(job == "farming", 80.0, 20.0)
            + rng.normal(0, 2.0, rows),
            "age": rng.integers(18, 70, rows),
            "job": job,
            "owner": rng.random(rows) < 0.4,
        }
    )


def small_model(data, pack=2, seed=0, **kwargs):
    model = TabularGAN.from_data(
        data, discrete_columns=["job"], pack=pack, seed=seed, **SMALL, **kwargs
    )
    model.compile(
        d_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5, beta_2=0.9),
        g_optimizer=keras.optimizers.Adam(5e-3, beta_1=0.5, beta_2=0.9),
    )
    return model


@pytest.fixture(scope="module")
def trained():
    """A model trained for 100 steps, and its column shapes before that."""
    from keras_gan.tabular import evaluation

    data = table()
    model = small_model(data, seed=3)
    model.before = evaluation.column_shapes(
        data, model.sample(400), ["job", "owner"]
    )
    model.history = model.fit(data, epochs=10, batch_size=40, verbose=0)
    return model, data


# === Packing ===


def test_pack_rows_groups_consecutive_rows():
    x = np.arange(24, dtype="float32").reshape(6, 4)
    packed = to_numpy(pack_rows(keras.ops.convert_to_tensor(x), 3))
    assert packed.shape == (2, 12)
    np.testing.assert_array_equal(packed[1], np.concatenate(x[3:6]))
    assert pack_rows(x, 1) is x


def test_pack_rows_concatenates_image_channels():
    images = np.random.default_rng(0).normal(size=(4, 2, 3, 5))
    packed = to_numpy(pack_rows(keras.ops.convert_to_tensor(images), 2))
    assert packed.shape == (2, 2, 3, 10)
    np.testing.assert_allclose(
        packed[1], np.concatenate([images[2], images[3]], axis=-1), rtol=1e-6
    )


def test_pack_rows_rejects_indivisible_batches():
    with pytest.raises(ValueError, match="7 samples cannot be split.*pack=2"):
        pack_rows(keras.ops.ones((7, 3)), 2)


def test_packed_gradients_reach_each_row_through_its_slot():
    pack, width = 3, 2
    dense = keras.layers.Dense(1, use_bias=False)
    dense.build((None, pack * width))
    weights = np.arange(1.0, 7.0, dtype="float32").reshape(-1, 1)
    dense.kernel.assign(weights)
    x = keras.Variable(np.ones((6, width), "float32"))
    _, (gradient,) = value_and_gradients(
        lambda: keras.ops.sum(dense(pack_rows(x, pack))), [x]
    )
    # Row i sits in slot i % pack of its group: its gradient is that slot's
    # weights.
    expected = np.tile(weights.reshape(pack, width), (2, 1))
    np.testing.assert_allclose(to_numpy(gradient), expected)


# === Conditional vector ===


def test_training_by_sampling_favours_rare_categories():
    data = table(rows=2000)[["job", "owner"]]
    transformer = TabularTransformer(["job"]).fit(data)
    spans = transformer.discrete_spans()
    assert [name for name, _, _ in spans] == ["job", "owner"]
    sampler = ConditionSampler(transformer.transform(data), spans)
    rows, conditions = sampler.sample_batch(20000, np.random.default_rng(0))
    assert conditions.shape == (20000, 5)
    np.testing.assert_array_equal(conditions.sum(axis=1), 1.0)
    # The real row has the asked category: rows and conditions share the
    # layout here (all columns discrete).
    asked_rows = conditions.astype(bool)
    assert (rows[asked_rows] == 1.0).all()
    # "job" (clerk, farming, nurse) is asked half the time, then each
    # category with probability log(1 + count) / sum log(1 + counts).
    counts = data["job"].value_counts()[["clerk", "farming", "nurse"]]
    expected = np.log1p(counts.to_numpy()) / np.log1p(counts.to_numpy()).sum()
    shares = conditions[:, :3].sum(axis=0) / 20000
    np.testing.assert_allclose(shares, expected / 2, atol=0.01)
    assert shares[1] > 0.1 > counts["farming"] / len(data) / 2


def test_condition_loss_against_hand_computation(trained):
    model, _ = trained
    raw = np.random.default_rng(0).normal(size=(4, model.transformer.output_dim))
    conditions = model.original_conditions(4, np.random.default_rng(1))
    expected = 0.0
    offset = 0
    for _, start, width in model.discrete_spans:
        logits = raw[:, start : start + width]
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        expected -= (conditions[:, offset : offset + width] * log_p).sum()
        offset += width
    loss = model.condition_loss(
        keras.ops.convert_to_tensor(raw.astype("float32")),
        keras.ops.convert_to_tensor(conditions),
    )
    np.testing.assert_allclose(to_numpy(loss), expected / 4, rtol=1e-5)


def test_output_heads_tanh_and_gumbel_softmax():
    heads = OutputHeads([("tanh", 1), ("softmax", 3)], temperature=0.2, seed=0)
    logits = keras.ops.convert_to_tensor(
        np.array([[5.0, 50.0, 0.0, 0.0]] * 200, "float32")
    )
    rows = to_numpy(heads(logits))
    np.testing.assert_allclose(rows[:, 0], np.tanh(5.0), rtol=1e-6)
    np.testing.assert_allclose(rows[:, 1:].sum(axis=1), 1.0, rtol=1e-5)
    assert (rows[:, 1:].argmax(axis=1) == 0).all()
    # Even logits: the Gumbel draw picks each category about equally often.
    even = to_numpy(heads(keras.ops.zeros((3000, 4)), seed=1))
    shares = np.bincount(even[:, 1:].argmax(axis=1), minlength=3) / 3000
    np.testing.assert_allclose(shares, [1 / 3] * 3, atol=0.04)
    np.testing.assert_array_equal(
        to_numpy(heads(keras.ops.zeros((5, 4)), seed=7)),
        to_numpy(heads(keras.ops.zeros((5, 4)), seed=7)),
    )


# === Training and sampling ===


def test_fit_learns_the_conditional_vector(trained):
    model, data = trained
    vector = model._condition_vector({"job": "farming"})
    generated = model.transformer.inverse_transform(
        model.generate(400, seed=0, conditions=np.tile(vector, (400, 1)))
    )
    asked_share = (generated["job"] == "farming").mean()
    plain_share = (model.sample(400, seed=0)["job"] == "farming").mean()
    assert asked_share > 0.5 > plain_share + 0.2, (asked_share, plain_share)


def test_conditional_sampling_returns_the_asked_category(trained):
    model, _ = trained
    rare = model.sample(50, seed=0, conditions={"job": "farming"})
    assert len(rare) == 50
    assert (rare["job"] == "farming").all()
    owners = model.sample(20, seed=1, conditions={"job": "nurse", "owner": True})
    assert (owners["job"] == "nurse").all() and owners["owner"].all()


def test_samples_have_the_columns_dtypes_and_ranges_of_the_data(trained):
    model, data = trained
    fake = model.sample(300, seed=0)
    assert list(fake.columns) == list(data.columns)
    assert dict(fake.dtypes) == dict(data.dtypes)
    assert set(fake["job"]) <= set(data["job"])
    for name in ("income", "age"):
        assert data[name].min() <= fake[name].min()
        assert fake[name].max() <= data[name].max()
    pd.testing.assert_frame_equal(fake, model.sample(300, seed=0))
    assert not fake.equals(model.sample(300, seed=1))


def test_training_improves_discrete_column_shapes(trained):
    from keras_gan.tabular import evaluation

    model, data = trained
    after = evaluation.column_shapes(data, model.sample(400), ["job", "owner"])
    assert np.isfinite(model.history.history["loss"]).all()
    assert after["job"] > model.before["job"] + 0.1, (model.before, after)


def test_save_and_load_keep_the_transformer(trained, tmp_path):
    model, data = trained
    path = str(tmp_path / "synth.keras")
    restored = save_and_reload(model, path)
    assert isinstance(restored, TabularGAN)
    assert restored.transformer.get_config() == model.transformer.get_config()
    assert restored.pack == model.pack
    pd.testing.assert_frame_equal(
        restored.sample(100, seed=5), model.sample(100, seed=5)
    )
    batches = []
    counter = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batches.append(logs["loss"])
    )
    history = restored.fit(
        data,
        epochs=1,
        batch_size=40,
        verbose=0,
        callbacks=[counter],
        validation_data=data.iloc[:80],
    )
    # An epoch is len(data) // batch_size training-by-sampling batches.
    assert len(batches) == 400 // 40 and np.isfinite(batches).all()
    assert np.isfinite(history.history["val_loss"]).all()


def test_works_without_discrete_columns():
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"a": rng.normal(size=100), "b": rng.exponential(size=100)})
    model = TabularGAN.from_data(data, pack=5, seed=0, **SMALL)
    model.compile()
    model.fit(data, epochs=1, batch_size=50, verbose=0)
    assert model.condition_dim == 0
    assert model.sample(10).shape == (10, 2)
    with pytest.raises(ValueError, match="'a' is a continuous column"):
        model.sample(10, conditions={"a": 1.0})


# === Bad input ===


@pytest.mark.parametrize(
    "frame, discrete, message",
    [
        (pd.DataFrame(), [], "the DataFrame is empty"),
        (table(), ["job", "sex"], "column 'sex' is not in the data"),
        (table().assign(const=1), ["job"], "column 'const' is constant"),
        (table(), [], "column 'job' has dtype (object|str)"),
    ],
)
def test_from_data_rejects_bad_frames(frame, discrete, message):
    with pytest.raises(ValueError, match=message):
        TabularGAN.from_data(frame, discrete_columns=discrete, **SMALL)


def test_fit_and_sample_reject_bad_input(trained):
    model, data = trained
    with pytest.raises(ValueError, match=r"`x`.*missing columns \['age'\]"):
        model.fit(data.drop(columns="age"), epochs=1)
    with pytest.raises(ValueError, match=r"unexpected columns \['extra'\]"):
        model.fit(data.assign(extra=1.0), epochs=1)
    with pytest.raises(ValueError, match="the DataFrame is empty"):
        model.fit(data.iloc[:0], epochs=1)
    with pytest.raises(ValueError, match="`batch_size`.*multiple of pack=2"):
        model.fit(data, batch_size=41)
    with pytest.raises(ValueError, match="no `y`"):
        model.fit(data, data["job"])
    with pytest.raises(ValueError, match="`steps_per_epoch`"):
        model.fit(data, steps_per_epoch=3)
    with pytest.raises(ValueError, match="'sex' is not a column"):
        model.sample(5, conditions={"sex": "f"})
    with pytest.raises(ValueError, match="`conditions`: column 'job' never takes the value 'pilot'"):
        model.sample(5, conditions={"job": "pilot"})
    with pytest.raises(ValueError, match="`num_rows`"):
        model.sample(0)
    with pytest.raises(ValueError, match="`pack`"):
        TabularGAN(
            model.generator, model.discriminator, 8, model.transformer, pack=0
        )
    with pytest.raises(ValueError, match="one logit per pack"):
        TabularGAN(
            model.generator,
            keras.Sequential([keras.Input((model.discriminator.input.shape[-1],)), keras.layers.Dense(2)]),
            8,
            model.transformer,
            pack=2,
        )


def test_sampling_runs_the_generator_in_numpy_as_the_backend_does(trained):
    from keras_gan.tabular import networks

    model, _ = trained
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((64, model.latent_dim)).astype("float32")
    conditions = model.original_conditions(64, rng)
    forward = networks.numpy_inference(model.generator)
    expected = to_numpy(model.generator([noise, conditions], training=False))
    np.testing.assert_allclose(forward([noise, conditions]), expected, atol=1e-4)
    # A layer it does not know: the backend runs the model.
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh")])
    assert networks.numpy_inference(other) is None
    odd = keras.Sequential([keras.Input((4,)), keras.layers.LayerNormalization()])
    assert networks.numpy_inference(odd) is None
