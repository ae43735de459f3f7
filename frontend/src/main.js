// Entry point: boots the page rendered by the server (`#mountui-root` + the config block) and defines
// `<mountui-app src="...">` for embedding an app in another page.

import "./styles/app.css";
import { Api } from "./api.js";
import { App } from "./app.js";
import { h } from "./dom.js";
import { registerServiceWorker } from "./pwa.js";
import { applyTheme, forcedTheme } from "./theme.js";

async function mount(root, base, themed, inlineConfig) {
  const api = new Api(base);
  try {
    const config = inlineConfig ?? (await api.config());
    api.sessionId = config.session_id ?? null;
    applyTheme(themed, forcedTheme(config));
    if (config.title && themed === document.documentElement && !document.title) document.title = config.title;
    new App(root, config, api).start();
  } catch (err) {
    root.replaceChildren(
      h("p", { class: "mu-load-error", role: "alert" }, `This app could not be loaded: ${err.message}`),
    );
  }
}

class MountUIApp extends HTMLElement {
  connectedCallback() {
    if (this.started) return;
    this.started = true;
    let base = new URL(this.getAttribute("src") || ".", document.baseURI).href;
    if (!base.endsWith("/")) base += "/";
    mount(this, base, this, null);
  }
}

if (!customElements.get("mountui-app")) customElements.define("mountui-app", MountUIApp);

const root = document.getElementById("mountui-root");
if (root) {
  const block = document.getElementById("mountui-config");
  let config = null;
  try {
    config = block ? JSON.parse(block.textContent) : null;
  } catch {
    config = null; // fall back to fetching it
  }
  mount(root, document.baseURI, document.documentElement, config);
  registerServiceWorker();
}
