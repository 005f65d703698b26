"""Forward + backward throughput of qmf.torch.QuantumFusion against the pure-torch reference of
the same circuit (python/tests/torch_reference.py), same batch, same threads, same run.

    PYTHONPATH=build/python python3 bench/python/torch_layer_bench.py [--threads 2] [--batch 64]
"""

import argparse
import importlib.util
import os
import pathlib
import statistics
import time

import torch

from qmf.torch import QuantumFusion

REFERENCE = pathlib.Path(__file__).resolve().parents[2] / "python" / "tests" / "torch_reference.py"


def load_reference():
    spec = importlib.util.spec_from_file_location("torch_reference", REFERENCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def load_average():
    """The 1-minute load average: other work on the machine shows in every figure."""
    try:
        return pathlib.Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def median_seconds(step, repeats, warmup):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="torch and circuit threads")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--k", type=int, nargs="+", default=[4, 4], help="register sizes")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--encoding", default="amplitude")
    parser.add_argument("--readout", default="expval")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs (median reported)")
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    layer = QuantumFusion(k=args.k, classes=args.classes, encoding=args.encoding,
                          readout=args.readout, threads=args.threads, dtype=torch.float64)
    reference = load_reference().Reference(layer.circuit(torch.float64))
    features = [torch.randn(args.batch, w, dtype=torch.float64, requires_grad=True)
                for w in layer.feature_widths()]
    weights = torch.randn(args.batch, layer.outputs, dtype=torch.float64)
    theta = layer.theta.detach().clone().requires_grad_()

    def layer_step():
        layer.zero_grad(set_to_none=True)
        (layer(features) * weights).sum().backward()

    def reference_step():
        theta.grad = None
        (reference(features, theta) * weights).sum().backward()

    # The two must compute the same thing for the comparison to mean anything.
    with torch.no_grad():
        gap = (layer(features) - reference(features, theta)).abs().max().item()
    if gap > 1e-9:
        raise SystemExit(f"the layer and the reference disagree by {gap:.3g}")

    t_layer = median_seconds(layer_step, args.repeats, args.warmup)
    t_reference = median_seconds(reference_step, args.repeats, args.warmup)
    print(f"cpu: {cpu_model()}, load average {load_average()}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    print(f"circuit: k={args.k} classes={args.classes} encoding={args.encoding} "
          f"readout={args.readout} params={layer.num_params} qubits={sum(args.k)}, "
          f"batch {args.batch}, double, {args.threads} thread(s), torch {torch.__version__}")
    print(f"QuantumFusion (qmf engine): {args.batch / t_layer:10.1f} samples/s "
          f"(forward+backward, median of {args.repeats}: {t_layer * 1e3:.2f} ms)")
    print(f"torch reference (autograd): {args.batch / t_reference:10.1f} samples/s "
          f"(forward+backward, median of {args.repeats}: {t_reference * 1e3:.2f} ms)")
    print(f"speed-up: {t_reference / t_layer:.2f}x")


if __name__ == "__main__":
    main()
