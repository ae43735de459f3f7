// Group: children share one card, without gaps between them.

import { Layout } from "./_shared/base.js";

export default class Group extends Layout {
  static tag = "mountui-group";

  render() {
    this.classList.add("mu-group");
  }
}
