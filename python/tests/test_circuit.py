"""Tests of qmf.Circuit: forward and tape.vjp against central finite differences, and input
validation."""

import numpy as np
import pytest

import qmf

ENCODINGS = ["amplitude", "belief", "angle"]
READOUTS = ["probs", "expval"]


def circuit(encoding="amplitude", readout="expval", k=(2, 2), classes=3, precision="double"):
    return qmf.Circuit(k=list(k), classes=classes, encoding=encoding, readout=readout,
                       precision=precision)


def inputs_for(c, batch, seed=0):
    """Unit amplitude rows per register, or (B, n) RY angles for the angle encoding."""
    rng = np.random.default_rng(seed)
    if c.encoding == "angle":
        return rng.uniform(-np.pi, np.pi, size=(batch, c.qubits))
    rows = []
    for km in c.k:
        x = rng.normal(size=(batch, 1 << km))
        rows.append(x / np.linalg.norm(x, axis=1, keepdims=True))
    return rows


def theta_for(c, seed=1):
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, size=c.num_params)


def loss(c, inputs, theta, weights):
    values, _ = c.forward(inputs, theta)
    return float(np.sum(values * weights))


def perturbed(inputs, where, step):
    """A copy of inputs with entry `where` = (array index or None, row, column) moved by step."""
    if isinstance(inputs, np.ndarray):
        out = inputs.copy()
        out[where[1], where[2]] += step
        return out
    out = [x.copy() for x in inputs]
    out[where[0]][where[1], where[2]] += step
    return out


@pytest.mark.parametrize("readout", READOUTS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_vjp_matches_central_differences(encoding, readout):
    c = circuit(encoding, readout, k=(1, 2, 1), classes=3)
    x, theta = inputs_for(c, 3), theta_for(c)
    values, tape = c.forward(x, theta)
    assert values.shape == (3, c.outputs) and values.dtype == np.float64
    weights = np.random.default_rng(2).normal(size=values.shape)
    dtheta, dx = tape.vjp(weights)
    assert dtheta.shape == (c.num_params,)
    h = 1e-6
    for i in sorted({0, c.num_params // 2, c.num_params - 1}):
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        numeric = (loss(c, x, up, weights) - loss(c, x, down, weights)) / (2 * h)
        assert dtheta[i] == pytest.approx(numeric, abs=1e-7), i
    if encoding == "angle":
        assert dx.shape == x.shape
        entries = [(None, 0, 0), (None, 1, 2), (None, 2, c.qubits - 1)]
        grad_of = lambda w: dx[w[1], w[2]]
    else:
        assert [d.shape for d in dx] == [a.shape for a in x]
        entries = [(0, 0, 1), (1, 1, 3), (2, 2, 0)]
        grad_of = lambda w: dx[w[0]][w[1], w[2]]
    for where in entries:
        numeric = (loss(c, perturbed(x, where, h), theta, weights) -
                   loss(c, perturbed(x, where, -h), theta, weights)) / (2 * h)
        assert grad_of(where) == pytest.approx(numeric, abs=1e-7), where


def test_attributes():
    c = qmf.Circuit(k=[4, 4], classes=10, encoding="amplitude", readout="expval",
                    fusion_layers=2, entangle=True, qcnn=True, qcnn_share=True,
                    conv_block="conv6", precision="double", threads=0)
    assert c.qubits == 8 and list(c.k) == [4, 4]
    assert len(c.readout_qubits) == 4 and c.outputs == 4
    assert (c.encoding, c.readout, c.precision) == ("amplitude", "expval", "double")
    shared = {a["shared"] for g in c.gates() for a in g["angles"] if "shared" in a}
    assert shared == set(range(c.num_params))
    assert all(0 <= q < c.qubits for g in c.gates() for q in g["qubits"])
    assert circuit(readout="probs", classes=3).outputs == 3


def test_angle_encoding_gates_carry_sample_angles():
    c = circuit("angle")
    samples = [a["sample"] for g in c.gates() for a in g["angles"] if "sample" in a]
    assert sorted(samples) == list(range(c.qubits))
    assert not any("sample" in a for g in circuit("amplitude").gates() for a in g["angles"])


@pytest.mark.parametrize("readout", READOUTS)
def test_values_are_probabilities_or_expectations(readout):
    c = circuit(readout=readout, classes=3)
    values, _ = c.forward(inputs_for(c, 4), theta_for(c))
    if readout == "probs":
        assert (values >= 0).all()
        np.testing.assert_allclose(values.sum(axis=1), 1, atol=1e-12)
    else:
        assert (np.abs(values) <= 1 + 1e-12).all()


def test_vjp_twice_on_one_tape_raises():
    c = circuit()
    values, tape = c.forward(inputs_for(c, 2), theta_for(c))
    tape.vjp(np.ones_like(values))
    with pytest.raises((RuntimeError, ValueError)):
        tape.vjp(np.ones_like(values))


def test_fortran_order_and_float32_inputs_are_accepted():
    c = circuit()
    x, theta = inputs_for(c, 3), theta_for(c)
    reference, _ = c.forward(x, theta)
    fortran, _ = c.forward([np.asfortranarray(a) for a in x], theta)
    np.testing.assert_allclose(fortran, reference, atol=1e-14)
    single, tape = c.forward([a.astype(np.float32) for a in x], theta.astype(np.float32))
    np.testing.assert_allclose(single, reference, atol=1e-5)
    dtheta, dx = tape.vjp(np.ones_like(single))
    assert dtheta.shape == theta.shape and [d.shape for d in dx] == [a.shape for a in x]
    angle = circuit("angle")
    xa = inputs_for(angle, 3)
    np.testing.assert_allclose(angle.forward(np.asfortranarray(xa), theta_for(angle))[0],
                               angle.forward(xa, theta_for(angle))[0], atol=1e-14)


def test_float_precision_close_to_double():
    double, single = circuit(), circuit(precision="float")
    x, theta = inputs_for(double, 3), theta_for(double)
    np.testing.assert_allclose(single.forward(x, theta)[0], double.forward(x, theta)[0],
                               atol=1e-5)


def _error(call):
    with pytest.raises(ValueError) as caught:
        call()
    return str(caught.value)


def test_bad_inputs_raise_value_errors_naming_the_argument():
    c = circuit()
    x, theta = inputs_for(c, 3), theta_for(c)
    assert "inputs" in _error(lambda: c.forward(x[:1], theta))
    assert "inputs" in _error(lambda: c.forward([x[0], x[1][:, :3]], theta))
    assert "inputs" in _error(lambda: c.forward([x[0], x[1][:2]], theta))
    assert "inputs" in _error(lambda: c.forward([x[0], x[1].astype(np.float16)], theta))
    assert "inputs" in _error(lambda: c.forward([x[0], x[1].astype(np.int64)], theta))
    assert "inputs" in _error(lambda: c.forward([x[0], x[1].reshape(-1)], theta))
    nan = x[1].copy()
    nan[0, 0] = np.nan
    assert "inputs" in _error(lambda: c.forward([x[0], nan], theta))
    assert "theta" in _error(lambda: c.forward(x, theta[:-1]))
    assert "theta" in _error(lambda: c.forward(x, theta.reshape(1, -1)))
    bad = theta.copy()
    bad[0] = np.inf
    assert "theta" in _error(lambda: c.forward(x, bad))
    values, tape = c.forward(x, theta)
    assert "grad" in _error(lambda: tape.vjp(values[:, :1]))
    angle = circuit("angle")
    assert "inputs" in _error(lambda: angle.forward(np.zeros((3, 3)), theta_for(angle)))


def test_bad_constructor_arguments_raise_value_errors():
    with pytest.raises(ValueError):
        qmf.Circuit(k=[4, 4], classes=10, encoding="phase")
    with pytest.raises(ValueError):
        qmf.Circuit(k=[1, 1], classes=10)
    with pytest.raises(ValueError):
        qmf.Circuit(k=[2, 2], classes=3, precision="half")
