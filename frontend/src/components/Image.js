// Image: like File, with a preview. The image is loaded from its server URL (never from a client-made blob).

import { h } from "../dom.js";
import { FileBase } from "./_shared/filebase.js";
import "./Image.css";

export default class Image_ extends FileBase {
  static tag = "mountui-image";
  noun = "image";
  article = "an image";
  defaultAccept = "image/*";

  renderFile(file) {
    const img = h("img", {
      class: "mu-image",
      src: this.url(file),
      alt: file.name || this.props.label || "Image",
    });
    const height = this.props.height;
    if (height) img.style.maxHeight = typeof height === "number" ? `${height}px` : height;
    return this.figure("mu-image-item", img, file);
  }
}
