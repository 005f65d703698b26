"""Tests of qmf.torch.QuantumFusion: gradients (gradcheck), agreement with the pure-torch
reference of the circuit, precision, no_grad, input validation and a short training run."""

import math

import pytest

torch = pytest.importorskip("torch")

from qmf.torch import QuantumFusion  # noqa: E402  (after the skip: it imports torch)
from torch_reference import Reference  # noqa: E402

ENCODINGS = ["amplitude", "belief", "angle"]
READOUTS = ["probs", "expval"]
SMALL = [([2, 2], 3), ([1, 2, 1], 4)]


def features(layer, batch, dtype=torch.float64, seed=1):
    """Random features of the right widths for `layer` (angles spread over a full turn)."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(batch, w, generator=g, dtype=dtype) * (2.0 if layer.encoding == "angle"
                                                              else 1.0)
            for w in layer.feature_widths()]


def make(k, classes, encoding, readout, dtype=torch.float64, seed=0, **options):
    torch.manual_seed(seed)
    return QuantumFusion(k=k, classes=classes, encoding=encoding, readout=readout, dtype=dtype,
                         **options)


@pytest.mark.parametrize("k,classes", SMALL)
@pytest.mark.parametrize("readout", READOUTS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_gradcheck_in_double(encoding, readout, k, classes):
    layer = make(k, classes, encoding, readout)
    hs = [h.requires_grad_() for h in features(layer, 3)]
    assert torch.autograd.gradcheck(lambda theta, *h: layer(list(h)), (layer.theta, *hs),
                                    eps=1e-6, atol=1e-7, rtol=1e-5)


def _gradients(out, theta, hs, weights):
    (out * weights).sum().backward()
    return out.detach(), theta.grad, [h.grad for h in hs]


CONFIGS = [(k, c, e, r, {}) for k, c in SMALL for e in ENCODINGS for r in READOUTS] + [
    ([4, 4], 10, e, r, {}) for e in ENCODINGS for r in READOUTS] + [
    # su4 blocks bring U3 gates; no entangling, no QCNN, unshared pooling: other gate lists.
    ([2, 3], 5, "amplitude", "probs", {"conv_block": "su4"}),
    ([2, 2], 3, "angle", "expval", {"conv_block": "su4", "qcnn_share": False}),
    ([2, 2], 4, "belief", "probs", {"entangle": False, "fusion_layers": 1}),
    ([3, 2], 4, "amplitude", "expval", {"qcnn": False})]


@pytest.mark.parametrize("k,classes,encoding,readout,options", CONFIGS)
def test_layer_agrees_with_torch_reference(k, classes, encoding, readout, options):
    layer = make(k, classes, encoding, readout, **options)
    reference = Reference(layer.circuit(torch.float64))
    raw = features(layer, 3)
    weights = torch.randn(3, layer.outputs, dtype=torch.float64,
                          generator=torch.Generator().manual_seed(7))
    hs = [h.clone().requires_grad_() for h in raw]
    out, dtheta, dh = _gradients(layer(hs), layer.theta, hs, weights)
    theta = layer.theta.detach().clone().requires_grad_()
    ref_hs = [h.clone().requires_grad_() for h in raw]
    ref_out, ref_dtheta, ref_dh = _gradients(reference(ref_hs, theta), theta, ref_hs, weights)
    assert out.shape == (3, layer.outputs)
    torch.testing.assert_close(out, ref_out, atol=1e-10, rtol=0)
    torch.testing.assert_close(dtheta, ref_dtheta, atol=1e-10, rtol=0)
    for got, want in zip(dh, ref_dh):
        torch.testing.assert_close(got, want, atol=1e-10, rtol=0)


@pytest.mark.parametrize("readout", READOUTS)
def test_readout_ranges(readout):
    layer = make([4, 4], 10, "amplitude", readout)
    out = layer(features(layer, 5)).detach()
    if readout == "probs":
        assert out.shape == (5, 10)
        assert (out >= 0).all()
        torch.testing.assert_close(out.sum(dim=1), torch.ones(5, dtype=torch.float64))
    else:
        assert out.shape == (5, len(layer.readout_qubits))
        assert (out.abs() <= 1 + 1e-12).all()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_float32_runs_close_to_double(encoding):
    double = make([4, 4], 10, encoding, "expval", dtype=torch.float64)
    single = make([4, 4], 10, encoding, "expval", dtype=torch.float32)
    with torch.no_grad():
        single.theta.copy_(double.theta)
    hs = features(double, 4)
    hs32 = [h.float().requires_grad_() for h in hs]
    hs64 = [h.clone().requires_grad_() for h in hs]
    out32 = single(hs32)
    out64 = double(hs64)
    assert out32.dtype == torch.float32
    out32.sum().backward()
    out64.sum().backward()
    assert single.theta.grad.dtype == torch.float32 and hs32[0].grad.dtype == torch.float32
    torch.testing.assert_close(out32.double(), out64.detach(), atol=1e-4, rtol=0)
    torch.testing.assert_close(single.theta.grad.double(), double.theta.grad, atol=1e-4, rtol=0)
    for a, b in zip(hs32, hs64):
        torch.testing.assert_close(a.grad.double(), b.grad, atol=1e-4, rtol=0)


def test_float32_features_with_double_theta():
    layer = make([2, 2], 3, "amplitude", "probs")
    hs = [h.float() for h in features(layer, 2)]
    out = layer(hs)
    out.sum().backward()
    assert out.dtype == torch.float32 and layer.theta.grad.dtype == torch.float64


def test_no_grad_gives_the_same_values_without_a_graph():
    layer = make([2, 2], 3, "belief", "probs")
    hs = features(layer, 3)
    with torch.no_grad():
        quiet = layer(hs)
    assert not quiet.requires_grad
    torch.testing.assert_close(quiet, layer(hs).detach(), atol=0, rtol=0)


def test_each_forward_owns_its_tape():
    layer = make([2, 2], 3, "amplitude", "expval")
    hs = features(layer, 2)
    first, second = layer(hs), layer(hs)
    second.sum().backward()
    g2 = layer.theta.grad.clone()
    layer.theta.grad = None
    first.sum().backward()
    torch.testing.assert_close(layer.theta.grad, g2, atol=1e-12, rtol=0)


def test_second_backward_through_one_forward_repeats_the_gradient():
    layer = make([2, 2], 3, "amplitude", "expval")
    out = layer(features(layer, 2)).sum()
    out.backward(retain_graph=True)
    once = layer.theta.grad.clone()
    out.backward()
    torch.testing.assert_close(layer.theta.grad, 2 * once, atol=1e-12, rtol=0)


def test_theta_initialised_uniform_from_torch_seed():
    a = make([4, 4], 10, "amplitude", "expval", seed=3)
    b = make([4, 4], 10, "amplitude", "expval", seed=3)
    c = make([4, 4], 10, "amplitude", "expval", seed=4)
    assert isinstance(a.theta, torch.nn.Parameter)
    assert a.theta.shape == (a.circuit().num_params,)
    assert torch.equal(a.theta, b.theta) and not torch.equal(a.theta, c.theta)
    assert (a.theta.abs() <= math.pi).all() and a.theta.std() > 0.5


def _error(layer, hs):
    with pytest.raises(ValueError) as caught:
        layer(hs)
    return str(caught.value)


def test_errors_name_the_argument_and_expected_shape():
    layer = make([4, 4], 10, "amplitude", "expval")
    good = features(layer, 3)
    assert "2 modalities" in _error(layer, good[:1])
    assert "features" in _error(layer, good[0])
    message = _error(layer, [good[0], torch.zeros(3, 15, dtype=torch.float64)])
    assert "features[1]" in message and "(B, 16)" in message
    message = _error(layer, [good[0], good[1].half()])
    assert "features[1]" in message and "float16" in message
    message = _error(layer, [good[0].reshape(-1), good[1]])
    assert "features[0]" in message and "(B, 16)" in message
    assert "features[0]" in _error(layer, [good[0][None], good[1]])
    assert "features[1]" in _error(layer, [good[0], good[1][:2]])
    assert "features[1]" in _error(layer, [good[0], good[1].float()])
    nan = good[1].clone()
    nan[1, 2] = float("nan")
    assert "features[1]" in _error(layer, [good[0], nan])
    message = _error(layer, [torch.empty(3, 16, dtype=torch.float64, device="meta"), good[1]])
    assert "features[0]" in message and "CPU" in message
    angle = make([4, 4], 10, "angle", "expval")
    message = _error(angle, [good[0], good[1]])
    assert "features[0]" in message and "(B, 4)" in message


def test_constructor_rejects_bad_arguments():
    with pytest.raises(ValueError, match="dtype"):
        QuantumFusion(dtype=torch.float16)
    with pytest.raises(ValueError):
        QuantumFusion(encoding="phase")
    with pytest.raises(ValueError):
        QuantumFusion(k=[1, 1], classes=10)


def test_training_lowers_the_loss():
    torch.manual_seed(0)
    k, classes, batch = [2, 2], 3, 24
    x = [torch.randn(batch, 4, dtype=torch.float64) for _ in k]
    y = torch.arange(batch) % classes
    layer = QuantumFusion(k=k, classes=classes, readout="probs")
    encoder = torch.nn.ModuleList(torch.nn.Linear(4, 4, dtype=torch.float64) for _ in k)
    params = list(layer.parameters()) + list(encoder.parameters())
    optimizer = torch.optim.Adam(params, lr=0.05)

    def loss():
        probs = layer([f(h) for f, h in zip(encoder, x)])
        return torch.nn.functional.nll_loss(torch.log(probs + 1e-12), y)

    first = loss().item()
    for _ in range(60):
        optimizer.zero_grad()
        value = loss()
        value.backward()
        optimizer.step()
    last = loss().item()
    assert last < 0.7 * first, (first, last)
