"""Multi-process training: one step over N processes equals one process."""

import os
import socket
import subprocess
import sys

import numpy as np
import pytest

import keras_gan
from tests.conftest import BACKEND
from tests import conftest
from tests import families
from tests.core.test_families import assert_same_training
from tests.conftest import finish_process as finish

SCRIPTS = os.path.join(conftest.SCRIPTS)
ROOT = conftest.ROOT


def start(args):
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": ROOT},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )




def load(path):
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="module")
def torch_runs(tmp_path_factory):
    """Results of the torch script in one process and under `torchrun`."""
    if BACKEND != "torch":
        pytest.skip("torch.distributed runs with the torch backend")
    out = tmp_path_factory.mktemp("torch_multiprocess")
    script = os.path.join(SCRIPTS, "torch_multiprocess.py")
    single = start([script, "single", str(out / "single")])
    distributed = start(
        ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         script, "distributed", str(out / "distributed")]
    )
    assert "processes 1 rank 0" in finish(single)
    output = finish(distributed)
    assert "processes 2 rank 0" in output and "processes 2 rank 1" in output
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", ["random_draws", "nonfinite", "resumed", "short_last"]
)
def test_torch_two_processes_match_one_process(torch_runs, case):
    """`resumed`: both processes interrupted after the first batch and
    restored from the chief's backup, against one uninterrupted process.
    `short_last`: the epoch ends with a batch of 4 rows on each process."""
    single_case = "random_draws" if case == "resumed" else case
    single = load(torch_runs / f"single.{single_case}.rank0.npz")
    ranks = [load(torch_runs / f"distributed.{case}.rank{i}.npz") for i in (0, 1)]
    assert single.keys() == ranks[0].keys() == ranks[1].keys()
    for key in single:
        for rank in ranks:
            np.testing.assert_allclose(
                rank[key], single[key], atol=1e-5, rtol=1e-5, err_msg=key
            )
    moved = [
        not np.allclose(single[f"final{i}"], single[f"initial{i}"])
        for i in range(len([k for k in single if k.startswith("final")]))
    ]
    assert any(moved), "training did not change the discriminator"
    if case != "nonfinite":
        # The adaptive augmentation moved with the global batch.
        assert single["log_aug_p"][0] != 0.5
        assert single["log_skipped_steps"][0] == 0.0
    if case == "resumed":
        assert not os.path.exists(torch_runs / "distributed.backup")
    if case == "nonfinite":
        # Process 1's `inf` skipped the first discriminator update on both.
        assert single["log_skipped_steps"][0] == 1.0


@pytest.mark.slow
@pytest.mark.parametrize(
    "case, batch", [("uneven", 1), ("uneven_last", 2)], ids=["first", "last"]
)
def test_torch_processes_with_different_batch_sizes_are_refused(
    torch_runs, case, batch
):
    ranks = [load(torch_runs / f"distributed.{case}.rank{i}.npz") for i in (0, 1)]
    for result in ranks:
        error = str(result["error"])
        assert "Invalid value for argument `batch_size`" in error
        assert f"at batch {batch} of epoch 1: [4, 5]" in error
        assert "keras_gan.distributed.shard" in error
        # Refused before the step: only the batches before it trained.
        assert int(result["d_iterations"]) == batch - 1
    for key in ranks[0]:
        if key.startswith("w"):  # Still the same model on both processes.
            np.testing.assert_array_equal(ranks[0][key], ranks[1][key])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(
    BACKEND != "jax" or not os.environ.get("KERAS_GAN_SLOW_TESTS"),
    reason="jax.distributed with 2 CPU processes works (gloo collectives) but "
    "XLA compiles the 2-process train step for over 2 minutes on a loaded "
    "2-core machine (measured 2m7s, 4.5 min per run); set "
    "KERAS_GAN_SLOW_TESTS=1 to run it",
)
def test_jax_two_processes_match_one_process(tmp_path):
    script = os.path.join(SCRIPTS, "jax_multiprocess.py")
    port = str(free_port())
    single = start([script, "single", str(tmp_path / "single")])
    processes = [
        start([script, "distributed", str(tmp_path / "distributed"), port, str(i)])
        for i in (0, 1)
    ]
    try:
        outputs = [finish(p, timeout=600) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
    assert "processes 1 devices 1" in finish(single)
    assert all("processes 2 devices 2" in out for out in outputs)
    single = load(tmp_path / "single.rank0.npz")
    for rank in (0, 1):
        distributed = load(tmp_path / f"distributed.rank{rank}.npz")
        assert distributed.keys() == single.keys()
        for key in single:
            np.testing.assert_allclose(
                distributed[key], single[key], atol=1e-5, rtol=1e-5, err_msg=key
            )
    assert single["log_aug_p"][0] != 0.5


def test_chief_backup_and_restore_writes_on_the_chief_only(tmp_path, monkeypatch):
    from keras_gan import distributed

    gan = keras_gan.GAN(
        keras_gan.models.mlp_generator(2, 2, hidden_units=(4,)),
        keras_gan.models.mlp_discriminator(2, hidden_units=(4,)),
        latent_dim=2,
    )
    gan.compile()
    data = np.zeros((8, 2), "float32")
    for chief in (False, True):
        monkeypatch.setattr(distributed, "process_index", lambda: 0 if chief else 1)
        backup = keras_gan.callbacks.ChiefBackupAndRestore(
            str(tmp_path / "backup"), save_freq=1, delete_checkpoint=False
        )
        gan.fit(data, batch_size=4, epochs=1, verbose=0, callbacks=[backup])
        assert (tmp_path / "backup").exists() == chief
    config = backup.get_config()
    assert keras_gan.callbacks.ChiefBackupAndRestore(**config).get_config() == config


def test_shard_interleaves_batches_like_the_global_batch():
    data = np.arange(22)
    labels = -np.arange(22)
    shards = [
        keras_gan.distributed.shard((data, labels), index=i, count=2, batch_size=3)
        for i in (0, 1)
    ]
    np.testing.assert_array_equal(shards[0][0], [0, 1, 2, 6, 7, 8, 12, 13, 14])
    np.testing.assert_array_equal(shards[1][0], [3, 4, 5, 9, 10, 11, 15, 16, 17])
    np.testing.assert_array_equal(shards[1][1], -shards[1][0])
    # Batch k of each shard, in process order, is global batch k.
    for k in range(3):
        global_batch = np.concatenate([s[0][3 * k : 3 * k + 3] for s in shards])
        np.testing.assert_array_equal(global_batch, data[6 * k : 6 * k + 6])


def test_shard_contiguous_blocks_of_equal_size():
    data = {"x": np.arange(7)}
    blocks = [keras_gan.distributed.shard(data, i, 3)["x"] for i in range(3)]
    np.testing.assert_array_equal(np.concatenate(blocks), np.arange(6))


def test_single_process_defaults():
    assert keras_gan.distributed.process_index() == 0
    assert keras_gan.distributed.process_count() == 1
    assert keras_gan.distributed.is_chief()
    data = np.arange(5)
    np.testing.assert_array_equal(keras_gan.distributed.shard(data), data)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(index=2, count=2), "index=2"),
        (dict(index=0, count=0), "count=0"),
        (dict(index=0, count=2, batch_size=0), "batch_size=0"),
        (dict(index=0, count=2, batch_size=4), "cannot give 2 processes"),
    ],
)
def test_shard_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match="Invalid value for argument") as info:
        keras_gan.distributed.shard(np.arange(6), **kwargs)
    assert message in str(info.value)


def test_shard_refuses_arrays_of_different_lengths():
    with pytest.raises(ValueError, match="same number of rows"):
        keras_gan.distributed.shard((np.arange(4), np.arange(5)), 0, 2)


def test_per_process_batch_size():
    assert keras_gan.distributed.per_process_batch_size(64, count=4) == 16
    with pytest.raises(ValueError, match="global_batch_size=10"):
        keras_gan.distributed.per_process_batch_size(10, count=4)


def test_tf_config_task_order(monkeypatch):
    from keras_gan import distributed

    config = '{"cluster": {"chief": ["a:1"], "worker": ["b:1", "c:1"]}, '
    monkeypatch.setenv("TF_CONFIG", config + '"task": {"type": "worker", "index": 1}}')
    assert distributed._tf_config_task() == (2, 3)
    monkeypatch.setenv("TF_CONFIG", config + '"task": {"type": "chief", "index": 0}}')
    assert distributed._tf_config_task() == (0, 3)


@pytest.mark.skipif(BACKEND != "torch", reason="PyTorch tensors")
def test_shard_torch_tensors():
    import torch

    data = torch.arange(8).reshape(8, 1)
    shard = keras_gan.distributed.shard(data, index=1, count=2, batch_size=2)
    assert torch.equal(shard[:, 0], torch.tensor([2, 3, 6, 7]))


@pytest.mark.slow
@pytest.mark.parametrize("family", families.FAMILIES)
def test_torch_two_processes_match_one_process_for_each_family(torch_runs, family):
    single = load(torch_runs / f"single.{family}.rank0.npz")
    ranks = [load(torch_runs / f"distributed.{family}.rank{i}.npz") for i in (0, 1)]
    for rank in ranks:
        assert_same_training(single, rank)
