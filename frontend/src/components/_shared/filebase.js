// Shared by File and Image: a drop zone with a file picker, uploads to `upload` with a progress bar, and the
// chosen or returned files with download links. The value is a file value, a list of them, or null.

import { formatBytes, h, uid } from "../../dom.js";
import { Component } from "./base.js";
import "./filebase.css";

export class FileBase extends Component {
  noun = "file";
  article = "a file";

  render() {
    this.classList.add("mu-file");
    this.multiple = this.props.file_count === "multiple";
    this.files = [];
    const id = uid("file");
    this.input = h("input", { id, type: "file", class: "mu-visually-hidden" });
    this.input.multiple = this.multiple;
    const accept = this.props.file_types || this.defaultAccept;
    if (accept) this.input.accept = [].concat(accept).join(",");
    this.input.addEventListener("change", () => this.upload(this.input.files));
    this.drop = h(
      "label",
      { class: "mu-drop", for: id },
      this.input,
      h("span", { class: "mu-drop-icon", "aria-hidden": "true" }, "⇪"),
      h(
        "span",
        { class: "mu-drop-text", "aria-hidden": "true" },
        `Drop ${this.multiple ? `${this.noun}s` : this.article} here or `,
        h("u", {}, "browse"),
      ),
    );
    for (const type of ["dragenter", "dragover"]) {
      this.drop.addEventListener(type, (e) => {
        e.preventDefault();
        this.drop.classList.add("mu-drag");
      });
    }
    this.drop.addEventListener("dragleave", () => this.drop.classList.remove("mu-drag"));
    this.drop.addEventListener("drop", (e) => {
      e.preventDefault();
      this.drop.classList.remove("mu-drag");
      this.upload(e.dataTransfer.files);
    });
    this.fill = h("div", { class: "mu-progress-fill" });
    const textId = uid("upload");
    this.progressText = h("span", { class: "mu-upload-text", id: textId });
    this.progress = h(
      "div",
      { class: "mu-upload", hidden: true },
      this.progressText,
      h(
        "div",
        {
          class: "mu-progress",
          role: "progressbar",
          "aria-labelledby": textId,
          "aria-valuemin": 0,
          "aria-valuemax": 100,
        },
        this.fill,
      ),
    );
    this.view = this.live(h("div", { class: "mu-file-view" }));
    this.empty = h("p", { class: "mu-file-empty" }, `No ${this.noun}`);
    this.append(this.labelFor(id, this.noun[0].toUpperCase() + this.noun.slice(1)), this.info(this.input));
    if (this.interactive) this.append(this.drop);
    this.append(this.progress, this.view);
  }

  async upload(fileList) {
    const chosen = [...(fileList || [])].slice(0, this.multiple ? undefined : 1);
    if (!chosen.length || !this.interactive) return;
    const name = chosen.length === 1 ? chosen[0].name : `${chosen.length} files`;
    this.showProgress(name, 0);
    this.uploading = this.app.api.upload(chosen, (ratio) => this.showProgress(name, ratio));
    try {
      const uploaded = await this.uploading;
      this.setValue(this.multiple ? uploaded : uploaded[0]);
      this.userChanged();
      this.fire("upload");
    } catch (err) {
      this.app.toasts.error(err.message, "Upload failed");
    } finally {
      this.uploading = null;
      this.progress.hidden = true;
      this.input.value = "";
    }
  }

  showProgress(name, ratio) {
    this.progress.hidden = false;
    const percent = ratio == null ? null : Math.round(ratio * 100);
    this.progressText.textContent = `Uploading ${name}${percent == null ? "…" : ` · ${percent}%`}`;
    this.fill.style.transform = `scaleX(${ratio ?? 0})`;
    this.progress.lastElementChild.setAttribute("aria-valuenow", String(percent ?? 0));
  }

  async collect() {
    if (this.uploading) await this.uploading.catch(() => {});
    return this.getValue();
  }

  getValue() {
    if (this.multiple) return this.files.map((f) => ({ ...f }));
    return this.files[0] ? { ...this.files[0] } : null;
  }

  setValue(value) {
    this.files = (Array.isArray(value) ? value : value ? [value] : []).filter(Boolean);
    this.drop.hidden = this.files.length > 0;
    this.view.replaceChildren(
      ...(this.files.length ? this.files.map((f) => this.renderFile(f)) : [this.empty]),
    );
  }

  remove(file) {
    this.setValue(this.files.filter((f) => f !== file));
    this.userChanged();
    this.fire("clear");
    (this.interactive ? this.input : this).focus();
  }

  url(file) {
    return this.app.api.url(file.url || `file/${encodeURIComponent(file.id)}`);
  }

  /** One file: a download link with its size, and a remove button when interactive. */
  renderFile(file) {
    return h("div", { class: "mu-file-item" }, this.downloadLink(file), this.removeButton(file));
  }

  // A preview (an image, a player) above the file's name, download link and remove button.
  figure(className, media, file) {
    return h(
      "figure",
      { class: className },
      media,
      h("figcaption", { class: "mu-file-item" }, this.downloadLink(file), this.removeButton(file)),
    );
  }

  downloadLink(file) {
    const name = file.name || "download";
    return h(
      "a",
      { class: "mu-file-link", href: this.url(file), download: name },
      h("span", { class: "mu-file-name" }, name),
      h("span", { class: "mu-file-size" }, formatBytes(file.size)),
    );
  }

  removeButton(file) {
    if (!this.interactive) return null;
    return h(
      "button",
      {
        type: "button",
        class: "mu-icon-btn",
        "aria-label": `Remove ${file.name || this.noun}`,
        onclick: () => this.remove(file),
      },
      "×",
    );
  }
}
