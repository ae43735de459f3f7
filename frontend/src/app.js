// The app shell: builds the component tree from the config, wires dependencies to events, and owns the
// footer and toasts. Nothing here knows a specific component; see registry.js.

import { h } from "./dom.js";
import { renderExamples } from "./components/_shared/examples.js";
import { embedHint } from "./embed_hint.js";
import { createElementFor } from "./registry.js";
import { EventRunner } from "./runner.js";
import { Toasts } from "./toast.js";

export class App {
  /**
   * @param {HTMLElement} root element to render into
   * @param {object} config the document of `GET config`
   * @param {import("./api.js").Api} api
   * @param {object} options `info` (show the footer), `autoscroll` (bring outputs into view when a call
   *   ends), `embedded` (inside `<mountui-app>`), `reload` (start the app afresh, after signing in)
   */
  constructor(root, config, api, options = {}) {
    this.root = root;
    this.config = config;
    this.api = api;
    this.options = {
      info: true,
      autoscroll: false,
      embedded: false,
      reload: () => location.reload(),
      ...options,
    };
    this.specs = new Map((config.components || []).map((c) => [c.id, c]));
    this.elements = new Map();
    this.listeners = new Map(); // "id:event" -> dependencies
    this.inputIds = new Set();
    this.outputIds = new Set();
    for (const dep of config.dependencies || []) {
      dep.inputs ||= [];
      dep.outputs ||= [];
      dep.inputs.forEach((id) => this.inputIds.add(id));
      dep.outputs.forEach((id) => this.outputIds.add(id));
      for (const t of dep.triggers || []) {
        const key = `${t.id}:${t.event}`;
        if (!this.listeners.has(key)) this.listeners.set(key, []);
        this.listeners.get(key).push(dep);
      }
    }
    this.runner = new EventRunner(this);
  }

  /** Render the page and run the `load` dependencies. */
  start() {
    const main = h("main", { class: "mu-main" });
    const tree = this.config.layout || {
      id: null,
      children: (this.config.components || []).map((c) => ({ id: c.id })),
    };
    for (const child of tree.children || []) main.append(this.build(child));
    this.placeExamples(main);
    const shell = h("div", { class: "mu-app" }, main, this.options.info && this.footer());
    this.root.replaceChildren(shell);
    this.toasts = new Toasts(shell);
    if (this.config.notice) this.toasts.show("info", "Shared link", this.config.notice);
    performance.mark?.("mountui:ready"); // the UI is rendered and listening (read by bench/ and tests)
    // Values a deep link restored are already in place; `load` events run after and leave them as they are.
    const restored = new Set(this.config.deep_link?.restored || []);
    for (const dep of this.listeners.get("null:load") || []) this.runner.trigger(dep, null, restored);
  }

  build(node) {
    const spec = this.specs.get(node.id) || {
      id: node.id,
      type: node.children ? "Column" : "Unknown",
      props: {},
    };
    const el = createElementFor(spec, this);
    this.elements.set(spec.id, el);
    for (const child of node.children || []) el.addChild(this.build(child));
    return el;
  }

  // Each examples block goes right after the top-level section holding its first input.
  placeExamples(main) {
    for (const entry of this.config.examples || []) {
      const block = renderExamples(entry, this);
      const first = this.component(entry.inputs?.[0]);
      const section = [...main.children].find((child) => first && child.contains(first));
      if (section) section.after(block);
      else main.append(block);
    }
  }

  footer() {
    const items = [];
    if (this.config.show_api) {
      items.push(
        h("a", { href: this.api.url("docs"), class: "mu-footer-link" }, "Use via API"),
        h("span", { "aria-hidden": "true" }, "·"),
      );
    }
    if (this.config.mcp_server) {
      // The MCP server's address, and a page there with the snippets for MCP clients.
      const url = new URL(this.api.url("mcp"), window.location.href).href;
      items.push(
        h("a", { href: url, class: "mu-footer-link", title: "MCP server: " + url }, "MCP: " + url),
        h("span", { "aria-hidden": "true" }, "·"),
      );
    }
    let panel = null;
    if (!this.options.embedded) {
      const [link, hint] = embedHint(this.api.base);
      items.push(link, h("span", { "aria-hidden": "true" }, "·"));
      panel = hint;
    }
    items.push(h("span", {}, "Built with mountui"));
    return [h("footer", { class: "mu-footer" }, items), panel];
  }

  component(id) {
    return this.elements.get(id);
  }

  /** Whether a component takes user input: its `interactive` prop, else "unless it is only an output". */
  isInteractive(spec) {
    const value = spec.props?.interactive;
    if (value === true || value === false) return value;
    return this.inputIds.has(spec.id) || !this.outputIds.has(spec.id);
  }

  listens(id, event) {
    return this.listeners.has(`${id}:${event}`);
  }

  fire(id, event) {
    for (const dep of this.listeners.get(`${id}:${event}`) || []) this.runner.trigger(dep, id);
  }

  /**
   * Show the values of a result. `seen` (per call) remembers what each output last received: a streamed value
   * that did not change since the previous partial result is not applied again, so that the user can keep
   * typing into a box the call cleared once (a chat input while the reply streams). Outputs in `keep` are
   * left as they are.
   */
  applyOutputs(dep, values, seen = new Map(), keep = null) {
    if (!Array.isArray(values)) return;
    dep.outputs.forEach((id, i) => {
      if (i >= values.length || keep?.has(id)) return;
      const text = JSON.stringify(values[i]);
      if (seen.get(id) === text) return;
      seen.set(id, text);
      this.component(id)?.update(values[i]);
    });
  }
}
