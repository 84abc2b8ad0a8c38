#!/usr/bin/env python3
"""Independent float64 NumPy reference for the engine's sequence encoders: forward output, every
parameter gradient and the input gradient of

- a GRU (PyTorch's nn.GRU equations and layout: weight_ih_l0 [3H, D], weight_hh_l0 [3H, H],
  bias_ih_l0 [3H], bias_hh_l0 [3H], gates r, z, n; n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
  h' = (1 - z) n + z h, zero initial state), outputting the last state and every step;
- a pre-norm self-attention block: u = x + P (learned positions [T, D]), y = u + MHA(LayerNorm(u)),
  MHA as nn.MultiheadAttention (in_proj_weight [3D, D], in_proj_bias, out_proj.weight, out_proj.bias,
  softmax(Q K^T / sqrt(d)) per head, no mask, no dropout).

Gradients are of L = sum(R * y) for a fixed random R (the "output_gradient"), derived by hand here
(not by autograd), from float32-representable parameters and inputs, and checked here against
float64 central differences of every parameter and input entry before the file is written.

Writes Fixtures/sequence_reference.json, read by Tests/RecoNetworksTests/SequenceEncoderTests.swift.
Run: python3 Fixtures/make_sequence_reference.py          (NumPy only)
     python3 Fixtures/make_sequence_reference.py --torch  (also checks the reference against PyTorch,
                                                          when `pip install torch` is available)
"""
import json
import os
import sys

import numpy as np

GRU_SHAPE = dict(batch=3, steps=4, inputs=5, hidden=6)
ATTENTION_SHAPE = dict(batch=2, steps=5, width=8, heads=2, epsilon=1e-5)


def f32(array):
    """Values representable in float32, held in float64."""
    return np.asarray(array, dtype=np.float32).astype(np.float64)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def gru_passes(p, x, dy, batch, steps, hidden, all_steps):
    """Forward and backward through time. x: [B, T, D]; dy: [B, T, H] or [B, H]."""
    wih, whh, bih, bhh = p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"], p["bias_hh_l0"]
    H = hidden
    h = np.zeros((batch, H))
    cache = []
    outputs = []
    for t in range(steps):
        gi = x[:, t] @ wih.T + bih
        gh = h @ whh.T + bhh
        r = sigmoid(gi[:, :H] + gh[:, :H])
        z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
        n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
        cache.append((h, r, z, n, gh[:, 2 * H:]))
        h = (1 - z) * n + z * h
        outputs.append(h)
    y = np.stack(outputs, axis=1) if all_steps else h
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    dx = np.zeros_like(x)
    dh = np.zeros((batch, H)) if all_steps else dy.copy()
    for t in reversed(range(steps)):
        if all_steps:
            dh = dh + dy[:, t]
        h_prev, r, z, n, hn = cache[t]
        dn = dh * (1 - z) * (1 - n ** 2)
        dz = dh * (h_prev - n) * z * (1 - z)
        dr = dn * hn * r * (1 - r)
        dgi = np.concatenate([dr, dz, dn], axis=1)
        dgh = np.concatenate([dr, dz, dn * r], axis=1)
        grads["weight_ih_l0"] += dgi.T @ x[:, t]
        grads["bias_ih_l0"] += dgi.sum(axis=0)
        grads["weight_hh_l0"] += dgh.T @ h_prev
        grads["bias_hh_l0"] += dgh.sum(axis=0)
        dx[:, t] = dgi @ wih
        dh = dh * z + dgh @ whh
    return y, grads, dx


def attention_passes(p, x, dy, heads, epsilon):
    """x, dy: [B, T, D]."""
    B, T, D = x.shape
    d = D // heads
    scale = 1 / np.sqrt(d)
    u = x + p["position_embedding"][None]
    mean = u.mean(axis=-1, keepdims=True)
    inverse = 1 / np.sqrt(((u - mean) ** 2).mean(axis=-1, keepdims=True) + epsilon)
    xhat = (u - mean) * inverse
    a = xhat * p["norm.weight"] + p["norm.bias"]
    qkv = a @ p["self_attn.in_proj_weight"].T + p["self_attn.in_proj_bias"]
    q, k, v = qkv[..., :D], qkv[..., D:2 * D], qkv[..., 2 * D:]
    split = lambda m: m.reshape(B, T, heads, d).transpose(0, 2, 1, 3)  # [B, h, T, d]
    qh, kh, vh = split(q), split(k), split(v)
    scores = qh @ kh.transpose(0, 1, 3, 2) * scale
    scores -= scores.max(axis=-1, keepdims=True)
    probabilities = np.exp(scores)
    probabilities /= probabilities.sum(axis=-1, keepdims=True)
    oh = probabilities @ vh
    o = oh.transpose(0, 2, 1, 3).reshape(B, T, D)
    y = u + o @ p["self_attn.out_proj.weight"].T + p["self_attn.out_proj.bias"]

    g = {}
    g["self_attn.out_proj.weight"] = np.einsum("btj,bti->ji", dy, o)
    g["self_attn.out_proj.bias"] = dy.sum(axis=(0, 1))
    do = dy @ p["self_attn.out_proj.weight"]
    doh = split(do)
    dprob = doh @ vh.transpose(0, 1, 3, 2)
    dvh = probabilities.transpose(0, 1, 3, 2) @ doh
    dscores = probabilities * (dprob - (dprob * probabilities).sum(axis=-1, keepdims=True)) * scale
    dqh = dscores @ kh
    dkh = dscores.transpose(0, 1, 3, 2) @ qh
    merge = lambda m: m.transpose(0, 2, 1, 3).reshape(B, T, D)
    dqkv = np.concatenate([merge(dqh), merge(dkh), merge(dvh)], axis=-1)
    g["self_attn.in_proj_weight"] = np.einsum("btc,btj->cj", dqkv, a)
    g["self_attn.in_proj_bias"] = dqkv.sum(axis=(0, 1))
    da = dqkv @ p["self_attn.in_proj_weight"]
    g["norm.weight"] = (da * xhat).sum(axis=(0, 1))
    g["norm.bias"] = da.sum(axis=(0, 1))
    dxhat = da * p["norm.weight"]
    du = dy + inverse * (dxhat - dxhat.mean(axis=-1, keepdims=True) - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    g["position_embedding"] = du.sum(axis=0)
    return y, g, du


def finite_difference_check(forward, params, x, dy, grads, dx, name):
    """Every analytic gradient against float64 central differences of sum(dy * forward(params, x))."""
    h = 1e-6
    objective = lambda: float((forward(params, x) * dy).sum())
    worst = 0.0
    for key, values in list(params.items()) + [("input", x)]:
        analytic = dx if key == "input" else grads[key]
        for index in np.ndindex(values.shape):
            saved = values[index]
            values[index] = saved + h
            plus = objective()
            values[index] = saved - h
            minus = objective()
            values[index] = saved
            numeric = (plus - minus) / (2 * h)
            error = abs(numeric - analytic[index]) / (1e-3 + abs(numeric))
            if error > worst:
                worst, where = error, (key, index, numeric, analytic[index])
    assert worst < 1e-5, f"{name}: finite differences disagree ({worst}, {where})"
    print(f"{name}: gradients agree with central differences (worst relative {worst:.1e})")


def flat(d):
    return {k: np.asarray(v).ravel().tolist() for k, v in d.items()}


def check_with_torch(gru, attention):
    import torch  # noqa: only with --torch

    torch.set_default_dtype(torch.float64)
    s = GRU_SHAPE
    module = torch.nn.GRU(s["inputs"], s["hidden"], batch_first=True)
    with torch.no_grad():
        for name, values in gru["parameters"].items():
            getattr(module, name).copy_(torch.tensor(values).reshape(getattr(module, name).shape))
    for mode in ("last_state", "all_steps"):
        module.zero_grad()
        x = torch.tensor(gru["input"]).reshape(s["batch"], s["steps"], s["inputs"]).requires_grad_()
        out, h = module(x)
        y = h[0] if mode == "last_state" else out
        r = torch.tensor(gru[mode]["output_gradient"]).reshape(y.shape)
        (y * r).sum().backward()
        assert np.allclose(y.detach().numpy().ravel(), gru[mode]["output"], rtol=1e-9, atol=1e-12)
        assert np.allclose(x.grad.numpy().ravel(), gru[mode]["input_gradient"], rtol=1e-9, atol=1e-12)
        for name in gru["parameters"]:
            assert np.allclose(getattr(module, name).grad.numpy().ravel(), gru[mode]["gradients"][name], rtol=1e-9, atol=1e-12), name
    s = ATTENTION_SHAPE
    D, T = s["width"], s["steps"]
    mha = torch.nn.MultiheadAttention(D, s["heads"], batch_first=True)
    norm = torch.nn.LayerNorm(D, eps=s["epsilon"])
    pos = torch.nn.Parameter(torch.tensor(attention["parameters"]["position_embedding"]).reshape(T, D))
    with torch.no_grad():
        ps = attention["parameters"]
        norm.weight.copy_(torch.tensor(ps["norm.weight"]))
        norm.bias.copy_(torch.tensor(ps["norm.bias"]))
        mha.in_proj_weight.copy_(torch.tensor(ps["self_attn.in_proj_weight"]).reshape(3 * D, D))
        mha.in_proj_bias.copy_(torch.tensor(ps["self_attn.in_proj_bias"]))
        mha.out_proj.weight.copy_(torch.tensor(ps["self_attn.out_proj.weight"]).reshape(D, D))
        mha.out_proj.bias.copy_(torch.tensor(ps["self_attn.out_proj.bias"]))
    x = torch.tensor(attention["input"]).reshape(s["batch"], T, D).requires_grad_()
    u = x + pos
    a = norm(u)
    y = u + mha(a, a, a, need_weights=False)[0]
    (y * torch.tensor(attention["output_gradient"]).reshape(y.shape)).sum().backward()
    assert np.allclose(y.detach().numpy().ravel(), attention["output"], rtol=1e-9, atol=1e-12)
    assert np.allclose(x.grad.numpy().ravel(), attention["input_gradient"], rtol=1e-9, atol=1e-12)
    torch_grads = {"position_embedding": pos.grad, "norm.weight": norm.weight.grad, "norm.bias": norm.bias.grad,
                   "self_attn.in_proj_weight": mha.in_proj_weight.grad, "self_attn.in_proj_bias": mha.in_proj_bias.grad,
                   "self_attn.out_proj.weight": mha.out_proj.weight.grad, "self_attn.out_proj.bias": mha.out_proj.bias.grad}
    for name, grad in torch_grads.items():
        assert np.allclose(grad.numpy().ravel(), attention["gradients"][name], rtol=1e-9, atol=1e-12), name
    print("PyTorch agrees with the NumPy reference")


def main():
    rng = np.random.default_rng(2025)
    s = GRU_SHAPE
    B, T, D, H = s["batch"], s["steps"], s["inputs"], s["hidden"]
    bound = 1 / np.sqrt(H)
    gru_params = {
        "weight_ih_l0": f32(rng.uniform(-bound, bound, size=(3 * H, D))) * 2,
        "weight_hh_l0": f32(rng.uniform(-bound, bound, size=(3 * H, H))) * 2,
        "bias_ih_l0": f32(rng.uniform(-bound, bound, size=(3 * H,))),
        "bias_hh_l0": f32(rng.uniform(-bound, bound, size=(3 * H,))),
    }
    x = f32(rng.normal(size=(B, T, D)))
    gru = {"batch": B, "steps": T, "inputs": D, "hidden": H, "parameters": flat(gru_params), "input": x.ravel().tolist()}
    for mode, shape in (("last_state", (B, H)), ("all_steps", (B, T, H))):
        dy = f32(rng.uniform(-1, 1, size=shape))
        y, grads, dx = gru_passes(gru_params, x, dy, B, T, H, mode == "all_steps")
        forward = lambda p, v, m=mode: gru_passes(p, v, dy, B, T, H, m == "all_steps")[0]
        finite_difference_check(forward, gru_params, x, dy, grads, dx, f"gru ({mode})")
        gru[mode] = {"output_gradient": dy.ravel().tolist(), "output": y.ravel().tolist(),
                     "gradients": flat(grads), "input_gradient": dx.ravel().tolist()}

    s = ATTENTION_SHAPE
    B, T, D = s["batch"], s["steps"], s["width"]
    attention_params = {
        "position_embedding": f32(rng.normal(scale=0.5, size=(T, D))),
        "norm.weight": f32(rng.uniform(0.5, 1.5, size=(D,))),
        "norm.bias": f32(rng.uniform(-0.3, 0.3, size=(D,))),
        "self_attn.in_proj_weight": f32(rng.uniform(-0.6, 0.6, size=(3 * D, D))),
        "self_attn.in_proj_bias": f32(rng.uniform(-0.3, 0.3, size=(3 * D,))),
        "self_attn.out_proj.weight": f32(rng.uniform(-0.4, 0.4, size=(D, D))),
        "self_attn.out_proj.bias": f32(rng.uniform(-0.3, 0.3, size=(D,))),
    }
    x = f32(rng.normal(size=(B, T, D)))
    dy = f32(rng.uniform(-1, 1, size=(B, T, D)))
    y, grads, dx = attention_passes(attention_params, x, dy, s["heads"], s["epsilon"])
    forward = lambda p, v: attention_passes(p, v, dy, s["heads"], s["epsilon"])[0]
    finite_difference_check(forward, attention_params, x, dy, grads, dx, "self-attention")
    attention = dict(s)
    attention.update({"parameters": flat(attention_params), "input": x.ravel().tolist(),
                      "output_gradient": dy.ravel().tolist(), "output": y.ravel().tolist(),
                      "gradients": flat(grads), "input_gradient": dx.ravel().tolist()})

    if "--torch" in sys.argv:
        check_with_torch(gru, attention)
    result = {
        "description": "GRU and pre-norm self-attention block; float64 NumPy reference of forward and the "
                       "gradients of sum(output_gradient * output) (make_sequence_reference.py)",
        "gru": gru,
        "attention": attention,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequence_reference.json")
    with open(path, "w") as handle:
        json.dump(result, handle, indent=1)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
