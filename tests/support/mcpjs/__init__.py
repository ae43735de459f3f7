"""The official TypeScript MCP SDK's client (`@modelcontextprotocol/sdk` from npm), run by node.

    result = run_plan({"url": base + "/mcp", "headers": {...}, "steps": [{"op": "list"}]})

`client.mjs` performs the steps (list the tools, call one with progress, cancel one) and prints what it got.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from ..programs import require_program

HERE = Path(__file__).parent


def dependencies_installed() -> bool:
    return (HERE / "node_modules" / "@modelcontextprotocol" / "sdk" / "package.json").is_file()


def run_plan(plan: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
    """Run `client.mjs` with `plan`; its JSON answer. `npm ci` here first if needed (CI does it in .ci/run)."""
    node = require_program("node", "/usr/bin/node", apt_package="nodejs")
    if not dependencies_installed():
        npm = require_program("npm", "/usr/bin/npm", apt_package="npm")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)
    done = subprocess.run(
        [node, str(HERE / "client.mjs"), json.dumps(plan)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=HERE,
    )
    assert done.returncode == 0, f"the TypeScript MCP client failed:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])
