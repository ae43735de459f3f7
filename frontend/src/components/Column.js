// Column: children stacked vertically; inside a Row, `scale` and `min_width` size it.

import { Layout } from "./_shared/base.js";

export default class Column extends Layout {
  static tag = "mountui-column";

  render() {
    this.classList.add("mu-column");
    if (this.props.variant && this.props.variant !== "default")
      this.classList.add(`mu-${this.props.variant}`);
  }
}
