"""Two worker processes on one real Redis: a rate limit holds across both, and with prometheus-client's
multiprocess mode either worker's P/metrics counts the calls of both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

WORKER = Path(__file__).with_name("limits_worker.py")


def run_worker(redis_url: str, calls: int, multiproc_dir: Path) -> dict[str, Any]:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    done = subprocess.run(
        [sys.executable, str(WORKER), redis_url, str(calls)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_a_limit_holds_across_two_workers_and_metrics_add_up(redis_server: str, tmp_path: Path) -> None:
    multiproc_dir = tmp_path / "prometheus"
    multiproc_dir.mkdir()
    first = run_worker(redis_server, 3, multiproc_dir)
    second = run_worker(redis_server, 3, multiproc_dir)
    # "5/minute" for the one client address, counted in Redis: the second worker has two calls left.
    assert first["statuses"] == [200, 200, 200]
    assert second["statuses"] == [200, 200, 429]
    both = samples(second["metrics"])
    assert both[("mountui_calls_total", (("endpoint", "echo"),))] == 5
    assert both[("mountui_rate_limited_calls_total", (("endpoint", "echo"),))] == 1
    assert samples(first["metrics"])[("mountui_calls_total", (("endpoint", "echo"),))] == 3
