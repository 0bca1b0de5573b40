"""Does the hub benchmark still run? (A smoke run with its tiny arguments: one student, two
submissions graded on submit; the figures are for people and are not asserted.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.hub, pytest.mark.slow]

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_hub.py"


def test_the_grade_on_submit_benchmark_runs(hub_available: None) -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--grade-on-submit", "2", "--students",
                           "1"], capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert re.search(r"median\s*\S*\s*\d+(\.\d+)?\s*s", done.stdout), done.stdout[-2000:]
