// Tab: one panel of a Tabs layout; Tabs makes its tab button from `props.label`.

import { Layout } from "./_shared/base.js";
import "./Tab.css";

export default class Tab extends Layout {
  static tag = "mountui-tab";

  render() {
    this.classList.add("mu-tab-panel");
    this.setAttribute("role", "tabpanel");
  }
}
