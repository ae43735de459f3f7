"""docs/grafana-dashboard.json parses, and every series its panels query is one that P/metrics serves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from limits_helpers import echo_app, serving_from
from prometheus_client.parser import text_string_to_metric_families

from mountui.server.app import build_app

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json"

pytestmark = pytest.mark.anyio


async def test_the_dashboard_queries_only_series_the_app_serves() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert len(dashboard["panels"]) >= 6 and all(panel["title"] for panel in dashboard["panels"])
    used = {name for query in queries for name in re.findall(r"\bmountui_[a-z_]+", query)}

    app = build_app(echo_app(), auth=[("ada", "lovelace-1815")], secret_key="s" * 40, metrics=True)
    async with serving_from(app) as client:
        await client.post(
            "/login",
            data={"username": "ada", "password": "lovelace-1815"},
            headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        )
        await client.post("/api/echo", json={"data": ["hi"]})
        text = (await client.get("/metrics")).text
    served = set()
    for family in text_string_to_metric_families(text):  # with samples or not yet (no errors so far)
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}.get(family.type, [""])
        served |= {family.name + suffix for suffix in suffixes}
    assert used <= served, f"the dashboard queries series the app does not serve: {sorted(used - served)}"
    assert {"mountui_calls_total", "mountui_call_duration_seconds_bucket", "mountui_queue_length"} <= used
