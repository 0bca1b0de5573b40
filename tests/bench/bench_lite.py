"""Browser-edition benchmark (a script, not a test): site size, time to the first widget, Check.

    python tests/bench/bench_lite.py [--visits 3] [--checks 10] [--site DIR]

Builds the site as ``sourcewise lite build`` does (or uses ``--site``), serves it on 127.0.0.1
and opens lesson 1 in Debian's headless Chromium, every other address blocked. Prints:
- the build time and the site's size (total, and its largest parts);
- for ``--visits`` first visits, each in a fresh browser profile (nothing cached): page open
  to lesson shown, to kernel ready, and to the first widget interactive (Run All included),
  as a student who opens the lesson and runs it sees them; median and worst;
- Check latency: from a click on "Check my answer" to the feedback drawn, ``--checks`` times;
- the same lesson reloaded in the same profile (a returning student), to the first widget.
Targets (issue 15): first widget interactive within 15 s, site under 150 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lite"))

from lite_driver import LitePage, in_thread, missing, offline_context, serve

from sourcewise.grading.editions.lite.site import build_site, site_size

FIRST_WIDGET = "page open to first widget interactive"


def sizes(site: Path) -> list[tuple[str, float]]:
    parts = [(path.name, site_size(path) if path.is_dir() else path.stat().st_size)
             for path in site.iterdir()]
    return sorted(((name, size / 1e6) for name, size in parts), key=lambda p: -p[1])


def visit(url: str, checks: int) -> tuple[dict[str, float], list[float], list[str]]:
    with offline_context() as (context, blocked):
        lesson = LitePage(context.new_page(), url).open("01-claims.ipynb")
        widget = lesson.run_all()
        first_unit = widget.locator(".sw-unit[data-unit-id='S7']")
        feedback = widget.locator(".sw-feedback")
        latencies = []
        for number in range(checks):
            # Each check follows a change (a mark on S7's first word, then its removal), so
            # the feedback is new each time, as when a student checks after working.
            def toggle() -> None:
                first_unit.focus()
                lesson.page.keyboard.press("Home")
                lesson.page.keyboard.press("Enter")

            lesson.saved_after(widget, toggle)
            before = feedback.inner_text() if number else ""
            started = time.monotonic()
            widget.locator("button.sw-check").click()
            lesson.page.wait_for_function(
                "([w, old]) => { const f = w.querySelector('.sw-feedback');"
                " return f && f.innerText !== old; }", arg=[widget.element_handle(), before],
                timeout=30_000, polling="raf")
            latencies.append(time.monotonic() - started)
        times = dict(lesson.times)
        # A returning student: the same browser profile, the page opened again.
        lesson.reload()
        lesson.run_all()
        times["reload to first widget interactive"] = lesson.times[FIRST_WIDGET]
        return times, latencies, blocked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visits", type=int, default=3)
    parser.add_argument("--checks", type=int, default=10)
    parser.add_argument("--site", type=Path, help="an already built site")
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        site = args.site
        if site is None:
            started = time.monotonic()
            site = build_site(Path(scratch) / "site")
            print(f"build: {time.monotonic() - started:.1f} s")
        print(f"site size: {site_size(site) / 1e6:.1f} MB (target < 150 MB); largest parts: "
              + ", ".join(f"{name} {mb:.1f} MB" for name, mb in sizes(site)[:4]))
        with serve(site) as url:
            visits = []
            latencies: list[float] = []
            for number in range(1, args.visits + 1):
                times, checks, blocked = in_thread(lambda: visit(url, args.checks))
                if blocked:
                    print(f"error: the site asked for outside addresses: {blocked}")
                    return 1
                visits.append(times)
                latencies += checks
                print(f"visit {number}: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    for key in visits[0]:
        values = [v[key] for v in visits]
        print(f"{key}: median {statistics.median(values):.1f} s, worst {max(values):.1f} s")
    first = statistics.median(v[FIRST_WIDGET] for v in visits)
    print(f"first widget interactive: median {first:.1f} s (target <= 15 s: "
          f"{'met' if first <= 15 else 'missed'})")
    if latencies:
        ordered = sorted(latencies)
        print(f"Check latency: median {statistics.median(ordered) * 1000:.0f} ms, p90 "
              f"{ordered[int(0.9 * (len(ordered) - 1))] * 1000:.0f} ms "
              f"over {len(ordered)} checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
