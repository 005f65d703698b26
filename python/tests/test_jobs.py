"""The CLI's jobs from Python: train, resume, compare, load_run and its methods, load_view; each
against the files it writes and the `qmf` command's own output, and each error path with the
command's message."""

import json

import numpy as np
import pytest

import qmf
from conftest import run_cli, small_config, write_files_view


def test_train_returns_the_summary_and_writes_the_run(trained_run):
    out, summary = trained_run
    assert summary["run_dir"] == str(out)
    on_disk = json.loads((out / "summary.json").read_text())
    assert summary["test_accuracy"] == on_disk["test_accuracy"]
    assert summary["epochs"] == 2
    assert (out / "checkpoint.qmf").is_file() and (out / "best.qmf").is_file()
    # A learnable data set: well above the 1/3 of chance after two epochs.
    assert summary["test_accuracy"] > 0.6


def test_a_toml_path_trains_as_the_dict_does(files_view, tmp_path):
    cfg = small_config(files_view, epochs=1)
    toml = tmp_path / "run.toml"
    toml.write_text(
        '[data]\nview = "files"\nfiles = "%s"\n[model]\nkind = "qmfnn"\nk = [2, 2]\n'
        "[train]\nepochs = 1\nbatch = 16\nlr = 0.05\nseed = 1\nthreads = 1\n" % files_view)
    a = qmf.train(cfg, out=tmp_path / "a", quiet=True)
    b = qmf.train(str(toml), out=tmp_path / "b", quiet=True)
    assert a["test_accuracy"] == b["test_accuracy"]  # same seed, same threads: the same run


def test_sets_override_like_the_command_line(files_view, tmp_path):
    s = qmf.train(small_config(files_view), out=tmp_path / "r", sets=["train.epochs=1"], quiet=True)
    assert s["epochs"] == 1


def test_resume_finishes_an_interrupted_schedule(files_view, tmp_path):
    out = tmp_path / "r"
    qmf.train(small_config(files_view, epochs=1), out=out, quiet=True)
    s = qmf.resume(out, sets=["train.epochs=2"], quiet=True)
    assert s["epochs"] == 2
    full = qmf.train(small_config(files_view, epochs=2), out=tmp_path / "full", quiet=True)
    assert s["test_accuracy"] == pytest.approx(full["test_accuracy"], abs=1e-12)


def test_usage_errors_are_value_errors_with_the_commands_message(files_view, tmp_path):
    cfg = small_config(files_view)
    cfg["train"]["epochz"] = 2
    with pytest.raises(ValueError) as err:
        qmf.train(cfg, out=tmp_path / "r", quiet=True)
    cli = run_cli("train", "--set", "train.epochz=2", "--out", str(tmp_path / "c"))
    assert cli.returncode == 2
    assert "train.epochz" in str(err.value)
    assert "train.epochz" in cli.stderr
    assert not (tmp_path / "r").exists()
    with pytest.raises(ValueError, match="sets"):
        qmf.train(small_config(files_view), sets="train.epochs=1", quiet=True)
    with pytest.raises(ValueError, match="config"):
        qmf.train(42, quiet=True)
    with pytest.raises(ValueError, match="no such file"):
        qmf.train(str(tmp_path / "missing.toml"), quiet=True)
    with pytest.raises(ValueError, match="NaN|not representable"):
        qmf.train({"train": {"lr": float("nan")}}, quiet=True)


def test_runtime_failures_are_runtime_errors(tmp_path):
    broken = write_files_view(tmp_path / "broken")
    (broken / "train" / "1-mod1.npy").write_bytes(b"not a numpy file")
    cfg = {"data": {"view": "files", "files": str(broken)}, "train": {"epochs": 1}}
    with pytest.raises(RuntimeError, match="1-mod1.npy"):
        qmf.train(cfg, out=tmp_path / "r", quiet=True)
    assert not (tmp_path / "r" / "summary.json").exists()


def test_load_run_predicts_on_arrays_as_evaluate_does(trained_run, files_view):
    out, summary = trained_run
    run = qmf.load_run(out)
    assert run.kind == "qmfnn" and run.classes == 3 and run.dims == [6, 5]
    assert run.modality_names == ["1-mod1", "2-mod2"]
    x = [np.load(files_view / "test" / f) for f in ("1-mod1.npy", "2-mod2.npy")]
    y = np.load(files_view / "test" / "labels.npy")
    p = run.predict(x)
    assert p["probabilities"].shape == (80, 3)
    np.testing.assert_allclose(p["probabilities"].sum(axis=1), 1, atol=1e-12)
    report = run.evaluate()
    assert np.mean(p["predicted"] == y) == pytest.approx(report["accuracy"], abs=1e-12)
    assert report["accuracy"] == pytest.approx(summary["test_accuracy"], abs=1e-12)
    # float64, Fortran order: the same predictions.
    q = run.predict([np.asfortranarray(a.astype(np.float64)) for a in x])
    np.testing.assert_allclose(q["probabilities"], p["probabilities"], atol=1e-6)
    d = run.predict_dir(files_view / "test")
    np.testing.assert_array_equal(d["labels"], y)
    np.testing.assert_allclose(d["probabilities"], p["probabilities"], atol=1e-12)


def test_predict_refuses_bad_arrays_naming_the_argument(trained_run):
    run = qmf.load_run(trained_run[0])
    good = [np.zeros((4, 6), np.float32), np.zeros((4, 5), np.float32)]
    with pytest.raises(ValueError, match=r"x\[1\].*\(4, 5\)"):
        run.predict([good[0], np.zeros((4, 4), np.float32)])
    with pytest.raises(ValueError, match=r"x: 1 arrays given, expected 2"):
        run.predict(good[:1])
    with pytest.raises(ValueError, match=r"x\[0\].*dtype int64"):
        run.predict([np.zeros((4, 6), np.int64), good[1]])
    with pytest.raises(ValueError, match=r"x\[0\].*dimension"):
        run.predict([np.zeros(6, np.float32), good[1]])
    bad = good[0].copy()
    bad[2, 3] = np.inf
    with pytest.raises(ValueError, match=r"x\[0\]: row 2, column 3 is inf"):
        run.predict([bad, good[1]])
    with pytest.raises(ValueError, match="list"):
        run.predict(good[0])


def test_evaluate_writes_what_qmf_eval_writes(trained_run, tmp_path):
    out = trained_run[0]
    run = qmf.load_run(out)
    mine = run.evaluate(out=tmp_path / "py")
    cli = run_cli("eval", "--run", str(out), "--out", str(tmp_path / "cli"))
    assert cli.returncode == 0, cli.stderr
    assert mine == json.loads((tmp_path / "cli" / "eval.json").read_text())
    assert (tmp_path / "py" / "predictions.csv").read_text() == (
        tmp_path / "cli" / "predictions.csv").read_text()
    with pytest.raises(ValueError, match="would be replaced whole"):
        run.evaluate(out=out)  # the run itself is never replaced


def test_best_checkpoint_and_its_errors(trained_run, tmp_path, files_view):
    best = qmf.load_run(trained_run[0], checkpoint="best")
    assert best.evaluate()["accuracy"] > 0.5
    with pytest.raises(ValueError, match="checkpoint"):
        qmf.load_run(trained_run[0], checkpoint="middle")
    with pytest.raises(ValueError, match="model.k"):
        qmf.load_run(trained_run[0], sets=["model.k=3"])
    with pytest.raises(ValueError, match="no such directory"):
        qmf.load_run(tmp_path / "nowhere")
    with pytest.raises(RuntimeError, match="config.toml"):
        qmf.load_run(tmp_path)


def test_explain_and_export_as_the_commands_do(trained_run, tmp_path):
    run = qmf.load_run(trained_run[0])
    e = run.explain(out=tmp_path / "explain", samples=2, quiet=True)
    assert e == json.loads((tmp_path / "explain" / "explain.json").read_text())
    with pytest.raises(ValueError, match="samples"):
        run.explain(out=tmp_path / "x", samples=0)
    x = run.export(0)
    assert x["qasm"].startswith("OPENQASM 3")
    assert x["sidecar"]["sample"] == 0
    cli = run_cli("export", "--run", str(trained_run[0]), "--sample", "0")
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout == x["qasm"]
    written = run.export(1, out=tmp_path / "c.qasm", format="qasm2", bit_order="qiskit")
    assert (tmp_path / "c.qasm").read_text() == written["qasm"]
    assert json.loads((tmp_path / "c.qasm.json").read_text()) == written["sidecar"]
    with pytest.raises(ValueError, match="--sample 80: the test split"):
        run.export(80)
    with pytest.raises(ValueError, match="--format"):
        run.export(0, format="qasm4")


def test_parameters_are_named_and_shaped(trained_run):
    p = qmf.load_run(trained_run[0]).parameters()
    assert p["ffn1.0.weight"].shape == (4, 6)
    assert p["ffn2.0.bias"].shape == (4,)
    assert p["readout.weight"].shape == (3, 2)
    assert p["circuit"].ndim == 1


def test_compare_runs_a_study_given_as_a_dict(files_view, tmp_path):
    base = {f"{section}.{key}": value
            for section, keys in small_config(files_view, epochs=1).items()
            for key, value in keys.items() if key != "seed"}
    study = {
        "seeds": [0],
        "base": base,
        "models": [{"name": "q", "set": {"model.kind": "qmfnn"}},
                   {"name": "early", "set": {"model.kind": "early", "model.hidden": [8]}}],
    }
    result = qmf.compare(study, out=tmp_path / "study", quiet=True)
    assert [m["model"] for m in result["models"]] == ["q", "early"]
    assert (tmp_path / "study" / "compare.md").is_file()
    with pytest.raises(ValueError):
        qmf.compare({"seeds": [0], "models": []}, out=tmp_path / "s2", quiet=True)


def test_load_view_gives_the_splits_training_sees(files_view):
    v = qmf.load_view({"data": {"view": "files", "files": str(files_view)}})
    assert v["classes"] == 3 and v["view"] == "files"
    assert [a.shape for a in v["test"]["x"]] == [(80, 6), (80, 5)]
    assert v["shapes"] == [(1, 1, 6), (1, 1, 5)]  # (channels, rows, cols): feature vectors
    np.testing.assert_array_equal(v["test"]["y"], np.load(files_view / "test" / "labels.npy"))
    np.testing.assert_allclose(v["test"]["x"][0], np.load(files_view / "test" / "1-mod1.npy"))
