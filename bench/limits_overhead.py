"""What rate limits and metrics add to a call: the same app (FastAPI + mountui, bench/_server.py's sync
`greet`, no concurrency limit) built four ways in one process and called in-process through ASGI, as
asgi_overhead.py does, the variants interleaved over `--repeat` rounds, their order flipped each round
(medians printed).

    python bench/limits_overhead.py [--calls 3000] [--concurrency 1,64] [--repeat 5]

- off:        the defaults (no limit, no metrics): the pipeline's empty observer and one dict lookup
- rate_limit: rate_limit="1000000/second" (every call passes, and is counted in the MemoryStore's windows)
- metrics:    metrics=True (counters, histograms and gauges of prometheus-client per call)
- both:       the two together

Then the direct cost of the two pieces alone, over 20,000 repetitions (less noisy than whole calls on a
shared machine): `Pipeline.limits.check` with and without a limit, and the metrics of one call (`started` and
`finished`: a queue-wait and a duration observation, a counter).

Prints CPU microseconds per call; writes bench/results/limits_overhead.json.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from _common import table, write_result
from asgi_overhead import measure
from fastapi import FastAPI

import mountui
from mountui.server.jobs import Caller

VARIANTS: dict[str, dict[str, Any]] = {
    "off": {},
    "rate_limit": {"rate_limit": "1000000/second"},
    "metrics": {"metrics": True},
    "both": {"rate_limit": "1000000/second", "metrics": True},
}


def greet(name: str) -> str:
    return "Hello " + name + "!"


def build(settings: dict[str, Any]) -> Any:
    with mountui.Blocks() as demo:
        name = mountui.Textbox(label="Name")
        out = mountui.Textbox(label="Greeting")
        mountui.Button("Greet").click(greet, name, out, api_name="greet", concurrency_limit=None)
    return mountui.mount_ui_app(FastAPI(), demo, path="/ui", max_queue_size=1000, **settings)


async def direct_costs(repetitions: int = 20_000) -> list[dict[str, Any]]:
    """CPU microseconds of the limit check and of the metrics, each alone, per call."""
    rows = []
    caller = Caller(username=None, tab_id=None, request=None, base_path="")
    for name in ("off", "rate_limit"):
        pipeline = build(VARIANTS[name]).routes[-1].app.pipeline
        dep = pipeline.endpoint("greet")
        cpu0 = time.process_time()
        for _ in range(repetitions):
            await pipeline.limits.check(dep, caller)
        rows.append(
            {
                "piece": f"limits.check ({name})",
                "us": round((time.process_time() - cpu0) / repetitions * 1e6, 2),
            }
        )
    ui = build(VARIANTS["metrics"]).routes[-1].app
    async with ui.lifespan():
        job = await ui.pipeline.start(ui.pipeline.endpoint("greet"), ["x"], caller, stream=False)
        await job.done
        cpu0 = time.process_time()
        for _ in range(repetitions):
            ui.metrics.started(job)
            ui.metrics.finished(job, ("complete", {}))
        rows.append(
            {"piece": "metrics of one call", "us": round((time.process_time() - cpu0) / repetitions * 1e6, 2)}
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--concurrency", default="1,64")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    samples: dict[tuple[str, int], list[float]] = {(v, c): [] for v in VARIANTS for c in levels}

    async def run() -> None:
        apps = {name: build(settings) for name, settings in VARIANTS.items()}
        for round_ in range(args.repeat):
            # The order flips every round: whatever runs later in a round (warmer caches, a fuller heap)
            # must not favour one variant.
            order = list(apps) if round_ % 2 == 0 else list(reversed(list(apps)))
            for level in levels:
                for name in order:
                    samples[name, level].append(await measure(apps[name], "/ui/api/greet", args.calls, level))

    asyncio.run(run())
    rows = []
    for level in levels:
        off = statistics.median(samples["off", level])
        for name in VARIANTS:
            us = statistics.median(samples[name, level])
            rows.append(
                {
                    "variant": name,
                    "concurrency": level,
                    "us_per_call": round(us, 1),
                    "vs_off": round(us / off, 3),
                }
            )
    print(table(rows, ["variant", "concurrency", "us_per_call", "vs_off"]))
    pieces = asyncio.run(direct_costs())
    print(table(pieces, ["piece", "us"]))
    write_result(
        "limits_overhead", {"calls": args.calls, "repeat": args.repeat, "rows": rows, "pieces": pieces}
    )


if __name__ == "__main__":
    main()
