// Unit tests of the SSE parser: node --test (no browser needed).

import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSSE } from "../src/sse.js";

function streamOf(...chunks) {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(...chunks) {
  const events = [];
  for await (const event of parseSSE(streamOf(...chunks))) events.push(event);
  return events;
}

test("parses named events with ids and JSON data", async () => {
  const events = await collect('id: e1:0\r\nevent: started\r\ndata: {"event_id":"e1"}\r\n\r\n');
  assert.deepEqual(events, [{ event: "started", data: '{"event_id":"e1"}', id: "e1:0" }]);
});

test("joins multi-line data and ignores comments", async () => {
  const events = await collect(": ping\n\nevent: output\ndata: line one\n: a comment\ndata: line two\n\n");
  assert.deepEqual(
    events.map((e) => [e.event, e.data]),
    [["output", "line one\nline two"]],
  );
});

test("handles events and CRLF line ends split across chunks", async () => {
  const events = await collect(
    "event: progr",
    "ess\r",
    '\ndata: {"progress"',
    ":0.5}\r\n",
    "\r\n",
    "data: x\n\n",
  );
  assert.deepEqual(
    events.map((e) => [e.event, e.data]),
    [
      ["progress", '{"progress":0.5}'],
      ["message", "x"],
    ],
  );
});

test("a field without a space after the colon, and a bare CR line end", async () => {
  const events = await collect("event:complete\rdata:{}\r\r", "data: tail\n\n");
  assert.deepEqual(
    events.map((e) => [e.event, e.data]),
    [
      ["complete", "{}"],
      ["message", "tail"],
    ],
  );
});

test("drops an unfinished event at the end of the stream", async () => {
  const events = await collect("data: done\n\ndata: cut off");
  assert.deepEqual(
    events.map((e) => e.data),
    ["done"],
  );
});

test("keeps the last event id for later events", async () => {
  const events = await collect("id: a:1\ndata: 1\n\ndata: 2\n\n");
  assert.deepEqual(
    events.map((e) => e.id),
    ["a:1", "a:1"],
  );
});
