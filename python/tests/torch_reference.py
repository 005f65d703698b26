"""A pure-torch autograd model of QMF's circuit, independent of the engine's simulator.

It reads the gate list of a `qmf.Circuit` (`circuit.gates()`), builds every gate matrix from
theta (and the per-sample angles) with torch ops so autograd differentiates through each gate,
fuses consecutive gates greedily into blocks of at most two qubits (4x4 matrices), and applies
the blocks to a (B, 2, ..., 2) complex state. It serves as the tests' reference and as the
benchmark's baseline (its best case: dense 4x4 blocks, batched matmuls).
"""

import torch

_COMPLEX = {torch.float32: torch.complex64, torch.float64: torch.complex128}


def encode(features, encoding):
    """The torch encoding of the layer: amplitude h/sqrt(|h|^2 + 1e-12), belief sqrt(softmax(h)),
    angle: the features concatenated over modalities into one (B, n) tensor."""
    if encoding == "angle":
        return [torch.cat(list(features), dim=1)]
    if encoding == "amplitude":
        return [h / torch.sqrt((h * h).sum(dim=1, keepdim=True) + 1e-12) for h in features]
    if encoding == "belief":
        return [torch.softmax(h, dim=1).sqrt() for h in features]
    raise ValueError(f"encoding: unknown {encoding!r}")


def _matrix(entries, side):
    """Stacks complex entries (scalars or (B,) tensors, row-major) into a (side, side) or
    (B, side, side) tensor."""
    shape = torch.broadcast_shapes(*[e.shape for e in entries])
    stacked = torch.stack([e.expand(shape) for e in entries], dim=-1)
    return stacked.reshape(*shape, side, side)


def _controlled(u, zero, one):
    """|0><0| (x) 1 + |1><1| (x) u, the control being the first (most significant) qubit."""
    return _matrix([one, zero, zero, zero,
                    zero, one, zero, zero,
                    zero, zero, u[0], u[1],
                    zero, zero, u[2], u[3]], 4)


def gate_matrix(kind, angles, cdtype):
    """The matrix of gate `kind` for real angle tensors `angles` (each a scalar or (B,))."""
    i = torch.tensor(1j, dtype=cdtype)
    zero = torch.zeros((), dtype=cdtype)
    one = torch.ones((), dtype=cdtype)
    a = [torch.complex(t, torch.zeros_like(t)) for t in angles]

    def rx(t):
        c, s = torch.cos(t / 2), torch.sin(t / 2)
        return [c, -i * s, -i * s, c]

    def ry(t):
        c, s = torch.cos(t / 2), torch.sin(t / 2)
        return [c, -s, s, c]

    def rz(t):
        return [torch.exp(-i * t / 2), zero, zero, torch.exp(i * t / 2)]

    def phase(t):
        return [one, zero, zero, torch.exp(i * t)]

    one_qubit = {"RX": rx, "RY": ry, "RZ": rz, "P": phase, "PHASE": phase}
    fixed = {"X": [zero, one, one, zero], "Y": [zero, -i, i, zero], "Z": [one, zero, zero, -one],
             "H": [one * 2 ** -0.5, one * 2 ** -0.5, one * 2 ** -0.5, -one * 2 ** -0.5],
             "S": [one, zero, zero, i], "T": [one, zero, zero, torch.exp(i * torch.pi / 4)]}
    k = kind.upper()
    if k in fixed:
        return _matrix(fixed[k], 2)
    if k in one_qubit:
        return _matrix(one_qubit[k](a[0]), 2)
    if k == "U3":
        t, phi, lam = a
        c, s = torch.cos(t / 2), torch.sin(t / 2)
        return _matrix([c, -torch.exp(i * lam) * s, torch.exp(i * phi) * s,
                        torch.exp(i * (phi + lam)) * c], 2)
    if k in ("CNOT", "CX"):
        return _controlled([zero, one, one, zero], zero, one)
    if k == "CZ":
        return _controlled([one, zero, zero, -one], zero, one)
    if k in ("CRX", "CRY", "CRZ", "CP", "CPHASE"):
        base = {"CRX": rx, "CRY": ry, "CRZ": rz, "CP": phase, "CPHASE": phase}[k]
        return _controlled(base(a[0]), zero, one)
    if k == "SWAP":
        return _matrix([one, zero, zero, zero, zero, zero, one, zero,
                        zero, one, zero, zero, zero, zero, zero, one], 4)
    if k in ("TOFFOLI", "CCX"):
        m = torch.eye(8, dtype=cdtype)
        return m[[0, 1, 2, 3, 4, 5, 7, 6]]
    raise ValueError(f"gate kind {kind!r} is not modelled by the reference")


def apply(matrix, state, qubits):
    """Applies a (2^m, 2^m) or (B, 2^m, 2^m) matrix on `qubits` (its first = most significant)
    to a (B or 1, 2, ..., 2, *rest) tensor whose axis 1 + q is qubit q."""
    m = len(qubits)
    axes = [1 + q for q in qubits]
    moved = torch.movedim(state, axes, list(range(1, m + 1)))
    shape = moved.shape
    flat = moved.reshape(shape[0], 1 << m, -1)
    out = torch.matmul(matrix, flat)
    out = out.reshape(out.shape[0], *shape[1:])
    return torch.movedim(out, list(range(1, m + 1)), axes)


def fuse(gates):
    """Greedy blocks: a gate joins the current block while the block's qubits and its own
    together stay within two; otherwise it starts a new block. Returns [(qubits, [gate])]."""
    blocks = []
    for g in gates:
        qubits = list(g["qubits"])
        if blocks:
            current = blocks[-1][0]
            union = current + [q for q in qubits if q not in current]
            if len(union) <= 2:
                blocks[-1] = (union, blocks[-1][1] + [g])
                continue
        blocks.append((qubits, [g]))
    return blocks


class Reference:
    """The circuit of `circuit` (a qmf.Circuit) in torch autograd ops."""

    def __init__(self, circuit):
        self.k = list(circuit.k)
        self.n = int(circuit.qubits)
        self.encoding = circuit.encoding
        self.readout = circuit.readout
        self.outputs = int(circuit.outputs)
        self.readout_qubits = list(circuit.readout_qubits)
        self.blocks = fuse(circuit.gates())

    def _angles(self, gate, theta, sample_angles):
        out = []
        for angle in gate["angles"]:
            if "shared" in angle:
                out.append(theta[int(angle["shared"])])
            elif "sample" in angle:
                out.append(sample_angles[:, int(angle["sample"])])
            else:
                out.append(torch.tensor(float(angle["value"]), dtype=theta.dtype))
        return out

    def _block_matrix(self, qubits, gates, theta, sample_angles, cdtype):
        m = len(qubits)
        op = torch.eye(1 << m, dtype=cdtype).reshape(1, *([2] * m), 1 << m)
        for g in gates:
            local = [qubits.index(q) for q in g["qubits"]]
            op = apply(gate_matrix(g["kind"], self._angles(g, theta, sample_angles), cdtype),
                       op, local)
        return op.reshape(op.shape[0], 1 << m, 1 << m)

    def initial_state(self, inputs, cdtype):
        """The product state: the kron of the register amplitude rows, or |0...0> for angles."""
        if self.encoding == "angle":
            batch = inputs[0].shape[0]
            psi = torch.zeros(batch, 1 << self.n, dtype=cdtype)
            psi[:, 0] = 1
            return psi
        psi = inputs[0].to(cdtype)
        for x in inputs[1:]:
            psi = (psi[:, :, None] * x.to(cdtype)[:, None, :]).reshape(psi.shape[0], -1)
        return psi

    def marginal(self, state):
        """P(c) over the readout qubits, the first listed qubit the most significant bit."""
        prob = (state.real ** 2 + state.imag ** 2)
        r = len(self.readout_qubits)
        prob = torch.movedim(prob, [1 + q for q in self.readout_qubits], list(range(1, r + 1)))
        prob = prob.reshape(prob.shape[0], 1 << r, -1).sum(dim=2)
        return prob

    def run(self, inputs, theta):
        """values for encoded inputs (list of (B, 2**k[m]) amplitudes, or one (B, n) angles)."""
        cdtype = _COMPLEX[theta.dtype]
        sample_angles = inputs[0] if self.encoding == "angle" else None
        state = self.initial_state(inputs, cdtype).reshape(-1, *([2] * self.n))
        for qubits, gates in self.blocks:
            mat = self._block_matrix(qubits, gates, theta, sample_angles, cdtype)
            if mat.shape[0] == 1:
                mat = mat[0]
            state = apply(mat, state, qubits)
        prob = self.marginal(state)
        if self.readout == "probs":
            top = prob[:, :self.outputs]
            return top / top.sum(dim=1, keepdim=True)
        r = len(self.readout_qubits)
        c = torch.arange(1 << r)
        signs = torch.stack([1 - 2 * ((c >> (r - 1 - j)) & 1) for j in range(r)], dim=1)
        return prob @ signs.to(prob.dtype)

    def __call__(self, features, theta):
        """values for raw features (list of (B, width_m)), encoded as the torch layer does."""
        return self.run(encode(features, self.encoding), theta)
