// DeepLinkButton: saves the page's values on the server (`POST deep_link`) and copies the link that shows them
// again (`P/?deep_link=<id>`, absolute, made by the server). Values of components with `deep_link: false` in
// their props (and State, never on the page) are not sent.

import { h } from "../dom.js";
import Button from "./Button.js";
import "./DeepLinkButton.css";

export default class DeepLinkButton extends Button {
  static tag = "mountui-deep-link-button";

  render() {
    super.render();
    this.classList.add("mu-deeplink");
    this.note = h("p", { class: "mu-deeplink-note", role: "status", hidden: true });
    this.append(this.note);
  }

  fire(event) {
    if (event === "click" && !this.busy) this.share();
    super.fire(event); // events the app added with .click() run too
  }

  async values() {
    const values = {};
    for (const [id, spec] of this.app.specs) {
      if (!("value" in spec) || spec.props?.deep_link === false) continue;
      const el = this.app.component(id);
      if (el?.collect) values[id] = await el.collect();
    }
    return values;
  }

  async share() {
    this.setPending(true);
    try {
      const res = await this.app.api.request("deep_link", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ values: await this.values() }),
      });
      const { url } = await res.json();
      let copied = true;
      try {
        await navigator.clipboard.writeText(url);
      } catch {
        copied = false; // no clipboard (permission, insecure context): the link is shown to copy by hand
      }
      const link = h("a", { href: url, class: "mu-deeplink-url" }, url);
      this.note.replaceChildren(copied ? "Link copied to the clipboard: " : "Copy this link: ", link);
      this.note.hidden = false;
    } catch (err) {
      this.app.toasts.error(err?.message || String(err), "Could not make a link");
    } finally {
      this.setPending(false);
    }
  }
}
