"""QMF: quantum multimodal fusion networks, from Python.

The CLI's jobs as functions (train, resume, compare, load_run -> Run.predict / evaluate /
explain / export, load_view), and the QMFNN circuit as a differentiable function (Circuit:
forward, then tape.vjp, the engine's batched adjoint). qmf.torch wraps the circuit as a
torch.nn.Module.

Errors: a bad argument, key, value or shape raises ValueError; a bad file or a runtime failure
RuntimeError; each with the message the `qmf` command prints.
"""

import os

# The circuit's OpenMP threads and those of the code around it (torch, NumPy) take turns: idle
# threads must sleep, not spin on the cores the others need, as the qmf command arranges for
# itself. OpenMP reads this when it is first loaded: it applies when qmf is imported first.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from qmf._qmf import Circuit, Run, Tape, compare, load_run, load_view, resume, train

__all__ = ["Circuit", "Run", "Tape", "compare", "load_run", "load_view", "resume", "train"]
