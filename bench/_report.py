"""bench/RESULTS.md from the results of bench/side_by_side.py (a dict, as in bench/results/side_by_side.json).

The summary table sits between `<!-- summary:start -->` and `<!-- summary:end -->`; bench/readme_table.py copies
it into README.md.
"""

from __future__ import annotations

from typing import Any

from _common import table

PER_CALL = """\
What each server does per call (one uvicorn worker, in its own process; the function is a plain `def` returning
`"Hello " + name + "!"`, run in a worker thread on every side; no concurrency limit on any side):

- **bare JSON**: `POST /bare` `{"data": ["world"]}`, a FastAPI route with a pydantic body model, JSON answer.
- **bare SSE**: `POST /bare_sse`, the same (the function in a worker thread, as FastAPI runs the `def` route),
  answered as a `StreamingResponse` with one `event: complete`.
- **mountui JSON**: `POST /ui/api/greet` (`mount_ui_app(app, blocks, path="/ui")`, `concurrency_limit=None`),
  JSON answer.
- **mountui SSE**: the same with `Accept: text/event-stream` (what the browser page sends): the `started` and
  `complete` events, then the stream ends.
- **Gradio two-step** (its documented HTTP API for a `gr.Interface` with `api_name="greet"`,
  `concurrency_limit=None`, mounted with `gr.mount_gradio_app(app, demo, path="/gradio")`):
  `POST /gradio/gradio_api/call/greet` answers `{"event_id"}`, then `GET /gradio/gradio_api/call/greet/{event_id}`
  streams `event: complete` and ends; both on one keep-alive connection. Gradio has no one-request JSON call in
  this API, so this one call is compared with both mountui's JSON and SSE calls.

Load: `wrk` (keep-alive, closed loop) for the one-request calls; bench/_http.py (asyncio, keep-alive, closed
loop, the same N clients calling back to back) for Gradio's two requests per call, which wrk cannot chain; its
p50/p99 are of the whole call. CPU per call is the server's utime+stime (/proc) over the run, until it is quiet
again, divided by the completed calls. The servers run side by side and are measured in turn at each load level.
"""


GRADIO_WAITING = """\
Gradio ended {errors} of its {calls} waiting streams with `event: error` instead of a result. Its queue keeps
the pending messages of at most 2,000 sessions (an `LRUCache(2000)` in gradio/queueing.py, as of Gradio 6.31) and each
call of its HTTP API is a session of its own, so beyond 2,000 waiting calls the oldest streams lose their messages
and end with `data: "404: Not Found"` (seen with `bench/waiting.py --server gradio`). Its KiB per waiting call
divides the memory by all the calls opened, many of which had already been cut off when it was taken (see
`tasks_while_held` in bench/results/waiting_gradio.json): it is not comparable with a figure where every call
stayed open."""


def _rows(res: dict, server: str, call: str) -> list[dict]:
    return [r for r in res.get("calls", []) if r["server"] == server and r["call"] == call]


def _span(values: list[float], fmt: str = "{:.2f}") -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}-{fmt.format(hi)}"


def _ratios(res: dict, a: tuple[str, str], b: tuple[str, str]) -> list[float]:
    bs = {r["connections"]: r["cpu_ms_per_call"] for r in _rows(res, *b)}
    return [
        r["cpu_ms_per_call"] / bs[r["connections"]]
        for r in _rows(res, *a)
        if r["cpu_ms_per_call"] and bs.get(r["connections"])
    ]


def _cpu(res: dict, server: str, call: str) -> str:
    return _span([r["cpu_ms_per_call"] for r in _rows(res, server, call)]) + " ms"


def _by(rows: list[dict], **match: Any) -> dict:
    return next((r for r in rows if all(r.get(k) == v for k, v in match.items())), {})


def summary(res: dict) -> list[dict]:
    rows: list[dict] = []
    imports = {r["import"]: r["ms"] for r in res.get("import", [])}
    if imports:
        rows.append(
            {
                "what": "import time (`import X`, fresh interpreter)",
                "mountui": f"{imports['mountui']} ms",
                "bare FastAPI": f"{imports['fastapi']} ms",
                "Gradio": f"{imports['gradio']} ms",
            }
        )
    cold = {r["server"]: r["ms"] for r in res.get("cold", [])}
    if cold:
        rows.append(
            {
                "what": "cold start: process start to the first successful call",
                **{k: f"{cold[s]} ms" for k, s in (("mountui", "mountui"), ("bare FastAPI", "bare"), ("Gradio", "gradio"))},
            }
        )  # fmt: skip
    if res.get("calls"):
        conns = "/".join(str(c) for c in res["connections"])
        gradio = _cpu(res, "gradio", "two-step") + " (two-step call)"
        for call, bare_call in (("JSON", "JSON"), ("SSE", "SSE")):
            vs_bare = _span(_ratios(res, ("mountui", call), ("bare", bare_call)))
            vs_gradio = _span(_ratios(res, ("mountui", call), ("gradio", "two-step")), "{:.3f}")
            rows.append(
                {
                    "what": f"server CPU per {call} call, {conns} clients",
                    "mountui": f"{_cpu(res, 'mountui', call)} ({vs_bare}x bare, {vs_gradio}x Gradio)",
                    "bare FastAPI": _cpu(res, "bare", bare_call),
                    "Gradio": gradio,
                }
            )
        at = {k: _by(res["calls"], server=s, call=c, connections=64) for k, s, c in
              (("mountui", "mountui", "JSON"), ("bare FastAPI", "bare", "JSON"), ("Gradio", "gradio", "two-step"))}  # fmt: skip
        rows.append(
            {
                "what": "JSON calls/s at 64 clients (p50 / p99 ms)",
                **{k: f"{r.get('req_per_s')} ({r.get('p50_ms')} / {r.get('p99_ms')})" for k, r in at.items()},
            }
        )
    if res.get("gen"):
        cells = {}
        for k, s in (("mountui", "mountui"), ("bare FastAPI", "bare"), ("Gradio", "gradio")):
            one, many = _by(res["gen"], server=s, clients=1), _by(res["gen"], server=s, clients=16)
            cells[k] = (
                f"{one.get('first_ms_p50')} / {one.get('last_ms_p50')} ms; "
                f"{many.get('first_ms_p50')} / {many.get('last_ms_p50')} ms"
            )
        rows.append({"what": "20-item generator, first / last item, 1 client; 16 clients (p50)", **cells})
    if res.get("idle"):
        idle = {r["server"]: r for r in res["idle"]}
        seconds = res["settings"]["idle"]
        rows.append(
            {
                "what": f"idle server CPU over {seconds} s: fresh; after one finished stream",
                **{k: f"{idle[s]['fresh_cpu_ms']} ms; {idle[s]['after_stream_cpu_ms']} ms" for k, s in
                   (("mountui", "mountui"), ("bare FastAPI", "bare"), ("Gradio", "gradio"))},
            }
        )  # fmt: skip
    if res.get("page"):
        page = {r["server"]: r for r in res["page"]}
        fmt = "{requests:.0f} requests, {kb:.0f} KB, ready after {ready_ms:.0f} ms"
        rows.append(
            {
                "what": "first page load in Chromium (hello-world Interface)",
                "mountui": fmt.format(**page["mountui"]),
                "bare FastAPI": "",
                "Gradio": fmt.format(**page["gradio"]),
            }
        )
    if res.get("waiting"):
        cells = {}
        for r in res["waiting"]:
            if r.get("kib_per_waiting_call") is None:
                cells[r["server"]] = str(r.get("failed"))
                continue
            if r.get("errors"):  # memory per call means little when the streams were cut off
                cells[r["server"]] = (
                    f"{r['errors']} of {r['calls']} streams ended with `event: error`, "
                    f"{r['complete_events']} completed ({r['kib_per_waiting_call']:.0f} KiB per opened call)"
                )
                continue
            cells[r["server"]] = (
                f"{r['kib_per_waiting_call']:.0f} KiB each; {r['queued_events']} waiting, "
                f"{r['complete_events']} completed (drain {r['drain_s']} s)"
            )
        alone = cells.get("mountui alone")
        rows.append(
            {
                "what": f"{res['waiting'][0]['calls']:,} waiting calls (SSE, held open)",
                "mountui": cells.get("mountui", "") + (f"; served alone: {alone}" if alone else ""),
                "bare FastAPI": cells.get("bare", ""),
                "Gradio": cells.get("gradio", ""),
            }
        )
    return rows


def with_ratios(res: dict) -> list[dict]:
    """The calls, each with its CPU per call against bare (same kind of call) and Gradio at the same load."""
    cpu = {(r["server"], r["call"], r["connections"]): r["cpu_ms_per_call"] for r in res["calls"]}
    rows = []
    for r in res["calls"]:
        bare = cpu.get(("bare", "SSE" if r["call"] == "SSE" else "JSON", r["connections"]))
        gradio = cpu.get(("gradio", "two-step", r["connections"]))
        own = r["cpu_ms_per_call"]
        rows.append(
            {
                **r,
                "vs_bare": f"{own / bare:.2f}x" if own and bare and r["server"] != "bare" else "",
                "vs_gradio": f"{own / gradio:.3f}x" if own and gradio and r["server"] != "gradio" else "",
            }
        )
    return rows


def render(res: dict) -> str:
    m, v = res["machine"], res["versions"]
    ours, theirs = v["project_venv"], v["gradio_venv"]
    cols = ["what", "mountui", "bare FastAPI", "Gradio"]
    out = [
        "# Side-by-side benchmark: bare FastAPI, Gradio, mountui",
        "",
        "Written by `bench/side_by_side.py` (`make bench`); do not edit by hand.",
        "",
    ]
    if res.get("note"):
        out += [f"**Note:** {res['note']}", ""]
    if res["mode"] == "quick":
        out += ["**A `--quick` run** (short runs, few repetitions): rough figures, a smoke test.", ""]
    out += [
        f"- date: {res['date']}; run: {res['mode']}, {res.get('minutes')} min; checkout {v['commit']}",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, Linux {m['kernel']} (shared: "
        "figures are from one run, ratios compare figures of the same run)",
        f"- project venv (bare, mountui, the load clients): Python {ours['python']}, mountui {ours['mountui']}, "
        f"FastAPI {ours['fastapi']}, uvicorn {ours['uvicorn']}, Starlette {ours['starlette']}, "
        f"sse-starlette {ours['sse-starlette']}, pydantic {ours['pydantic']}, Playwright {ours['playwright']}",
        f"- Gradio venv: Python {theirs['python']}, Gradio {theirs['gradio']}, FastAPI {theirs['fastapi']}, "
        f"uvicorn {theirs['uvicorn']}, Starlette {theirs['starlette']}, pydantic {theirs['pydantic']}",
        f"- load: {v['wrk']}; browser: {v['chromium']}",
        "",
        "## Summary",
        "",
        "<!-- summary:start -->",
        table(summary(res), cols),
        "<!-- summary:end -->",
        "",
        "## Calls",
        "",
        PER_CALL,
    ]
    if res.get("calls"):
        out += [table(with_ratios(res), ["server", "call", "connections", "requests", "req_per_s", "errors",
                                         "cpu_ms_per_call", "vs_bare", "vs_gradio", "cpu_util", "p50_ms",
                                         "p99_ms", "client_cpu"]), ""]  # fmt: skip
    sections = [
        ("import", "Import time (median of fresh interpreters, import statement only, interleaved)", None),
        ("cold", "Cold start: process start to the first successful call (median)", None),
        (
            "gen",
            "20-item generator (an async generator, 10 ms between items: 20 ms / 200 ms is the floor); "
            "time from sending the call to its first item and to `complete`",
            None,
        ),
        (
            "idle",
            f"Idle server CPU over {res['settings']['idle']} s, fresh and after one finished SSE call",
            None,
        ),
        (
            "page",
            "First page load in headless Chromium, fresh context each run (medians); "
            "`ready_ms`: mountui's `mountui:ready` mark, Gradio's first text input on screen; "
            "`input_ms`: the first text input on screen, for both",
            None,
        ),
        (
            "waiting",
            "Waiting calls: one call holds the only slot (concurrency limit 1), the rest wait as open "
            "SSE streams (bench/waiting.py); `mountui alone`: served without a host app, as `launch()` "
            "serves it; `bare`: a FastAPI endpoint holding a `StreamingResponse` open until released (no queue: "
            "the memory floor of an open stream on the same stack); Gradio's drain is cut off at `timeout` "
            "seconds",
            None,
        ),
    ]
    for key, title, _ in sections:
        if res.get(key):
            out += [f"## {title}", "", table(res[key], list(res[key][0])), ""]
    gradio_waiting = _by(res.get("waiting", []), server="gradio")
    if gradio_waiting.get("errors"):
        out += [GRADIO_WAITING.format(**gradio_waiting), ""]
    out += [
        "## Not measured",
        "",
        "- Waiting calls on a bare sse-starlette endpoint: not set up (the SSE limit for calls is the bare "
        "`StreamingResponse`).",
        "- A one-request JSON call on Gradio: its documented HTTP API has none; the two-step call stands for both.",
        '- Gradio\'s page has no "ready" mark: its ready time is its first text input on screen.',
        "- Idle CPU comes from /proc in clock ticks (10 ms): a few ticks over the period are the resolution.",
        "- The Gradio loads' client (bench/_http.py) reports its own CPU (`client_cpu`, % of one core) when the "
        "run recorded it.",
        "",
        "## How to reproduce",
        "",
        "```sh",
        "apt-get install -y wrk          # Debian package; Chromium at /usr/bin/chromium for the page load",
        "make venv",
        "make bench                      # builds bench/.venv-gradio (latest Gradio 6.x), full run",
        "make bench BENCH_ARGS=--quick   # ~5 min smoke run",
        ".venv/bin/python bench/readme_table.py   # copies the summary above into README.md",
        "```",
        "",
        f"Settings of this run: {res['settings']}; load levels {res['connections']} clients.",
        "",
    ]
    return "\n".join(out)
