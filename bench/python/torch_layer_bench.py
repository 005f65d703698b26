"""Forward + backward throughput of qmf.torch.QuantumFusion against the pure-torch reference of
the same circuit (python/tests/torch_reference.py), same batch, same threads, same run; with
--qmf, also against the engine alone (`qmf bench`'s forward+gradient figure, same circuit, batch
and threads), the two alternated round by round so that both see the same machine.

    PYTHONPATH=build/python python3 bench/python/torch_layer_bench.py [--threads 2] [--batch 64]
        [--qmf build/qmf] [--rounds 5]
"""

import argparse
import importlib.util
import os
import pathlib
import json
import statistics
import subprocess
import time

# As the qmf command and the examples run: idle OpenMP threads of torch's pool and the circuit's
# sleep instead of spinning on the cores the other needs. Set before torch loads OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from qmf.torch import QuantumFusion  # noqa: E402

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
    parser.add_argument("--repeats", type=int, default=200,
                        help="timed layer steps per round (median reported)")
    parser.add_argument("--reference-repeats", type=int, default=10,
                        help="timed steps of the (slow) torch reference")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of layer (and qmf bench)")
    parser.add_argument("--qmf", default=None,
                        help="the qmf command: also time `qmf bench` each round (default circuit "
                             "only: k=[4, 4], 10 classes)")
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

    layer_rates, engine_rates = [], []
    for _ in range(args.rounds):
        layer_rates.append(args.batch / median_seconds(layer_step, args.repeats, args.warmup))
        if args.qmf:
            engine_rates.append(engine_rate(args.qmf, args.batch, args.threads))
    t_reference = median_seconds(reference_step, args.reference_repeats, 1)
    layer_rate = statistics.median(layer_rates)
    print(f"cpu: {cpu_model()}, load average {load_average()}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    print(f"circuit: k={args.k} classes={args.classes} encoding={args.encoding} "
          f"readout={args.readout} params={layer.num_params} qubits={sum(args.k)}, "
          f"batch {args.batch}, double, {args.threads} thread(s), torch {torch.__version__}")
    print(f"QuantumFusion (qmf engine): {layer_rate:10.1f} samples/s (forward+backward; median "
          f"of {args.rounds} rounds: {' / '.join(f'{r:.0f}' for r in layer_rates)})")
    print(f"torch reference (autograd): {args.batch / t_reference:10.1f} samples/s "
          f"(forward+backward, median of {args.reference_repeats}: {t_reference * 1e3:.2f} ms)")
    print(f"speed-up: {layer_rate * t_reference / args.batch:.2f}x")
    if engine_rates:
        ratios = [a / b for a, b in zip(layer_rates, engine_rates)]
        print(f"qmf bench forward+gradient: {statistics.median(engine_rates):10.1f} samples/s "
              f"({' / '.join(f'{r:.0f}' for r in engine_rates)})")
        print(f"layer / engine: {100 * statistics.median(ratios):.1f} % (median of the rounds' "
              f"ratios: {' / '.join(f'{100 * r:.0f}' for r in ratios)})")


def engine_rate(qmf, batch, threads):
    """`qmf bench`'s forward+gradient samples/s for the default circuit."""
    done = subprocess.run([qmf, "bench", "--batch", str(batch), "--threads", str(threads),
                           "--seconds", "1"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["gradient_samples_per_s"]

if __name__ == "__main__":
    main()
