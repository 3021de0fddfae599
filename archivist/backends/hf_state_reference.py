"""The plain PyTorch reference for hf_state's fast path (mamba-minimal style): a Mamba2 model read
one token at a time through the recurrence as the paper writes it, from the model's own weights.

It is slow and kept simple on purpose: tests check that the fast path (the model's forward with a
transformers cache: chunked scan, or fused kernels on GPU) leaves the same state and logits.
States are in hf_state.plain_states' layout, so a snapshot of either path restores in the other.
"""
from __future__ import annotations

from typing import Any


def zero_states(model) -> list[dict[str, dict[str, Any]]]:
    """The state before any token: zeros, one conv and one SSM state per layer."""
    import torch
    cfg, out = model.config, []
    for layer in model.backbone.layers:
        mixer = layer.mixer
        conv = torch.zeros(1, mixer.conv_dim, cfg.conv_kernel, dtype=model.dtype, device=model.device)
        ssm = torch.zeros(1, cfg.num_heads, cfg.head_dim, cfg.state_size, dtype=model.dtype,
                          device=model.device)
        out.append({"conv": {"0": conv}, "recurrent": {"0": ssm}})
    return out


def _conv(mixer, window, xbc):
    """The causal depthwise convolution over the last kernel inputs; returns (output, new window)."""
    import torch
    import torch.nn.functional as F
    window = torch.cat([window[:, :, 1:], xbc[:, :, None]], dim=-1)  # the oldest input drops out
    out = (window * mixer.conv1d.weight[:, 0, :]).sum(-1)
    if mixer.conv1d.bias is not None:
        out = out + mixer.conv1d.bias
    return F.silu(out), window


def _ssm(mixer, state, x, B, C, dt):
    """One step of the selective SSM: h = exp(dt A) h + dt x B^T; y = h C + D x, per head."""
    import torch
    import torch.nn.functional as F
    heads, head_dim, groups = mixer.num_heads, mixer.head_dim, mixer.n_groups
    dt = F.softplus(dt + mixer.dt_bias).clamp(*mixer.time_step_limit)  # (1, heads)
    A = -torch.exp(mixer.A_log.float())
    x = x.view(1, heads, head_dim)
    B = B.view(1, groups, -1).repeat_interleave(heads // groups, dim=1)  # (1, heads, N)
    C = C.view(1, groups, -1).repeat_interleave(heads // groups, dim=1)
    decay = torch.exp(dt * A)[:, :, None, None]
    state = state * decay + (dt[:, :, None] * x)[..., None] * B[:, :, None, :]
    y = (state * C[:, :, None, :]).sum(-1) + mixer.D[:, None] * x
    return y.reshape(1, -1), state


def _mixer(mixer, h, saved):
    """The Mamba2 mixer on one token's normalised hidden state; updates `saved` in place."""
    z, xbc, dt = mixer.in_proj(h).split([mixer.intermediate_size, mixer.conv_dim, mixer.num_heads], -1)
    xbc, saved["conv"]["0"] = _conv(mixer, saved["conv"]["0"], xbc)
    n = mixer.n_groups * mixer.ssm_state_size
    x, B, C = xbc.split([mixer.intermediate_size, n, n], dim=-1)
    y, state = _ssm(mixer, saved["recurrent"]["0"].float(), x, B, C, dt)
    saved["recurrent"]["0"] = state.to(saved["recurrent"]["0"].dtype)
    return mixer.out_proj(mixer.norm(y, z).to(h.dtype))


def step(model, token: int, states: list[dict]):
    """Read one token: every layer's state moves on; returns the next-token logits."""
    import torch
    with torch.no_grad():
        hidden = model.backbone.embeddings(torch.tensor([token], device=model.device))
        for layer, saved in zip(model.backbone.layers, states):
            hidden = hidden + _mixer(layer.mixer, layer.norm(hidden), saved)
        return model.lm_head(model.backbone.norm_f(hidden))


def read(model, input_ids, states=None):
    """hf_state.read's contract, token by token: (logits of the last token, states)."""
    states = states if states is not None else zero_states(model)
    logits = None
    for token in input_ids.reshape(-1).tolist():
        logits = step(model, token, states)
    return logits, states
