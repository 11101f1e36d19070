"""The README Quickstart runs as written."""

import os
import re
import subprocess
import sys

import pytest

from tests import conftest

ROOT = conftest.ROOT


def quickstart_code():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    section = readme.split("## Quickstart", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.slow
def test_quickstart_runs_and_learns_the_data(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", quickstart_code()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    mean_line = next(
        line for line in result.stdout.splitlines() if line.startswith("sample mean")
    )
    mean = [float(v) for v in re.findall(r"-?\d+\.\d+", mean_line)]
    assert abs(mean[0] - 2.0) < 0.3 and abs(mean[1] + 1.0) < 0.3, mean_line
    assert (tmp_path / "gan.keras").exists()
