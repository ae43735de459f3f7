# Developer and CI entry points. `make test` is what CI runs (through .ci/run).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LINT_PATHS := $(wildcard mountui tests examples bench)

.PHONY: venv test lint frontend frontend-check demo bench bench-scale

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,mcp,redis,share]'
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

# In CI only: the committed bundle in mountui/static must be what the frontend sources build, and the
# frontend's own checks (prettier, node --test) pass.
frontend-check:
ifeq ($(CI),true)
	@if [ -f frontend/package.json ]; then \
		$(MAKE) --no-print-directory frontend || exit 1; \
		changes="$$(git status --porcelain --untracked-files=all -- mountui/static)"; \
		if [ -n "$$changes" ]; then \
			echo "mountui/static is out of date with frontend/: run 'make frontend' and commit the result" >&2; \
			echo "$$changes" >&2; git --no-pager diff --stat -- mountui/static >&2; exit 1; \
		fi; \
		(cd frontend && npm run --silent lint && npm test --silent) || exit 1; \
	fi
endif

demo: venv
	$(BIN)/python examples/fastapi_mount.py

# The side-by-side benchmark (bench/side_by_side.py, not part of `make test`): a bare FastAPI endpoint, Gradio
# and mountui, each under uvicorn in its own process; writes bench/RESULTS.md (12-20 min; `make bench
# BENCH_ARGS=--quick` for a ~5 min smoke run). Needs wrk (Debian: apt-get install -y wrk) and /usr/bin/chromium.
# Gradio gets its own venv, bench/.venv-gradio (the latest Gradio 6.x when it is made; delete it to update).
GRADIO_VENV ?= bench/.venv-gradio
BENCH_ARGS ?=

bench: venv $(GRADIO_VENV)/.installed
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk (Debian package 'wrk')" >&2; exit 1; }
	$(BIN)/python bench/side_by_side.py $(BENCH_ARGS)

$(GRADIO_VENV)/.installed:
	test -x $(GRADIO_VENV)/bin/python || $(PYTHON) -m venv $(GRADIO_VENV)
	$(GRADIO_VENV)/bin/python -m pip install -q --disable-pip-version-check --upgrade 'gradio>=6,<7' fastapi uvicorn
	touch $@

# Scale-out (bench/scale.py): calls/s and p99 on 1, 2 and 4 uvicorn workers sharing Redis, what RedisStore adds
# per call, and 10,000 calls waiting over two workers. Needs wrk and redis-server; ~3 min.
bench-scale: venv
	$(BIN)/python bench/scale.py $(BENCH_ARGS)
