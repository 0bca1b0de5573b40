"""Does the grading benchmark run end to end (``--smoke``: a class of 3, a few pages)?

It checks the script, not speed: figures come from the full run, never from a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sourcewise.lessons import lesson_paths

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
    # 3 students × every assignment of the demo course (the seven lessons and the pre/post
    # skills check): one page each, one shared stylesheet per assignment.
    assignments = len(lesson_paths()) + 2
    assert (f"{3 * assignments} feedback pages written; shared stylesheets: {assignments}"
            in run.stdout), run.stdout
    assert "0 page(s) failed" in run.stdout  # nbgrader's converter ran on its sample
    assert "feedback speed-up:" in run.stdout
