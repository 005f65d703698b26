"""QMF's fusion circuit as a torch layer.

`QuantumFusion` hands each modality's features to QMF's engine, which encodes them as the QMFNN
does and runs the simulated circuit, through a `torch.autograd.Function` whose backward is the
engine's adjoint pass (`qmf.Circuit.forward_features` / `tape.vjp`): one call each way, so
torch sees no per-gate or per-encoding operations. CPU tensors only.
"""

import math

import numpy as np
import torch

from . import _qmf

__all__ = ["QuantumFusion"]

_PRECISION = {torch.float32: "float", torch.float64: "double"}
class _CircuitFunction(torch.autograd.Function):
    """values = circuit(features, theta); backward by the engine's vector-Jacobian product."""

    @staticmethod
    def forward(ctx, circuit, theta, *inputs):
        values, tape = _run(circuit, theta, inputs)
        # Each forward owns its tape, whose vjp may be called once; a second backward through
        # the same graph (retain_graph, gradcheck's Jacobian rows) reruns the circuit instead.
        ctx.circuit = circuit
        ctx.tape = tape
        ctx.save_for_backward(theta, *inputs)
        return torch.from_numpy(np.asarray(values)).to(inputs[0].dtype)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_values):
        theta, *inputs = ctx.saved_tensors
        tape, ctx.tape = ctx.tape, None
        if tape is None:
            _, tape = _run(ctx.circuit, theta, inputs)
        grad = np.ascontiguousarray(grad_values.detach().to(torch.float64).numpy())
        dtheta, dinputs = tape.vjp(grad)
        dtheta = torch.from_numpy(np.asarray(dtheta)).to(theta.dtype)
        dx = [torch.from_numpy(np.asarray(d)).to(x.dtype) for d, x in zip(dinputs, inputs)]
        return (None, dtheta, *dx)


def _run(circuit, theta, features):
    """circuit.forward_features on the tensors' data: (values, tape)."""
    return circuit.forward_features([h.detach().numpy() for h in features],
                                    theta.detach().numpy())


class QuantumFusion(torch.nn.Module):
    """Fuses M modalities' features through QMF's parameterised circuit.

    Arguments are those of `qmf.Circuit` (k, classes, encoding, readout, fusion_layers,
    entangle, qcnn, qcnn_share, conv_block, threads); `dtype` is the dtype of the circuit
    angles `theta`. Call it with a list of M tensors h_m of shape (B, 2**k[m]) for the amplitude
    and belief encodings or (B, k[m]) for the angle encoding; it returns (B, classes)
    probabilities (readout "probs") or (B, r) expectation values <Z> of the r readout qubits
    (readout "expval"). float32 inputs run the single-precision simulator, float64 the double
    one; theta keeps its own dtype.
    """

    def __init__(self, k=(4, 4), classes=10, encoding="amplitude", readout="expval",
                 fusion_layers=2, entangle=True, qcnn=True, qcnn_share=True, conv_block="conv6",
                 threads=0, dtype=torch.float64):
        super().__init__()
        if dtype not in _PRECISION:
            raise ValueError(f"dtype: expected torch.float32 or torch.float64, got {dtype}")
        self._options = dict(k=[int(km) for km in k], classes=int(classes), encoding=encoding,
                             readout=readout, fusion_layers=int(fusion_layers),
                             entangle=bool(entangle), qcnn=bool(qcnn),
                             qcnn_share=bool(qcnn_share), conv_block=conv_block,
                             threads=int(threads))
        # Built now so that bad arguments fail here; the float circuit is built when first used.
        self._circuits = {"double": _qmf.Circuit(**self._options, precision="double")}
        self.theta = torch.nn.Parameter(torch.empty(self.num_params, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Draws theta from U(-pi, pi) with torch's random generator, like the CLI's model."""
        with torch.no_grad():
            self.theta.uniform_(-math.pi, math.pi)

    def circuit(self, dtype=torch.float64):
        """The `qmf.Circuit` that runs inputs of `dtype` (float32 or float64)."""
        precision = _PRECISION[dtype]
        if precision not in self._circuits:
            self._circuits[precision] = _qmf.Circuit(**self._options, precision=precision)
        return self._circuits[precision]

    @property
    def k(self):
        """The register sizes (qubits per modality)."""
        return list(self._options["k"])

    @property
    def encoding(self):
        """"amplitude", "belief" or "angle"."""
        return self._options["encoding"]

    @property
    def readout(self):
        """"probs" or "expval"."""
        return self._options["readout"]

    @property
    def num_params(self):
        """The number of circuit angles (the length of theta)."""
        return self._circuits["double"].num_params

    @property
    def outputs(self):
        """The width of the output: classes for "probs", readout qubits for "expval"."""
        return self._circuits["double"].outputs

    @property
    def readout_qubits(self):
        """The qubits measured, most significant bit of the outcome first."""
        return list(self._circuits["double"].readout_qubits)

    def extra_repr(self):
        o = self._options
        return (f"k={o['k']}, classes={o['classes']}, encoding={o['encoding']!r}, "
                f"readout={o['readout']!r}, params={self.num_params}, outputs={self.outputs}")

    def feature_widths(self):
        """The width each modality's features must have: 2**k[m], or k[m] for "angle"."""
        k = self._options["k"]
        return list(k) if self.encoding == "angle" else [1 << km for km in k]

    def forward(self, features):
        """features: list of M tensors (B, width_m) on the CPU, float32 or float64."""
        features = self._check(features)
        circuit = self.circuit(features[0].dtype)
        return _CircuitFunction.apply(circuit, self.theta, *features)

    def _check(self, features):
        widths = self.feature_widths()
        if isinstance(features, torch.Tensor) or not isinstance(features, (list, tuple)):
            raise ValueError(f"features: expected a list of {len(widths)} tensors (one per "
                             f"modality), got {type(features).__name__}")
        if len(features) != len(widths):
            raise ValueError(f"features: expected {len(widths)} modalities (k={self.k}), "
                             f"got {len(features)}")
        batch = None
        dtype = None
        for m, (h, width) in enumerate(zip(features, widths)):
            name = f"features[{m}]"
            expected = f"(B, {width})"
            if not isinstance(h, torch.Tensor):
                raise ValueError(f"{name}: expected a tensor {expected}, got {type(h).__name__}")
            if h.device.type != "cpu":
                raise ValueError(f"{name}: expected a CPU tensor {expected}, got one on "
                                 f"{h.device} (QuantumFusion runs on the CPU)")
            if h.dtype not in _PRECISION:
                raise ValueError(f"{name}: expected float32 or float64 {expected}, "
                                 f"got {h.dtype}")
            if h.dim() != 2 or h.shape[1] != width:
                raise ValueError(f"{name}: expected shape {expected}, got {tuple(h.shape)}")
            if batch is None:
                batch, dtype = h.shape[0], h.dtype
            elif h.shape[0] != batch:
                raise ValueError(f"{name}: expected shape ({batch}, {width}) (the batch of "
                                 f"features[0]), got {tuple(h.shape)}")
            elif h.dtype != dtype:
                raise ValueError(f"{name}: expected {dtype} like features[0], got {h.dtype}")
        if batch == 0:
            raise ValueError("features: the batch is empty")
        return [h.contiguous() for h in features]
