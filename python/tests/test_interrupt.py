"""Ctrl-C during qmf.train stops the run as the command does: a checkpoint at that step, then a
KeyboardInterrupt whose message says how to resume, and qmf.resume finishes the run."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import qmf
from conftest import small_config, write_files_view


def test_sigint_saves_the_run_and_resume_finishes_it(tmp_path):
    data = write_files_view(tmp_path / "data", samples=(2000, 100))
    out = tmp_path / "run"
    cfg = small_config(data, epochs=40, batch=8)
    script = textwrap.dedent(f"""
        import qmf
        try:
            qmf.train({cfg!r}, out={str(out)!r}, quiet=True)
        except KeyboardInterrupt as e:
            print("interrupted:", e)
            raise SystemExit(130)
        print("finished")
        """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    deadline = time.monotonic() + 120
    while not (out / "checkpoint.qmf").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (out / "checkpoint.qmf").exists(), "no epoch finished in time"
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 130, stderr
    assert "interrupted:" in stdout and "resume" in stdout
    assert not (out / "summary.json").exists()
    summary = qmf.resume(out, quiet=True)
    assert summary["epochs"] == 40
