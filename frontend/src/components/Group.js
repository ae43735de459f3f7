// Group: children share one card, without gaps between them.

import { Layout } from "./base.js";

export class Group extends Layout {
  static tag = "mountui-group";

  render() {
    this.classList.add("mu-group");
  }
}
