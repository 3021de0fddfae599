"""The settings sections a backend reads: the model section (LLM backends) and the embedding
section (embedders). archivist.config composes its Settings from them, so a backend takes its own
section, typed, and never imports archivist.config."""
from __future__ import annotations

from dataclasses import dataclass

from archivist.backends.registry import LLM_NAMES
from archivist.knobs import knob


@dataclass
class EmbeddingSettings:
    """The embedder and how it embeds."""

    embedder: str = knob("minilm", "embedding model: registry name, local model dir or hub id")
    embed_batch: int = knob(64, "texts per embedding batch")
    embed_precision: str = knob("auto", "embedding precision; auto: int8 ONNX on CPU when possible, "
                                "fp32 on CUDA", ("auto", "fp32", "bf16", "int8"))
    # whole Enron on 2 cores: a vector for every chunk takes 694 s (21 messages/s); one lead
    # vector a message of 40 tokens ~90 s, and HotpotQA hybrid both@10 stays 0.89 (48 / 40 / 64
    # tokens; the former bench/embed_candidates.py, README history)
    embed_scope: str = knob("auto", "which chunks get a dense vector: chunks (every chunk), lead (one "
                            "a document: its subject and the first embed_lead_tokens tokens of its "
                            "first chunk; BM25 still indexes every chunk); auto: lead on CPU, "
                            "chunks on CUDA or for a store that holds per-chunk vectors",
                            ("auto", "chunks", "lead"))
    embed_lead_tokens: int = knob(40, "tokens of a document's lead vector (embed_scope=lead), [CLS] "
                                  "and [SEP] included")
    # a server changes where vectors are computed, not which chunks are cut (backends/embed_http.py)
    embedder_url: str = knob("", "OpenAI-compatible embedding server, e.g. http://127.0.0.1:8090/v1: "
                             "it embeds instead of an in-process model; the embedder setting then "
                             "names the model it serves, for its tokenizer")
    embedder_model: str = knob("", "name of the server's vectors; empty: '<served model id>@server'. "
                               "An in-process name (all-MiniLM-L6-v2@fp32) only when the server "
                               "serves that model: their vectors then mix")
    embedder_api_key: str = knob("", "API key of the embedding server", secret=True)
    embed_inflight: int = knob(2, "embedding requests in flight at once to embedder_url")


@dataclass
class ModelSettings:
    """The LLM: which backend, which model, where and how it runs and decodes."""

    llm: str = knob("smollm2", "LLM backend", LLM_NAMES)
    llm_model: str = knob("", "local path, GGUF file or hub id; the model name for openai")
    # auto: on whole-Enron questions end to end the onnx int8 export answered as transformers did
    # (the same outcome on 23 of 26) in 1.4-1.9x less time (bench/runtime_e2e.py, README); CUDA
    # stays on transformers, which is what runs there
    runtime: str = knob("auto", "what runs the smollm2 default; onnx: onnxruntime-genai (an int8 "
                        "export, built once); auto: onnx when installed and the device is not CUDA, "
                        "else transformers", ("transformers", "onnx", "auto"))
    onnx_precision: str = knob("int8", "weights of the smollm2 ONNX export; int4 decodes ~1.4x "
                               "faster but changes more answers", ("int8", "int4"))
    llm_base_url: str = knob("", "OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    llm_api_key: str = knob("", "API key of the OpenAI-compatible server", secret=True)
    llm_timeout: float = knob(120.0, "seconds an HTTP LLM request may take")
    device: str = knob("auto", "where models run; auto: CUDA when available",
                       ("auto", "cpu", "cuda", "cuda:N"))
    context_window: int = knob(0, "LLM context window in tokens; 0: the backend's own "
                               "(echo 2048, llamacpp 8192, the model's config, the server's)")
    threads: int = knob(0, "CPU threads of a local LLM; 0: the library default")
    gguf_file: str = knob("", "GGUF file to load when llm_model is a directory or hub id")
    offline: bool = knob(False, "load local or cached transformers models only, never download")
    decode: str = knob("auto", "transformers decoding; auto: static-cache loop for attention models "
                       "on CUDA, generate: HF generate", ("auto", "static", "generate"))
    model_kind: str = knob("", "transformers model family; empty: detect from the model config",
                           ("", "attention", "ssm", "hybrid"))
    # a naive (kernel-less) SSM scan on CUDA materialises per-token states: memory blows up
    ssm_naive_max_tokens: int = knob(8192, "longest prompt for an SSM on CUDA without fused kernels")
    max_new_tokens: int = knob(160, "answer budget in tokens")
    temperature: float = knob(0.0, "sampling temperature; 0: greedy")
    seed: int = knob(0, "sampling seed")
