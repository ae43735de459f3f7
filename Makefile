# Developer and CI entry points. `make test` is what CI runs (through .ci/run).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LINT_PATHS := $(wildcard mountui tests examples bench)

.PHONY: venv test lint frontend frontend-check demo

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,mcp,redis]'
	touch $@

lint: venv
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

# pytest exits 5 when it collected no tests: that is a broken suite, not a green one.
test: venv lint frontend-check
	@status=0; $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no tests: failing" >&2; exit 1; fi; \
	exit $$status

frontend:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs

# In CI only: the committed bundle in mountui/static must be what the frontend sources build.
frontend-check:
ifeq ($(CI),true)
	@if [ -f frontend/package.json ]; then \
		$(MAKE) --no-print-directory frontend || exit 1; \
		changes="$$(git status --porcelain --untracked-files=all -- mountui/static)"; \
		if [ -n "$$changes" ]; then \
			echo "mountui/static is out of date with frontend/: run 'make frontend' and commit the result" >&2; \
			echo "$$changes" >&2; git --no-pager diff --stat -- mountui/static >&2; exit 1; \
		fi; \
	fi
endif

demo: venv
	$(BIN)/python examples/fastapi_mount.py
