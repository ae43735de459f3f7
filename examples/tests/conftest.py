"""The examples' tests import the example apps by module name, as a project imports its own app."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
