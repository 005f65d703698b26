"""Fixtures shared by the Python tests: small learnable multimodal data sets the tests write
themselves (the `files` view), and one run trained on them, shared by the tests that only read it.
"""

import os
import pathlib
import subprocess

import numpy as np
import pytest


def write_files_view(root, samples=(240, 80), dims=(6, 5), classes=3, seed=0):
    """A `files`-view directory: train/ and test/ with one .npy per modality and labels.npy.
    Modality m of a sample of class c is noise around a class centre, so a model can learn it."""
    rng = np.random.default_rng(seed)
    centres = [rng.normal(size=(classes, d)) * 2 for d in dims]
    for split, n in zip(("train", "test"), samples):
        d = pathlib.Path(root) / split
        d.mkdir(parents=True)
        y = rng.integers(0, classes, size=n)
        for m, dim in enumerate(dims):
            x = centres[m][y] + rng.normal(size=(n, dim))
            np.save(d / f"{m + 1}-mod{m + 1}.npy", x.astype(np.float32))
        np.save(d / "labels.npy", y.astype(np.int64))
    return pathlib.Path(root)


def small_config(data_dir, **train):
    """A config dict for a quick qmfnn run on a files view."""
    cfg = {
        "data": {"view": "files", "files": str(data_dir)},
        "model": {"kind": "qmfnn", "k": [2, 2]},
        "train": {"epochs": 2, "batch": 16, "lr": 0.05, "seed": 1, "threads": 1},
    }
    cfg["train"].update(train)
    return cfg


@pytest.fixture(scope="session")
def files_view(tmp_path_factory):
    return write_files_view(tmp_path_factory.mktemp("data") / "view")


@pytest.fixture(scope="session")
def trained_run(files_view, tmp_path_factory):
    """(run directory, summary) of one small qmfnn run with a validation split."""
    import qmf

    out = tmp_path_factory.mktemp("runs") / "run"
    cfg = small_config(files_view)
    cfg["data"]["validation"] = 0.2
    summary = qmf.train(cfg, out=out, quiet=True)
    return out, summary


def run_cli(*args, cwd=None):
    """The `qmf` command of this build (QMF_CLI, set by ctest), with its exit code and output."""
    cli = os.environ.get("QMF_CLI", "qmf")
    return subprocess.run([cli, *args], capture_output=True, text=True, cwd=cwd, check=False)
