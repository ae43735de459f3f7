"""The sync and async clients offer the same things, and every exception mountui raises is a MountUIError."""

from __future__ import annotations

import inspect

import pytest

import mountui
from mountui.auth.oauth_client import SignInFailed
from mountui.store.redis import UntrustedValueError

# The async spelling of a sync name, where Python's protocols differ.
ASYNC_NAME = {"close": "aclose", "__enter__": "__aenter__", "__exit__": "__aexit__", "__iter__": "__aiter__"}


def public_face(cls: type) -> dict[str, object]:
    """Each public name (and the protocol dunders) with its parameters: names, kinds and defaults."""
    face: dict[str, object] = {}
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") and name not in (*ASYNC_NAME, *ASYNC_NAME.values(), "__init__"):
            continue
        if isinstance(member, property):
            face[name] = "property"
        elif callable(member):
            params = inspect.signature(member).parameters.values()
            face[name] = [(p.name, p.kind, p.default) for p in params]
    return face


@pytest.mark.parametrize(("sync", "asynchronous"), [("Client", "AsyncClient"), ("Job", "AsyncJob")])
def test_both_clients_offer_the_same_methods_with_the_same_parameters(sync: str, asynchronous: str) -> None:
    sync_face = public_face(getattr(mountui, sync))
    async_face = public_face(getattr(mountui, asynchronous))
    assert {ASYNC_NAME.get(name, name): value for name, value in sync_face.items()} == async_face


def test_exceptions_mountui_raises_are_mountui_errors() -> None:
    raised = [getattr(mountui, name) for name in mountui.__all__]
    raised = [cls for cls in raised if isinstance(cls, type) and issubclass(cls, BaseException)]
    raised += [SignInFailed, UntrustedValueError]
    assert mountui.JobTimeoutError in raised and mountui.ValidationError in raised
    # mountui.Error is the one users raise in their functions, so it is not one of ours.
    assert [cls.__name__ for cls in raised if not issubclass(cls, mountui.MountUIError)] == ["Error"]
    # Code that caught the builtin base before still catches these.
    assert issubclass(UntrustedValueError, ValueError) and issubclass(mountui.ConfigError, ValueError)
    assert issubclass(mountui.JobTimeoutError, TimeoutError)


def test_mountui_validation_error_is_not_pydantics() -> None:
    import pydantic

    assert not issubclass(mountui.ValidationError, pydantic.ValidationError)
    assert "pydantic" in (inspect.getmodule(mountui.ValidationError).__doc__ or "")
