"""What one reader that stops reading costs the server while a generator floods its stream.

    python bench/stalled_reader.py [--outputs 5000] [--size 20000]

mountui runs in its own process (bench/_server.py); a raw socket asks for a streamed call of the `flood`
endpoint (N outputs of SIZE characters, as fast as the generator yields) and then reads nothing. When the
server's CPU has settled (the generator is done), the growth of its RSS against a warmed-up baseline is what
the stalled reader costs. Then the reader reads the rest: it must get the last output and `complete`.
`MOUNTUI_BENCH_SRC=/dir` measures the mountui found there instead (an older checkout, say).
"""

from __future__ import annotations

import argparse
import json
import socket
import time

from _common import rss_kib, server, settle, write_result


def open_stream(port: int, spec: str) -> socket.socket:
    body = json.dumps({"data": [spec]}).encode()
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)  # a small window, as a stalled tab has
    sock.sendall(
        b"POST /ui/api/flood HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    return sock


def read_to_end(sock: socket.socket) -> bytes:
    sock.settimeout(60)
    chunks = []
    while chunk := sock.recv(1 << 20):
        chunks.append(chunk)
        if b"event: complete" in chunk or b"event: error" in chunk:
            break
    return b"".join(chunks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outputs", type=int, default=5000)
    parser.add_argument("--size", type=int, default=20_000)
    args = parser.parse_args()
    spec = f"{args.outputs}:{args.size}"
    with server("mountui", "--limit", "none") as (port, proc):
        for _ in range(3):  # warm up: the same path once, read in full, so the baseline holds its caches
            sock = open_stream(port, f"200:{args.size}")
            read_to_end(sock)
            sock.close()
        settle(proc.pid)
        baseline = rss_kib(proc.pid)
        sock = open_stream(port, spec)
        started = time.monotonic()
        settle(proc.pid, quiet=1.0, limit=120)
        stalled = rss_kib(proc.pid)
        answer = read_to_end(sock)
        sock.close()
    result = {
        "outputs": args.outputs,
        "output_bytes": args.size,
        "produced_mib": round(args.outputs * args.size / 2**20, 1),
        "rss_growth_kib": stalled - baseline,
        "seconds_to_settle": round(time.monotonic() - started, 1),
        "read_after_stall_kib": len(answer) // 1024,
        "got_last_output": f'"{args.outputs - 1}:'.encode() in answer,
        "got_complete": b"event: complete" in answer,
    }
    for key, value in result.items():
        print(f"{key:22} {value}")
    write_result("stalled_reader", result)


if __name__ == "__main__":
    main()
