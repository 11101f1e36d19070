"""tf.distribute: the update equals the single-device update."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import BACKEND
from tests import conftest
from tests.conftest import finish_process as finish

pytestmark = pytest.mark.skipif(
    BACKEND != "tensorflow", reason="tf.distribute strategies"
)
SCRIPT = os.path.join(conftest.SCRIPTS, "distributed_training.py")
ROOT = conftest.ROOT


def run(mode, out, env=None, extra_args=()):
    return subprocess.Popen(
        [sys.executable, SCRIPT, mode, str(out), *extra_args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )




def load(path):
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


@pytest.fixture(scope="module")
def single_device_run(tmp_path_factory):
    """The reference of every mirrored run, trained once per module."""
    path = tmp_path_factory.mktemp("single_device") / "single.npz"
    finish(run("single", path))
    return load(path)


@pytest.mark.parametrize("resume", [False, True], ids=["uninterrupted", "resumed_mid_epoch"])
def test_mirrored_strategy_matches_single_device(tmp_path, resume, single_device_run):
    mirrored = run(
        "mirrored", tmp_path / "mirrored.npz", extra_args=["resume"] if resume else []
    )
    output = finish(mirrored)
    assert "replicas 2" in output
    assert ("interrupted" in output) == resume
    a, b = single_device_run, load(tmp_path / "mirrored.npz")
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], atol=2e-6, err_msg=key)
    # Training moved the weights: the comparison is not between initial values.
    assert np.isfinite(a["d_loss"]).all()


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_multi_worker_mirrored_strategy_two_local_workers(tmp_path):
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    processes = []
    for index in range(2):
        tf_config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        processes.append(
            run("multi_worker", tmp_path / f"worker{index}.npz",
                env={"TF_CONFIG": json.dumps(tf_config)})
        )
    try:
        outputs = [finish(p, timeout=300) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()
    assert all("replicas 2" in out for out in outputs)
    a, b = load(tmp_path / "worker0.npz"), load(tmp_path / "worker1.npz")
    for key in a:
        # Both workers hold the same synchronized model.
        np.testing.assert_allclose(a[key], b[key], atol=1e-6, err_msg=key)
    assert np.isfinite(a["d_loss"]).all()
