"""Copy the summary table of bench/RESULTS.md into README.md's "Performance" section.

    .venv/bin/python bench/readme_table.py [--check]

Replaces what is between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md with the table between
`<!-- summary:start -->` and `<!-- summary:end -->` in bench/RESULTS.md (written by `make bench`), and a line
saying when and with what it was measured. `--check` exits 1 if README.md is not up to date.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README, RESULTS = ROOT / "README.md", ROOT / "bench" / "RESULTS.md"


def between(text: str, start: str, end: str, where: Path) -> tuple[int, int]:
    """The span strictly between two marker comments (each on its own line)."""
    a, b = text.find(start), text.find(end)
    if a < 0 or b < a:
        sys.exit(f"{where.name}: markers {start} ... {end} not found")
    return a + len(start), b


def block(results: str) -> str:
    a, b = between(results, "<!-- summary:start -->", "<!-- summary:end -->", RESULTS)
    date = re.search(r"^- date: (.+?);", results, re.M)
    gradio = re.search(r"Gradio (\d[\w.]*)", results)
    machine = re.search(r"^- machine: (.+?) \(", results, re.M)
    source = (
        f"From [bench/RESULTS.md](bench/RESULTS.md) ({date.group(1) if date else 'undated'}, "
        f"Gradio {gradio.group(1) if gradio else '?'}, {machine.group(1) if machine else 'unknown machine'})."
    )
    note = re.search(r"^\*\*Note:\*\* (.+)$", results, re.M)
    if note:
        source += " " + note.group(1).split(". ")[0].rstrip(".") + "."  # its first sentence
    return "\n" + results[a:b].strip() + "\n\n" + source + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date")
    args = parser.parse_args()
    readme = README.read_text()
    a, b = between(readme, "<!-- bench:start -->", "<!-- bench:end -->", README)
    new = readme[:a] + block(RESULTS.read_text()) + readme[b:]
    if args.check:
        sys.exit(
            0 if new == readme else "README.md's Performance table is out of date: run bench/readme_table.py"
        )
    README.write_text(new)
    print("README.md: Performance table " + ("unchanged" if new == readme else "updated"))


if __name__ == "__main__":
    main()
