"""The streamed call's server CPU against the bare SSE endpoint, alternated over a few rounds: the quick check
to run before and after a change to the stream path (the full figures come from side_by_side.py).

    python bench/sse_ratio.py [--connections 1,16,64] [--seconds 4] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import statistics

from _common import measured_run, post_json, require_wrk, run_wrk, server, settle

SSE, JSON_ = "text/event-stream", "application/json"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="JSON calls instead of streamed ones")
    parser.add_argument("--retention", default="", help="mountui's event_retention, seconds")
    parser.add_argument("--fn-async", action="store_true", help="mountui calls an async function")
    args = parser.parse_args()
    require_wrk()
    accept = JSON_ if args.json else SSE
    targets = {
        "bare": "/bare" if args.json else "/bare_sse",
        "mountui": "/ui/api/greet",
    }
    with (
        server("bare") as (bare_port, bare),
        server(
            "mountui",
            "--limit",
            "none",
            *(["--fn", "async"] if args.fn_async else []),
            *(["--event-retention", args.retention] if args.retention else []),
        ) as (ui_port, ui),
    ):
        ports = {"bare": (bare_port, bare), "mountui": (ui_port, ui)}
        for kind, (port, proc) in ports.items():
            post_json(port, targets[kind], accept=accept)
            run_wrk(f"http://127.0.0.1:{port}{targets[kind]}", 16, 2, accept=accept)
            settle(proc.pid)
        for c in (int(x) for x in args.connections.split(",")):
            cost: dict[str, list[float]] = {"bare": [], "mountui": []}
            for _ in range(args.rounds):
                for kind, (port, proc) in ports.items():
                    url = f"http://127.0.0.1:{port}{targets[kind]}"
                    row = measured_run(
                        proc.pid, c, lambda u=url, n=c: run_wrk(u, n, args.seconds, accept=accept)
                    )
                    assert not row["errors"], row
                    cost[kind].append(float(row["cpu_ms_per_call"]))  # type: ignore[arg-type]
            b, m = statistics.median(cost["bare"]), statistics.median(cost["mountui"])
            print(f"{c:>4} clients: mountui {m:.3f} ms, bare {b:.3f} ms per call: {m / b:.2f}x", flush=True)


if __name__ == "__main__":
    main()
