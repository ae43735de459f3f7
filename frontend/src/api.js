// The HTTP client of the page: every request goes to a URL relative to the app's base (the mount path),
// carries the session header, and speaks the protocol of docs/protocol.md.

import { parseSSE } from "./sse.js";

const RESUME_ATTEMPTS = 3;

/** An error with a machine-readable code, from the server or from the network. */
export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message || code);
    this.code = code;
    this.status = status;
  }

  /** Build an ApiError from a non-2xx response (JSON `{"error": {code, message}}` when the server sent one). */
  static async fromResponse(res) {
    let code = `http_${res.status}`;
    let message = `The server answered ${res.status} ${res.statusText}`.trim();
    try {
      const body = await res.json();
      if (body?.error) {
        code = body.error.code || code;
        message = body.error.message || message;
      }
    } catch {
      // not JSON: keep the generic message
    }
    const retry = res.headers.get("Retry-After");
    // A rate limit: say how long to wait, in the page's own words, from the server's Retry-After.
    if (code === "rate_limited" && retry) message = `Too many requests, try again in ${retry} s`;
    else if (res.status === 429 && retry) message += ` (try again in ${retry} s)`;
    return new ApiError(code, message, res.status);
  }
}

function networkError() {
  return new ApiError("network_error", "Could not reach the server. Check your connection and try again.");
}

export class Api {
  /** @param {string} base absolute URL of the app, ending in "/" */
  constructor(base, sessionId = null) {
    this.base = base;
    this.sessionId = sessionId;
    // Embedded in another site's page: the app's cookies go along only when asked for (and the server
    // allows it for that site, see allowed_origins); on the app's own origin they always do.
    this.crossOrigin = new URL(base).origin !== location.origin;
  }

  url(path) {
    return new URL(path, this.base).href;
  }

  headers(extra = {}) {
    return this.sessionId ? { ...extra, "X-MountUI-Session": this.sessionId } : extra;
  }

  async request(path, init = {}) {
    let res;
    try {
      res = await fetch(this.url(path), {
        credentials: this.crossOrigin ? "include" : "same-origin",
        ...init,
        headers: this.headers(init.headers),
      });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw networkError();
    }
    if (!res.ok) throw await ApiError.fromResponse(res);
    return res;
  }

  async config() {
    const res = await this.request("config", { headers: { Accept: "application/json" } });
    return res.json();
  }

  /**
   * Call an endpoint and yield its events `{event, data}` (queued, started, progress, output, complete, error).
   * A plain JSON answer is reported as one `complete` event. A dropped stream is resumed from the last event id.
   */
  async *call(endpoint, data, signal) {
    const res = await this.request(`api/${encodeURIComponent(endpoint)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify({ data }),
      signal,
    });
    if (!(res.headers.get("Content-Type") || "").includes("text/event-stream")) {
      yield { event: "complete", data: await res.json() };
      return;
    }
    let body = res.body;
    let eventId = null;
    let lastId = null;
    for (let attempt = 0; ; attempt += 1) {
      const events = parseSSE(body);
      for (;;) {
        let next;
        try {
          next = await events.next();
        } catch (err) {
          if (signal?.aborted) throw err;
          break;
        }
        if (next.done) break;
        attempt = 0;
        const { event, data: text, id } = next.value;
        lastId = id ?? lastId;
        const payload = text ? JSON.parse(text) : null;
        if (payload?.event_id) eventId = payload.event_id;
        yield { event, data: payload };
        if (event === "complete" || event === "error") return;
      }
      if (!eventId || attempt >= RESUME_ATTEMPTS) {
        throw new ApiError(
          "connection_lost",
          "The connection to the server was lost before the result arrived.",
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 400 * (attempt + 1)));
      const resumed = await this.request(`api/events/${encodeURIComponent(eventId)}`, {
        headers: { Accept: "text/event-stream", ...(lastId ? { "Last-Event-ID": lastId } : {}) },
        signal,
      });
      body = resumed.body;
    }
  }

  /**
   * Upload files to `upload` with progress; resolves to the server's file values.
   * XMLHttpRequest because fetch() cannot report upload progress.
   */
  upload(files, onProgress) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      for (const file of files) form.append("files", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", this.url("upload"));
      xhr.withCredentials = this.crossOrigin;
      for (const [name, value] of Object.entries(this.headers({ Accept: "application/json" }))) {
        xhr.setRequestHeader(name, value);
      }
      xhr.upload.onprogress = (e) => onProgress?.(e.lengthComputable ? e.loaded / e.total : null);
      xhr.onerror = () => reject(networkError());
      xhr.onload = () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // handled below
        }
        if (xhr.status >= 200 && xhr.status < 300 && body?.files) {
          resolve(body.files.map((f) => ({ ...f, url: f.url || `file/${f.id}` })));
        } else {
          const error = body?.error || {};
          reject(
            new ApiError(
              error.code || `http_${xhr.status}`,
              error.message || `Upload failed (${xhr.status})`,
              xhr.status,
            ),
          );
        }
      };
      xhr.send(form);
    });
  }
}
