"""The exceptions of `mountui.testing`: each says what the page has, so that a failing test explains itself."""

from __future__ import annotations

from mountui.errors import MountUIError


class UITestError(MountUIError, AssertionError):
    """A user could not do this on the page (no such label, a read-only box, a choice that is not offered).

    It is an `AssertionError` too, so that pytest reports it as a failed test, not as an error in it.
    """


class LabelNotFoundError(UITestError, LookupError):
    """No component on the page has this label; the message lists the labels that exist."""


class AmbiguousLabelError(UITestError, LookupError):
    """Several components have this label; the message lists them and how to pick one."""
