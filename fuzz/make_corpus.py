#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: fuzz/corpus/<target>/<seed>.

Each seed is a small valid file of the target's format, built here from the format's definition
(Python standard library only), so the fuzzer starts from inputs that pass the checks and
mutates from inside the format rather than having to discover its magic numbers. Output is
deterministic (fixed sample values, zero timestamps), so rerunning the script changes nothing.

Usage: python3 fuzz/make_corpus.py [OUTPUT_DIR]   (default: fuzz/corpus next to this script)
"""
import gzip
import io
import json
import math
import pathlib
import struct
import sys
import tarfile
import zlib


def idx_images(count, rows, cols):
    header = struct.pack(">IIII", 0x00000803, count, rows, cols)
    return header + bytes((i * 37) % 256 for i in range(count * rows * cols))


def idx_labels(labels):
    return struct.pack(">II", 0x00000801, len(labels)) + bytes(labels)


def cifar_batch(labels):
    records = b""
    for r, label in enumerate(labels):
        records += bytes([label]) + bytes((r + i) % 256 for i in range(3 * 32 * 32))
    return records


def png_chunk(kind, payload):
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_rgb(width, height, extra_chunks=()):
    """8-bit truecolour without alpha: the only kind decode_png_rgb accepts."""
    rows = b"".join(b"\x00" + bytes((x * 40 + y * 7 + c * 90) % 256 for x in range(width)
                                    for c in range(3)) for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = [png_chunk(b"IHDR", ihdr)]
    chunks += [png_chunk(kind, payload) for kind, payload in extra_chunks]
    chunks += [png_chunk(b"IDAT", zlib.compress(rows, 9)), png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def wav(samples, bits=16, rate=8000, extra_chunk=None):
    """RIFF/WAVE PCM mono; `extra_chunk` (id, payload) goes before "data" to exercise skipping."""
    if bits == 16:
        data = b"".join(struct.pack("<h", s) for s in samples)
    else:
        data = bytes(s // 256 + 128 for s in samples)
    block = bits // 8
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if extra_chunk is not None:
        kind, payload = extra_chunk
        body += kind + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) % 2)
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tone(n, period=16, amplitude=8000):
    return [int(amplitude * math.sin(2 * math.pi * i / period)) for i in range(n)]


def gzip_bytes(payload):
    return gzip.compress(payload, compresslevel=9, mtime=0)


def tar(members, compress):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mtime = 0
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(payload))
    return gzip_bytes(out.getvalue()) if compress else out.getvalue()


def checkpoint_body():
    """Everything of a version-1 checkpoint but the trailing CRC-32 (see train/checkpoint.h)."""
    header = json.dumps({
        "model": "qmfnn", "optimizer": "adam", "optimizer_step": 3, "epochs_done": 1,
        "extra": {"test_acc": [0.5]},
        "blocks": [{"name": "ffn1.w", "size": 2, "kind": "classical"},
                   {"name": "fusion", "size": 1, "kind": "quantum"}],
        "buffers": [3, 3],
    }, separators=(",", ":")).encode()
    values = struct.pack("<9d", 0.5, -0.25, 1.0, 0, 0, 0, 0.01, 0.02, 0.03)
    return b"QMFCKPT\n" + struct.pack("<IQ", 1, len(header)) + header + values


def with_crc(body):
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)


def npy(descr, shape, payload, version=(1, 0)):
    """numpy.save's layout: magic, version, header length, dict padded with spaces to 64 bytes."""
    dims = ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "")
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}"
    length_size = 2 if version[0] == 1 else 4
    prefix = 6 + 2 + length_size
    padded = len(header) + 1
    padded += (64 - (prefix + padded) % 64) % 64
    header = header.ljust(padded - 1) + "\n"
    length = struct.pack("<H" if length_size == 2 else "<I", len(header))
    return b"\x93NUMPY" + bytes(version) + length + header.encode("latin1") + payload


CONFIG = """\
# a run configuration with every section
[data]
view = "mnist/split-h2"
train_limit = 100
test_limit = 50
pool = true
standardize = false
validation = 0.1
classes = [0, 1]

[data.corrupt]
modality = 1
kind = "blank"
fraction = 0.5

[model]
kind = "qmfnn"
encoding = "amplitude"
k = [4, 4]
ffn_hidden = [16]
fusion_layers = 2
readout = "probs"

[train]
epochs = 1
batch = 8
lr = 0.01
optimizer = "adam"
seed = 7
threads = 1

[sim]
precision = "double"
"""

STUDY = """\
seeds = [0, 1]

[base]
"data.view" = "mnist/split-h2"
"data.train_limit" = 100
"train.epochs" = 1

[[models]]
name = "qmfnn"
set = { "model.kind" = "qmfnn", "model.readout" = "expval" }

[[models]]
name = "early-16"
set = { "model.kind" = "early", "model.hidden" = [16] }
"""

QASM3 = """\
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[2] c;
// state preparation and one fusion layer
ry(pi/4) q[0];
rz(-0.5) q[1];
crx(2e-1) q[0], q[1];
cry(-pi/8) q[1], q[2];
p(0.25) q[2];
cp(0.5) q[0], q[2];
h q[1]; /* block
comment */ cx q[1], q[2];
ccx q[0], q[1], q[2];
measure q[1] -> c[0];
c[1] = measure q[2];
"""

QASM2 = """\
OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[1];
u1(0.25) q[1];
sdg q[0];
crz(pi/2) q[0], q[1];
cu1(-0.5) q[0], q[1];
measure q[0] -> c[0];
"""


def corpora():
    tone_wav = wav(tone(400))
    return {
        "idx_images": {"two-4x4": idx_images(2, 4, 4), "one-28x28": idx_images(1, 28, 28)},
        "idx_labels": {"three": idx_labels([0, 5, 9]), "one": idx_labels([3])},
        "cifar_batch": {"two-records": cifar_batch([3, 9])},
        "png": {"rgb-4x3": png_rgb(4, 3),
                "rgb-8x2-text": png_rgb(8, 2, [(b"tEXt", b"Comment\x00seed")])},
        "wav": {"pcm16": tone_wav, "pcm8": wav(tone(300), bits=8),
                "pcm16-list": wav(tone(101), extra_chunk=(b"LIST", b"INFOabc"))},
        "gzip": {"text": gzip_bytes(b"hello, gzip\n" * 8),
                 "two-members": gzip_bytes(b"first\n") + gzip_bytes(b"second\n"),
                 "idx": gzip_bytes(idx_labels([1, 2, 3])), "plain": b"not compressed"},
        "fsdd_archive": {
            "tar-gz": tar([("recordings/0_alice_1.wav", tone_wav),
                           ("recordings/0_alice_7.wav", wav(tone(200, period=9), bits=8)),
                           ("recordings/notes.txt", b"ignored\n")], compress=True),
            "tar": tar([("3_bob_0.wav", wav(tone(150))), ("3_bob_12.wav", wav(tone(120)))],
                       compress=False)},
        "config": {"full": CONFIG.encode(), "dotted": b'"train.epochs" = 2\n[model]\nk = 3\n'},
        "study": {"two-models": STUDY.encode()},
        "qasm": {"v3": QASM3.encode(), "v2": QASM2.encode()},
        "checkpoint": {"valid": with_crc(checkpoint_body()), "without-crc": checkpoint_body()},
        "npy": {"f64-2x3": npy("<f8", (2, 3), struct.pack("<6d", 1, 2, 3, 4.5, -5, 6)),
                "u8-4": npy("|u1", (4,), bytes([0, 1, 2, 255])),
                "i32-2x2-v2": npy("<i4", (2, 2), struct.pack("<4i", -1, 0, 1, 2), (2, 0))},
        "csv_matrix": {"header": b"a,b,c\n1,2,3\n4.5,-6e2,+7\n",
                       "crlf-bom": b"\xef\xbb\xbf 1 ,\t2\r\n3,4\r\n\r\n"},
    }


def main():
    root = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).parent / "corpus"
    for target, seeds in corpora().items():
        folder = root / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, payload in seeds.items():
            (folder / name).write_bytes(payload)
    print(f"wrote {sum(len(s) for s in corpora().values())} seeds under {root}")


if __name__ == "__main__":
    main()
