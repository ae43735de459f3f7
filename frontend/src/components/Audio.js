// Audio: like File, with a player. The sound streams from its server URL (never from a client-made blob), so
// the browser fetches only what it plays and can seek.

import { h } from "../dom.js";
import { FileBase } from "./_shared/filebase.js";
import "./Audio.css";

export default class Audio_ extends FileBase {
  static tag = "mountui-audio";
  noun = "audio file";
  article = "an audio file";
  defaultAccept = "audio/*";

  renderFile(file) {
    const player = h("audio", {
      class: "mu-audio",
      src: this.url(file),
      controls: true,
      preload: "metadata",
      "aria-label": file.name || this.props.label || "Audio",
    });
    return this.figure("mu-audio-item", player, file);
  }
}
