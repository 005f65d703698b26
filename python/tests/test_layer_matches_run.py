"""qmf.torch's layer, given a trained run's parameters, is the run's model: torch Linear layers
for the FFNs and the expval head around QuantumFusion give the probabilities `Run.predict`
gives, to 1e-12 in double, for each encoding the layer supports."""

import numpy as np
import pytest

import qmf
from conftest import small_config

torch = pytest.importorskip("torch")
from qmf.torch import QuantumFusion  # noqa: E402


def torch_model_of(run):
    """The run's QMFNN rebuilt from its parameters: FFN per modality -> layer -> head."""
    p = {name: torch.from_numpy(a.copy()) for name, a in run.parameters().items()}
    cfg = run.config["model"]
    k = cfg["k"] * len(run.dims) if len(cfg["k"]) == 1 else cfg["k"]
    layer = QuantumFusion(k=k, classes=run.classes, encoding=cfg["encoding"],
                          readout=cfg["readout"], threads=1)
    with torch.no_grad():
        layer.theta.copy_(p["circuit"])
    ffns = []
    for m in range(len(run.dims)):
        w, b = p[f"ffn{m + 1}.0.weight"], p[f"ffn{m + 1}.0.bias"]
        ffns.append(lambda x, w=w, b=b: x @ w.T + b)

    def model(xs):
        out = layer([f(x) for f, x in zip(ffns, xs)])
        if cfg["readout"] == "probs":
            return out
        return torch.softmax(out @ p["readout.weight"].T + p["readout.bias"], dim=1)

    return model


@pytest.mark.parametrize("encoding,readout", [("amplitude", "expval"), ("belief", "expval"),
                                              ("angle", "expval"), ("amplitude", "probs")])
def test_layer_reproduces_the_runs_predictions(files_view, tmp_path, encoding, readout):
    cfg = small_config(files_view, epochs=1)
    cfg["model"].update({"encoding": encoding, "readout": readout})
    summary = qmf.train(cfg, out=tmp_path / "run", quiet=True)
    run = qmf.load_run(summary["run_dir"])
    x = [np.load(files_view / "test" / f) for f in ("1-mod1.npy", "2-mod2.npy")]
    expected = run.predict(x)["probabilities"]
    with torch.no_grad():
        got = torch_model_of(run)([torch.from_numpy(a).double() for a in x]).numpy()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
