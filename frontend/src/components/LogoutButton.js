// LogoutButton: a link that ends the session (`props.href`, relative to the page).

import Button from "./Button.js";

export default class LogoutButton extends Button {
  static tag = "mountui-logout-button";

  href() {
    return this.app.api.url(this.props.href || "logout");
  }
}
