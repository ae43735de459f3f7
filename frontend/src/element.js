// `<mountui-app src="https://host/ui/">`: an app, from this server or another, rendered in a Shadow DOM so
// that the host page's CSS cannot restyle it and its CSS cannot leak out. The same components and
// stylesheet as the stand-alone page (`:host` rules). Attributes: see README ("Embed your app").

import { Api } from "./api.js";
import { boot } from "./boot.js";
import { h } from "./dom.js";

// The bundle's own stylesheet, beside it in static/: build.mjs writes its hashed name here.
const STYLESHEET = "__MOUNTUI_STYLESHEET__";
const DEFAULTS = {
  container: true,
  info: true,
  autoscroll: false,
  eager: false,
  "control-page-title": false,
};

/** A boolean attribute: absent -> its default; present -> true unless it says "false". */
function flag(el, name) {
  const value = el.getAttribute(name);
  return value === null ? DEFAULTS[name] : value !== "false";
}

function appBase(src) {
  const url = new URL(src || ".", document.baseURI);
  url.search = url.hash = "";
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.href;
}

function stylesheet() {
  const link = h("link", { rel: "stylesheet", href: new URL(STYLESHEET, import.meta.url).href });
  const loaded = new Promise((resolve) => {
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", resolve, { once: true }); // render unstyled rather than not at all
  });
  return { link, loaded };
}

export class MountUIApp extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) {
      if (!this.started) this.observer?.observe(this); // moved in the page before it was scrolled to
      return;
    }
    const base = appBase(this.getAttribute("src"));
    const { link, loaded } = stylesheet();
    this.root = h("div", { class: "mu-embed-app" }, h("p", { class: "mu-embed-loading" }, "Loading…"));
    const host = new URL(base).host;
    this.frame = h(
      "div",
      { class: flag(this, "container") ? "mu-embed mu-embed-container" : "mu-embed" },
      this.root,
      flag(this, "container") &&
        h(
          "p",
          { class: "mu-embed-hosted" },
          "Hosted at ",
          h("a", { href: base, target: "_blank", rel: "noopener" }, host),
        ),
    );
    // CSSOM, not a style attribute: allowed under a host page's CSP without 'unsafe-inline'.
    this.frame.style.minHeight = this.getAttribute("initial-height") || "300px";
    this.attachShadow({ mode: "open" }).append(link, this.frame);
    const start = () => {
      this.started = true;
      this.load(base, loaded);
    };
    if (flag(this, "eager")) {
      start();
      return;
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.observer.disconnect();
        start();
      },
      { rootMargin: "200px" },
    );
    this.observer.observe(this);
  }

  disconnectedCallback() {
    this.observer?.disconnect();
  }

  async load(base, stylesheetLoaded) {
    await stylesheetLoaded;
    const app = await boot(this.root, new Api(base), {
      themed: this.frame,
      theme: this.getAttribute("theme-mode"),
      controlTitle: flag(this, "control-page-title"),
      info: flag(this, "info"),
      autoscroll: flag(this, "autoscroll"),
      embedded: true,
      reload: () => this.load(base, stylesheetLoaded), // signed in through a pop-up: the app afresh
    });
    this.frame.style.minHeight = ""; // from now on the element is as tall as the app
    if (app) this.dispatchEvent(new CustomEvent("render", { bubbles: true, composed: true }));
  }
}

export function defineElement() {
  if (!customElements.get("mountui-app")) customElements.define("mountui-app", MountUIApp);
}
