"""The snippets of the "Use via API" page: Python (the mountui client), JavaScript (fetch) and curl.

Each one must run as it is pasted (tests run them all), so they are built from the endpoint's description
and the app's public URL, with placeholders only for credentials.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mountui.server.api_docs import Endpoint, Value

PASSWORD_PLACEHOLDERS = ("USERNAME", "PASSWORD")
TOKEN_PLACEHOLDER = "YOUR_TOKEN"  # noqa: S105 (shown in snippets, to be replaced)


@dataclass(frozen=True)
class AuthKind:
    password: bool = False
    oauth: bool = False
    host: bool = False

    def names(self) -> list[str]:
        return [n for n in ("password", "oauth", "host") if getattr(self, n)]


def python_literal(value: Any) -> str:
    """A JSON value written as Python source, with double-quoted strings like the rest of the snippet."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{python_literal(str(k))}: {python_literal(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return repr(value)


def python_snippet(ep: Endpoint, url: str, auth: AuthKind) -> str:
    extra = ""
    if auth.password:
        extra = f', auth=("{PASSWORD_PLACEHOLDERS[0]}", "{PASSWORD_PLACEHOLDERS[1]}")'
    elif auth.host:
        extra = f', headers={{"Authorization": "Bearer {TOKEN_PLACEHOLDER}"}}'
    lines = ["from mountui import Client", "", f"client = Client({python_literal(url)}{extra})"]
    args = [f"{p.name}={python_literal(p.example)}" for p in ep.parameters]
    files = [p for p in ep.parameters if p.file]
    if files:
        lines.append("# file parameters take a local path (or bytes); file results come back as local paths")
    call_args = ", ".join([*args, f"api_name={python_literal(ep.name)}"])
    if ep.stream:
        lines += [
            f"job = client.submit({call_args})",
            "for output in job:  # each partial result, as it is produced",
            "    print(output)",
            "print(job.result())",
        ]
    else:
        lines += [f"result = client.predict({call_args})", "print(result)"]
    return "\n".join(lines) + "\n"


def _wire_example(value: Value, index: int) -> Any:
    """The example as it goes on the wire; file parameters refer to an upload by a placeholder id."""
    if value.file == "multiple":
        return [{"id": f"__FILE_{index}__"}]
    if value.file == "single":
        return {"id": f"__FILE_{index}__"}
    return value.example


def javascript_snippet(ep: Endpoint, url: str, auth: AuthKind) -> str:
    lines = ["// An ES module for Node.js 18+ (save as call.mjs, run `node call.mjs`) or a browser console."]
    lines.append(f"const base = {json.dumps(url)};")
    headers = ""
    if auth.password:
        user, password = PASSWORD_PLACEHOLDERS
        lines += [
            "// Sign in once; in a browser on this site the cookie is sent for you instead.",
            'const login = await fetch(base + "login", {',
            '  method: "POST",',
            f'  body: new URLSearchParams({{ username: "{user}", password: "{password}" }}),',
            '  redirect: "manual",',
            "});",
            'const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");',
        ]
        headers = ", Cookie: cookie"
    elif auth.host:
        headers = f', Authorization: "Bearer {TOKEN_PLACEHOLDER}"'
    data = []
    for index, p in enumerate(ep.parameters):
        if p.file:
            name = str(p.example[0] if isinstance(p.example, list) else p.example)
            lines += [
                f"// Upload the file for {p.name} first (replace the contents with your file's).",
                f"const form{index} = new FormData();",
                f'form{index}.append("files", new Blob(["file contents"]), {json.dumps(name)});',
                f'const upload{index} = await fetch(base + "upload", {{',
                '  method: "POST",',
                f"  body: form{index},",
                *([f"  headers: {{ {headers[2:]} }},"] if headers else []),
                "});",
                f"const file{index} = (await upload{index}.json()).files[0];",
            ]
        data.append(_wire_example(p, index))
    body = json.dumps({"data": data})
    body = re.sub(r'"__FILE_(\d+)__"', r"file\1.id", body)
    accept = ', Accept: "text/event-stream"' if ep.stream else ""
    lines += [
        f'const response = await fetch(base + "api/{ep.name}", {{',
        '  method: "POST",',
        f'  headers: {{ "Content-Type": "application/json"{accept}{headers} }},',
        f"  body: JSON.stringify({body}),",
        "});",
        "if (!response.ok) throw new Error((await response.json()).error.message);",
    ]
    if not ep.stream:
        lines += ["const result = await response.json();", "console.log(result.data);"]
        return "\n".join(lines) + "\n"
    lines += [
        "// Read the Server-Sent Events: output (partial results), progress, then complete or error.",
        "const reader = response.body.getReader();",
        "const decoder = new TextDecoder();",
        'let buffer = "", event = "message", data = "";',
        "for (;;) {",
        "  const { value, done } = await reader.read();",
        "  if (done) break;",
        "  buffer += decoder.decode(value, { stream: true });",
        "  const lines = buffer.split(/\\r?\\n/);",
        "  buffer = lines.pop();",
        "  for (const line of lines) {",
        '    if (line.startsWith("event:")) event = line.slice(6).trim();',
        '    else if (line.startsWith("data:")) data += line.slice(5).trim();',
        '    else if (line === "" && data) {',
        "      const payload = JSON.parse(data);",
        '      if (event === "error") throw new Error(payload.message);',
        '      if (event === "output" || event === "complete") console.log(event, payload.data);',
        '      if (event === "progress") console.log("progress", payload.progress);',
        '      event = "message";',
        '      data = "";',
        "    }",
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _double_quoted(text: str) -> str:
    return '"' + re.sub(r'([\\"$`])', r"\\\1", text) + '"'


def curl_snippets(ep: Endpoint, url: str, auth: AuthKind) -> tuple[str, str]:
    """The plain JSON call and the streaming (SSE) form of the same call."""
    setup: list[str] = []
    options = ""
    if auth.password:
        user, password = PASSWORD_PLACEHOLDERS
        setup.append(
            f"curl -sS -c cookies.txt -d username={user} -d password={password} {shlex.quote(url + 'login')}"
        )
        options = " -b cookies.txt"
    elif auth.host:
        options = " " + shlex.quote(f"Authorization: Bearer {TOKEN_PLACEHOLDER}")
        options = f" -H{options}"
    data = []
    for index, p in enumerate(ep.parameters):
        if p.file:
            name = p.example[0] if isinstance(p.example, list) else p.example
            setup.append(
                f"FILE_{index}=$(curl -sS{options} -F files=@{shlex.quote(str(name))} "
                f'{shlex.quote(url + "upload")} \\\n  | sed -E \'s/.*"id":"([^"]+)".*/\\1/\')'
            )
        data.append(_wire_example(p, index))
    body = json.dumps({"data": data})
    if any(p.file for p in ep.parameters):
        # Double quotes, so that the shell puts in the uploaded files' ids.
        quoted = re.sub(r"__FILE_(\d+)__", r"$FILE_\1", _double_quoted(body))
    else:
        quoted = shlex.quote(body)
    target = shlex.quote(f"{url}api/{ep.name}")
    call = f'curl -sS{options} -X POST {target} \\\n  -H "Content-Type: application/json" \\\n  -d {quoted}'
    stream = (
        f'curl -sS -N{options} -X POST {target} \\\n  -H "Content-Type: application/json" '
        f'-H "Accept: text/event-stream" \\\n  -d {quoted}'
    )
    prefix = "".join(line + "\n" for line in setup)
    return prefix + call + "\n", prefix + stream + "\n"
