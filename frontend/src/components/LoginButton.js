// LoginButton: a link to the sign-in page (`props.href`, relative to the page).

import { Button } from "./Button.js";

export class LoginButton extends Button {
  static tag = "mountui-login-button";

  href() {
    return this.app.api.url(this.props.href || this.props.link || "login");
  }
}
