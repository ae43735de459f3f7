// LoginButton: "Sign in with <provider>" linking to `props.href`, or, once signed in, "Sign out (<name>)"
// linking to `props.logout_href`. Links are relative to the page. A non-empty value is used as the label.
// The provider's profile picture is not shown: it lives on another host, and the page loads nothing from one.
// Inside a frame or another site's page, signing in opens the provider in a pop-up (popup_sign_in.js).

import Button from "./Button.js";
import { needsPopup, signInWithPopup } from "./_shared/popup_sign_in.js";

const PROVIDER_NAMES = { github: "GitHub", gitlab: "GitLab", huggingface: "Hugging Face" };

export default class LoginButton extends Button {
  static tag = "mountui-login-button";

  render() {
    const oauth = this.app.config.oauth || {};
    this.signedInAs = oauth.name || null;
    const provider = oauth.provider
      ? PROVIDER_NAMES[oauth.provider] || oauth.provider.replace(/^./, (c) => c.toUpperCase())
      : "";
    this.defaultLabel = this.signedInAs
      ? `Sign out (${this.signedInAs})`
      : provider
        ? `Sign in with ${provider}`
        : "Sign in";
    super.render();
    if (!this.signedInAs && needsPopup(this.app.api)) {
      this.control.addEventListener("click", (event) => {
        event.preventDefault();
        signInWithPopup(this.app.api, this.props.href || "oauth/login").then(
          () => this.app.options.reload(),
          (err) => this.app.toasts.error(err.message, "Not signed in"),
        );
      });
    }
  }

  href() {
    const target = this.signedInAs
      ? this.props.logout_href || "oauth/logout"
      : this.props.href || "oauth/login";
    return this.app.api.url(target);
  }

  setValue(value) {
    super.setValue(value || this.defaultLabel);
  }

  getValue() {
    const label = super.getValue();
    return label === this.defaultLabel ? "" : label;
  }
}
