"""Tiny random-init checkpoints for tests: a Llama (attention) and a Mamba2 (SSM) with hidden size 64,
2 layers and a byte-level BPE tokenizer trained in-process (no hub downloads)."""
from __future__ import annotations

from pathlib import Path

CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CORPUS = ("The offsite moved to Thursday, room 42. Answer the question using only the context. "
          "search answer give up yes no true false Which room is the meeting in? "
          "Enron email archive record documents budget report quarterly forecast energy trading "
          "0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q r s t u v w x y z . , ? ! : ;")


def make_tokenizer(vocab_size: int = 400):
    """A ChatML byte-level BPE tokenizer (eos = <|im_end|>) trained on a few sentences."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([CORPUS] * 4, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>",
                                   bos_token="<|im_start|>", pad_token="<|endoftext|>",
                                   chat_template=CHATML)


def _config(kind: str, vocab: int, eos: int, pad: int):
    from transformers import LlamaConfig, Mamba2Config
    if kind == "attention":
        return LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128,
                           num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                           max_position_embeddings=2048, tie_word_embeddings=False,
                           eos_token_id=eos, pad_token_id=pad, bos_token_id=None)
    return Mamba2Config(vocab_size=vocab, hidden_size=64, num_hidden_layers=2, state_size=16,
                        expand=2, num_heads=4, head_dim=32, n_groups=1, conv_kernel=4,
                        chunk_size=64, tie_word_embeddings=False,
                        eos_token_id=eos, pad_token_id=pad, bos_token_id=None)


def save_tiny(kind: str, path: Path, seed: int = 0) -> Path:
    """Write a tiny 'attention' (Llama) or 'ssm' (Mamba2) checkpoint + tokenizer to path."""
    import torch
    from transformers import AutoModelForCausalLM
    tok = make_tokenizer()
    cfg = _config(kind, len(tok), tok.eos_token_id, tok.pad_token_id)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(cfg)
    # random weights put the EOS logit anywhere; push it down so outputs are never empty
    with torch.no_grad():
        # default inits give near-flat logits (one token repeated); a wide untied head varies them
        model.get_output_embeddings().weight.normal_(0.0, 1.0)
        model.get_output_embeddings().weight[tok.eos_token_id].mul_(0.0)
        if getattr(model.get_output_embeddings(), "bias", None) is not None:
            model.get_output_embeddings().bias[tok.eos_token_id] = -10.0
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path
