"""Helpers behind the test fixtures: real servers, a guarded browser, nginx and Redis on loopback.

The fixtures in ``tests/conftest.py`` are the public face; these modules hold the machinery so that it can be
unit tested on its own and reused by tests that need more control than a fixture gives.
"""
