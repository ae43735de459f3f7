"""The MCP server of an app (`mcp_server=True`, at `P/mcp`): `server.py` serves it on the `mcp` SDK,
`tools.py` and `calls.py` make endpoints tools, `page.py` shows people how to connect (no SDK needed)."""
