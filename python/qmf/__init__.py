"""QMF: quantum multimodal fusion networks, from Python.

The CLI's jobs as functions (train, resume, compare, load_run -> Run.predict / evaluate /
explain / export, load_view), and the QMFNN circuit as a differentiable function (Circuit:
forward, then tape.vjp, the engine's batched adjoint). qmf.torch wraps the circuit as a
torch.nn.Module.

Errors: a bad argument, key, value or shape raises ValueError; a bad file or a runtime failure
RuntimeError; each with the message the `qmf` command prints.
"""

from qmf._qmf import Circuit, Run, Tape, compare, load_run, load_view, resume, train

__all__ = ["Circuit", "Run", "Tape", "compare", "load_run", "load_view", "resume", "train"]
