"""Every family: mixed precision, resume after SIGKILL, the guide's table.

The models are the tiny ones of `tests/families.py` (Pix2Pix, CycleGAN
with its history pool, the text GAN with Gumbel-softmax noise, TabularGAN
with training-by-sampling and packing, CUT with its pool, the autoregressive
TextGAN). Their distributed runs share the
processes of the core's: `tests/core/test_model_contract.py` (TensorFlow
`MirroredStrategy`, JAX `DataParallel`) and
`tests/core/test_multiprocess.py` (PyTorch, 2 processes).
"""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from keras_gan.training.optimizer_group import SkipNonFiniteOptimizer
from tests import conftest
from tests import families
from tests.conftest import assert_weights_equal
from tests.conftest import to_numpy
from tests.conftest import weights_of
from tests.conftest import finish_process as finish

def load(path):
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def assert_same_training(expected, actual, atol=2e-6, rtol=2e-5):
    """`actual` has every weight (pools, random states, optimizer-free) and
    log of `expected`, and training moved the trainable weights."""
    assert expected.keys() == actual.keys()
    for key in expected:
        np.testing.assert_allclose(
            actual[key], expected[key], atol=atol, rtol=rtol, err_msg=key
        )
    moved = [
        key
        for key in expected
        if key.startswith("w")
        and not np.allclose(expected[key], expected["initial" + key[1:]])
    ]
    assert len(moved) >= 4, "training did not change the weights"
    for key in expected:
        if key.startswith("log_"):
            assert np.isfinite(expected[key]).all(), key




# === Mixed precision ===


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("family", families.FAMILIES)
def test_mixed_precision_trains_with_float32_losses_and_saves(
    tmp_path, family, policy
):
    keras.mixed_precision.set_global_policy(policy)
    try:
        model = families.build(family)
        x = families.data(family)
        history = families.fit(model, family, x, families.GLOBAL_BATCH)
        assert policy[len("mixed_"):] in compute_dtypes(model)  # It applies.
        expected = (
            keras.optimizers.LossScaleOptimizer
            if policy == "mixed_float16"
            else SkipNonFiniteOptimizer
        )
        assert type(model.d_optimizer) is expected
        for name, values in history.history.items():
            assert np.isfinite(values).all(), name
        terms = families.loss_terms(model, family, families.first_batch(model, family, x))
        for name, value in terms.items():
            assert keras.backend.standardize_dtype(value.dtype) == "float32", name
            assert np.isfinite(to_numpy(value)), name
        path = str(tmp_path / f"{family}.keras")
        model.save(path)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    loaded = keras.models.load_model(path, safe_mode=True)
    assert_weights_equal(weights_of(model), weights_of(loaded))
    assert compute_dtypes(loaded) == compute_dtypes(model)
    np.testing.assert_allclose(
        families.outputs(loaded, family), families.outputs(model, family), atol=1e-6
    )


def compute_dtypes(model):
    return {
        layer.compute_dtype
        for network in model.generator_networks() + model.discriminator_networks()
        for layer in network.layers
        # An `InputLayer` is rebuilt with its input dtype when loaded.
        if not isinstance(layer, keras.layers.InputLayer)
    }


# === Faults: SIGKILL mid-epoch, then BackupAndRestore ===

PREEMPTED = os.path.join(conftest.SCRIPTS, "preempted_family.py")
RESUMABLE = families.FAMILIES


@pytest.fixture(scope="module")
def preempted_runs(tmp_path_factory):
    """Each family killed in its own process, then one process resuming all
    of them and running their uninterrupted references."""
    out = tmp_path_factory.mktemp("preempted")

    def run(*args):
        return subprocess.Popen(
            [sys.executable, PREEMPTED, *args], cwd=conftest.ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": conftest.ROOT},
        )

    killed = [run("kill", family, str(out / family)) for family in RESUMABLE]
    for process in killed:
        _, stderr = process.communicate(timeout=400)
        assert process.returncode == -9, stderr[-3000:]  # SIGKILL
    assert f"resumed {len(RESUMABLE)}" in finish(
        run("resume", str(out / "result"), str(out), *RESUMABLE)
    )
    return out


@pytest.mark.slow
@pytest.mark.parametrize("family", RESUMABLE)
def test_resume_after_sigkill_mid_epoch_equals_an_uninterrupted_run(
    preempted_runs, family
):
    result = load(preempted_runs / f"result.{family}.npz")
    reference = {k[len("reference_"):]: v for k, v in result.items() if k.startswith("reference_")}
    resumed = {k[len("resumed_"):]: v for k, v in result.items() if k.startswith("resumed_")}
    assert reference.keys() == resumed.keys()
    assert any(key.startswith("optimizer_") for key in reference)
    for key in reference:
        np.testing.assert_allclose(
            resumed[key], reference[key], atol=1e-6, rtol=1e-5, err_msg=key
        )


# === The guide's table ===


def test_every_test_the_distributed_guide_names_exists():
    """Each cell of the family/engine table in docs/distributed.md names the
    tests backing it: each file and test function must exist."""
    import re

    with open(os.path.join(conftest.ROOT, "docs", "distributed.md")) as f:
        guide = f.read()
    references = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", guide)
    assert len(references) >= 8
    for path, function in references:
        with open(os.path.join(conftest.ROOT, path)) as f:
            source = f.read()
        if function:
            assert f"def {function}(" in source, f"{path}::{function}"
