// Runs dependencies: collects input values, calls `api/{endpoint}` as an SSE stream, shows queue, progress and
// partial results, applies outputs, and reports errors. A dependency triggered again while it runs runs once
// more after it finishes, with the newest inputs (so the last change always wins). `keep`: ids of outputs the
// run must leave alone (values a deep link restored, for the page's `load` events).

import { RunStatus } from "./status.js";

export class EventRunner {
  constructor(app) {
    this.app = app;
    this.running = new Map(); // dependency id -> {again: boolean}
  }

  trigger(dep, sourceId = null, keep = null) {
    const state = this.running.get(dep.id);
    if (state) {
      state.again = true;
      return;
    }
    this.run(dep, sourceId, keep);
  }

  async run(dep, sourceId, keep = null) {
    const state = { again: false };
    this.running.set(dep.id, state);
    const app = this.app;
    const outputs = dep.outputs.map((id) => app.component(id)).filter(Boolean);
    const source = sourceId == null ? null : app.component(sourceId);
    const targets = outputs.length ? outputs : source ? [source] : [];
    const status = new RunStatus(targets.map((c) => c.statusView()));
    source?.setPending?.(true);
    let failure = null;
    const seen = new Map();
    try {
      const data = await Promise.all(dep.inputs.map((id) => app.component(id)?.collect() ?? null));
      for await (const { event, data: payload } of app.api.call(dep.endpoint, data)) {
        if (event === "queued") status.queued(payload?.position ?? 0);
        else if (event === "started") status.running();
        else if (event === "progress") status.progress(payload || {});
        else if (event === "output" || event === "complete") app.applyOutputs(dep, payload?.data, seen, keep);
        else if (event === "error") {
          failure = payload?.message || "The app failed to handle this request.";
          break;
        }
      }
    } catch (err) {
      failure = err?.message || String(err);
    } finally {
      status.finish(failure);
      source?.setPending?.(false);
      this.running.delete(dep.id);
    }
    if (failure) app.toasts.error(failure);
    else if (app.options.autoscroll) targets[0]?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
    if (state.again) this.run(dep, sourceId, keep);
  }
}
