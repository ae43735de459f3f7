"""The server: one Starlette sub-application per mounted UI."""
