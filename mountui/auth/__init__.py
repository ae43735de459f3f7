"""Authentication: resolve the caller once per request, through whichever mechanisms the app configured."""

from mountui.auth.identity import ANONYMOUS, DependencySource, Identity, IdentitySource, as_username

__all__ = ["ANONYMOUS", "DependencySource", "Identity", "IdentitySource", "as_username"]
