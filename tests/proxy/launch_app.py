"""The proxy tests' demo served by launch(), as a user runs it: ``python launch_app.py PORT ROOT_PATH``."""

import sys

from proxy_helpers import make_demo

if __name__ == "__main__":
    make_demo().launch(port=int(sys.argv[1]), root_path=sys.argv[2], log_level="warning")
