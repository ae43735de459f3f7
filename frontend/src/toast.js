// Toast notifications for errors that need the user's attention wherever they are on the page.

import { h } from "./dom.js";

const LIFETIME_MS = 10000;

export class Toasts {
  constructor(parent) {
    this.el = h("div", { class: "mu-toasts" });
    parent.append(this.el);
  }

  error(message, title = "Error") {
    this.show("error", title, message);
  }

  show(kind, title, message) {
    const close = h("button", { class: "mu-toast-close", type: "button", "aria-label": "Dismiss" }, "×");
    const toast = h(
      "div",
      { class: `mu-toast mu-toast-${kind}`, role: kind === "error" ? "alert" : "status" },
      h(
        "div",
        { class: "mu-toast-body" },
        h("strong", { class: "mu-toast-title" }, title),
        h("p", {}, message),
      ),
      close,
    );
    const remove = () => toast.remove();
    close.addEventListener("click", remove);
    let timer = setTimeout(remove, LIFETIME_MS);
    // Keep the toast while the user reads or hovers it.
    toast.addEventListener("mouseenter", () => clearTimeout(timer));
    toast.addEventListener("mouseleave", () => {
      timer = setTimeout(remove, LIFETIME_MS / 2);
    });
    this.el.append(toast);
    while (this.el.children.length > 4) this.el.firstElementChild.remove();
  }
}
