"""A convolutional network per image half, fused by QMF's circuit, trained with plain torch.

Each MNIST image is cut in a left and a right half (view mnist/split-h2, 28x14 pixels each). A
small CNN per half maps it to 2**k[m] features, QuantumFusion (amplitude encoding, expectation
values of the readout qubits) fuses the two, and a linear head maps the r expectation values
to the 10 class logits. Cross-entropy, Adam; prints the test accuracy.

    PYTHONPATH=build/python python3 examples/torch_cnn_fusion.py [--epochs 10] [--threads 2]
"""

import argparse
import os
import time

# The CNN's (torch) and the circuit's (qmf) OpenMP threads take turns; idle threads that spin
# would steal the cores from the other pool (and from anything else running). Set before torch.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
from torch import nn

import qmf
from qmf.torch import QuantumFusion

HEIGHT, WIDTH = 28, 14  # one half of a 28x28 image; its rows come row-major, pixels in [0, 1]


class HalfCNN(nn.Module):
    """A 1x28x14 image half -> `out` features."""

    def __init__(self, channels, out):
        super().__init__()
        c1, c2 = channels
        self.body = nn.Sequential(
            nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 14x7
            nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 7x3
            nn.Flatten(), nn.Linear(c2 * 7 * 3, out))

    def forward(self, x):
        return self.body(x)


class FusionNet(nn.Module):
    """One HalfCNN per modality -> QuantumFusion -> Linear(r -> classes)."""

    def __init__(self, k, classes, channels):
        super().__init__()
        self.halves = nn.ModuleList(HalfCNN(channels, 1 << km) for km in k)
        self.fusion = QuantumFusion(k=k, classes=classes, readout="expval",
                                    dtype=torch.float32)
        self.head = nn.Linear(self.fusion.outputs, classes)

    def forward(self, halves):
        features = [net(x) for net, x in zip(self.halves, halves)]
        return self.head(self.fusion(features))


def as_images(split):
    """The split's (N, 392) rows as float32 tensors (N, 1, 28, 14), and its labels."""
    images = [torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
              .reshape(-1, 1, HEIGHT, WIDTH) for x in split["x"]]
    return images, torch.from_numpy(np.asarray(split["y"], dtype=np.int64))


def accuracy(model, images, labels, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            logits = model([x[i:i + batch] for x in images])
            correct += (logits.argmax(dim=1) == labels[i:i + batch]).sum().item()
    model.train()
    return correct / len(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3, help="peak learning rate (one cycle)")
    parser.add_argument("--head-lr", type=float, default=3e-2,
                        help="peak learning rate of the circuit angles and the linear head")
    parser.add_argument("--channels", type=int, nargs=2, default=[8, 16])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-limit", type=int, default=0, help="0: the whole training set")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    start = time.perf_counter()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    data = qmf.load_view({"data": {"view": "mnist/split-h2"}})
    train_x, train_y = as_images(data["train"])
    test_x, test_y = as_images(data["test"])
    if args.train_limit:
        train_x, train_y = [x[:args.train_limit] for x in train_x], train_y[:args.train_limit]
    k = [4] * len(train_x)
    model = FusionNet(k, data["classes"], args.channels)
    # The head reads r expectation values in [-1, 1]: confident logits need large weights, so it
    # (and the circuit) learn faster than the CNNs.
    optimizer = torch.optim.Adam([
        {"params": model.halves.parameters(), "lr": args.lr},
        {"params": list(model.fusion.parameters()) + list(model.head.parameters()),
         "lr": args.head_lr}])
    steps = args.epochs * ((len(train_y) + args.batch - 1) // args.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=[args.lr, args.head_lr],
                                                   total_steps=steps)
    print(f"{data['view']}: {len(train_y)} train, {len(test_y)} test; modalities "
          f"{data['modality_names']}; QuantumFusion {model.fusion.extra_repr()}")

    for epoch in range(args.epochs):
        order = torch.randperm(len(train_y))
        total = 0.0
        for i in range(0, len(order), args.batch):
            rows = order[i:i + args.batch]
            loss = nn.functional.cross_entropy(model([x[rows] for x in train_x]), train_y[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(rows)
        print(f"epoch {epoch + 1}: train loss {total / len(train_y):.4f}, "
              f"test accuracy {100 * accuracy(model, test_x, test_y):.2f} %, "
              f"{time.perf_counter() - start:.0f} s", flush=True)

    print(f"test accuracy: {100 * accuracy(model, test_x, test_y):.2f} % "
          f"({time.perf_counter() - start:.0f} s in all, {args.threads} thread(s))")


if __name__ == "__main__":
    main()
