"""Does the grading benchmark run end to end (``--smoke``: a class of 3, a few pages)?

It checks the script, not speed: figures come from the full run, never from a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent / "bench" / "bench_grading.py"

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]


def test_smoke_run_times_every_step_and_both_feedback_paths():
    run = subprocess.run([sys.executable, str(BENCH), "--smoke"], capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    for step in ("autograde --jobs 2", "feedback", "export", "report", "together"):
        row = next((line for line in lines if line.startswith(step + " ")), None)
        assert row is not None, f"no line for {step}:\n{run.stdout}"
        assert "exit" not in row, row  # every step finished with exit code 0
    # 3 students × 7 lessons: one page each, one shared stylesheet per lesson.
    assert "21 feedback pages written; shared stylesheets: 7" in run.stdout
    assert "0 page(s) failed" in run.stdout  # nbgrader's converter ran on its sample
    assert "feedback speed-up:" in run.stdout
