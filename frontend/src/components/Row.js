// Row: children side by side; wraps to a column on narrow screens.

import { Layout } from "./_shared/base.js";

export default class Row extends Layout {
  static tag = "mountui-row";

  render() {
    this.classList.add("mu-row");
    if (this.props.variant && this.props.variant !== "default")
      this.classList.add(`mu-${this.props.variant}`);
    if (this.props.equal_height) this.classList.add("mu-equal-height");
  }
}
