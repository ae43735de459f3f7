-- wrk script: POST a JSON call body to the URL given on the command line; print a JSON summary at the end.
-- Used by bench/call_overhead.py and bench/memory.py. BENCH_ACCEPT=text/event-stream asks for the SSE answer
-- (the browser's way: the stream of `started` and `complete` events, ending with the call).
wrk.method = "POST"
wrk.body = '{"data": ["world"]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = os.getenv("BENCH_ACCEPT") or "application/json"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
