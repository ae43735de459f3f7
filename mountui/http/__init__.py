"""The bottom layer: HTTP helpers that both sign-in (`mountui.auth`) and the server use.

URLs computed from the request, bounded bodies, JSON responses and errors, trusted forwarded headers.
Nothing here knows of components, calls or sign-in.
"""
