// Chatbot: the message list of a chat. Its value is the whole history; an update re-renders only the messages
// that changed, so a streamed reply grows in place. Message `html` is rendered and sanitized by the server;
// a message without `html` is shown as plain text.

import { h, setTrustedHTML } from "../dom.js";
import { Component } from "./_shared/base.js";
import "./Chatbot.css";

const NEAR_BOTTOM_PX = 48;

export default class Chatbot extends Component {
  static tag = "mountui-chatbot";

  render() {
    this.classList.add("mu-chatbot");
    const labelId = `mu-chat-${this.cid}`;
    const label = h("span", { class: "mu-label", id: labelId }, this.props.label ?? "Chatbot");
    if (this.props.show_label === false) label.classList.add("mu-visually-hidden");
    this.log = h("div", {
      class: "mu-chat-log",
      role: "log",
      "aria-live": "polite",
      "aria-labelledby": labelId,
      tabindex: 0,
    });
    this.empty = h("p", { class: "mu-chat-empty" }, this.props.placeholder || "No messages yet.");
    this.typing = h(
      "div",
      { class: "mu-typing", role: "status", "aria-label": "Waiting for the reply", hidden: true },
      h("div", { class: "mu-bubble" }, h("span", {}), h("span", {}), h("span", {})),
    );
    this.log.append(this.empty, this.typing);
    if (this.props.height)
      this.log.style.height =
        typeof this.props.height === "number" ? `${this.props.height}px` : this.props.height;
    this.messages = []; // {role, content, html, el}
    this.append(label, this.log);
  }

  getValue() {
    return this.messages.map(({ role, content }) => ({ role, content }));
  }

  setValue(value) {
    const list = Array.isArray(value) ? value : [];
    const stick = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < NEAR_BOTTOM_PX;
    list.forEach((m, i) => {
      const old = this.messages[i];
      const role = m.role === "user" ? "user" : "assistant";
      const html = m.html ?? null;
      const content = m.content == null ? "" : String(m.content);
      if (old && old.role === role && old.html === html && old.content === content) return;
      let entry = old;
      if (!old || old.role !== role) {
        const bubble = h("div", { class: "mu-bubble mu-prose" });
        const who = h("span", { class: "mu-visually-hidden" }, role === "user" ? "You:" : "Assistant:");
        const el = h("div", { class: `mu-msg mu-msg-${role}` }, who, bubble);
        if (old) old.el.replaceWith(el);
        else this.typing.before(el);
        entry = { role, el, bubble };
      }
      if (html) setTrustedHTML(entry.bubble, html);
      else entry.bubble.textContent = content;
      this.messages[i] = { ...entry, html, content };
    });
    for (const old of this.messages.splice(list.length)) old.el.remove();
    this.empty.hidden = this.messages.length > 0;
    this.syncTyping();
    if (stick) this.log.scrollTop = this.log.scrollHeight;
  }

  // While a reply is pending and the last message is the user's, show a typing indicator.
  onPending(pending) {
    this.pending = pending;
    this.syncTyping();
  }

  syncTyping() {
    const last = this.messages[this.messages.length - 1];
    this.typing.hidden = !(this.pending && last?.role === "user");
    if (!this.typing.hidden) this.log.scrollTop = this.log.scrollHeight;
  }
}
