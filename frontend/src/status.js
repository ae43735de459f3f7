// What a running event looks like on the components it will update: a small status pill (queue position,
// progress text, elapsed time), a progress bar along the top edge, and an inline error message afterwards.

import { h } from "./dom.js";

/** The status area of one component. Several runs may target one component; it shows the latest. */
export class StatusView {
  constructor(host) {
    this.host = host;
    this.active = 0;
    this.text = h("span", { class: "mu-status-text" });
    this.time = h("span", { class: "mu-status-time", "aria-hidden": "true" });
    this.pill = h("div", { class: "mu-status", role: "status", hidden: true }, this.text, this.time);
    this.fill = h("div", { class: "mu-progress-fill" });
    this.bar = h(
      "div",
      {
        class: "mu-progress",
        role: "progressbar",
        "aria-label": "Progress",
        "aria-valuemin": 0,
        "aria-valuemax": 100,
        hidden: true,
      },
      this.fill,
    );
    this.error = h("p", { class: "mu-inline-error", hidden: true });
    host.prepend(this.bar, this.pill);
    host.append(this.error);
  }

  begin() {
    this.active += 1;
    this.error.hidden = true;
    this.pill.hidden = false;
    this.pill.classList.remove("mu-status-error");
    this.bar.hidden = true;
    this.host.classList.add("mu-pending");
    this.host.setAttribute("aria-busy", "true");
    this.host.onPending?.(true);
  }

  say(text) {
    if (this.text.textContent !== text) this.text.textContent = text;
  }

  elapsed(seconds) {
    this.time.textContent = `${seconds.toFixed(1)}s`;
  }

  progress({ progress, index, total, desc, unit }) {
    const parts = [];
    if (desc) parts.push(desc);
    if (index != null && total != null)
      parts.push(`${index}/${total}${unit && unit !== "steps" ? ` ${unit}` : ""}`);
    else if (index != null) parts.push(`${index}${unit ? ` ${unit}` : ""}`);
    if (progress != null) parts.push(`${Math.round(progress * 100)}%`);
    this.say(parts.join(" · ") || "Running");
    this.bar.hidden = false;
    if (progress == null) {
      this.bar.classList.add("mu-progress-indeterminate");
      this.bar.removeAttribute("aria-valuenow");
      this.fill.style.transform = "";
    } else {
      const clamped = Math.min(1, Math.max(0, progress));
      this.bar.classList.remove("mu-progress-indeterminate");
      this.bar.setAttribute("aria-valuenow", String(Math.round(clamped * 100)));
      this.fill.style.transform = `scaleX(${clamped})`;
    }
  }

  end(errorMessage) {
    this.active = Math.max(0, this.active - 1);
    if (errorMessage) {
      this.error.textContent = errorMessage;
      this.error.hidden = false;
    }
    if (this.active > 0) return;
    this.pill.hidden = true;
    this.bar.hidden = true;
    this.host.classList.remove("mu-pending");
    this.host.removeAttribute("aria-busy");
    this.host.onPending?.(false);
  }
}

/** The status of one call, fanned out to the views of the components it updates. */
export class RunStatus {
  constructor(views) {
    this.views = views;
    this.started = performance.now();
    for (const view of views) view.begin();
    this.say("Starting");
    this.tick();
    this.timer = setInterval(() => this.tick(), 100);
  }

  tick() {
    const seconds = (performance.now() - this.started) / 1000;
    for (const view of this.views) view.elapsed(seconds);
  }

  say(text) {
    for (const view of this.views) view.say(text);
  }

  queued(position) {
    this.say(position > 0 ? `In queue · position ${position + 1}` : "In queue · next");
  }

  running() {
    this.say("Running");
  }

  progress(update) {
    for (const view of this.views) view.progress(update);
  }

  finish(errorMessage = null) {
    clearInterval(this.timer);
    for (const view of this.views) view.end(errorMessage);
  }
}
