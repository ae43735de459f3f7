// A Server-Sent Events parser for fetch() response bodies, following the WHATWG event-stream rules:
// lines end in CRLF, LF or CR; "data" lines join with "\n"; lines starting with ":" are comments.

/**
 * Yield `{event, data, id}` for each event of a byte stream. `id` is the last event id seen so far
 * (it carries over to later events, as in EventSource).
 */
export async function* parseSSE(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data = [];
  let event = "";
  let id = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let start = 0;
      for (;;) {
        const end = lineEnd(buffer, start);
        if (end < 0) break;
        const line = buffer.slice(start, end);
        start = end + (buffer[end] === "\r" && buffer[end + 1] === "\n" ? 2 : 1);
        if (line === "") {
          if (data.length) yield { event: event || "message", data: data.join("\n"), id };
          data = [];
          event = "";
          continue;
        }
        if (line[0] === ":") continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? "" : line.slice(colon + 1);
        if (text[0] === " ") text = text.slice(1);
        if (field === "data") data.push(text);
        else if (field === "event") event = text;
        else if (field === "id" && !text.includes("\0")) id = text;
      }
      buffer = buffer.slice(start);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

// Index of the next line break at or after `from`, or -1. A CR at the very end of the buffer is not yet a
// line break: the LF of a CRLF may arrive in the next chunk.
function lineEnd(buffer, from) {
  for (let i = from; i < buffer.length; i += 1) {
    const c = buffer[i];
    if (c === "\n") return i;
    if (c === "\r") return i + 1 < buffer.length ? i : -1;
  }
  return -1;
}
