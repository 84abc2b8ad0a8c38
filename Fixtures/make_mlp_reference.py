#!/usr/bin/env python3
"""Independent reference for the engine's MLP: forward pass, gradients and one Adam / AdamW step,
computed in float64 with NumPy from float32 weights and inputs.

Network (PyTorch layout, y = x W^T + b): 5 -> 7 (tanh) -> 6 (relu) -> 3, batch 4,
loss = mean squared error over all outputs.

Writes Fixtures/mlp_reference.json, read by Tests/RecoNetworksTests/NumPyReferenceTests.swift.
Run: python3 Fixtures/make_mlp_reference.py
"""
import json
import os

import numpy as np

WIDTHS = [5, 7, 6, 3]
ACTIVATIONS = ["tanh", "relu"]
BATCH = 4
ADAM = dict(learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8)
ADAMW_DECAY = 0.1


def f32(array):
    """Values representable in float32, held in float64."""
    return np.asarray(array, dtype=np.float32).astype(np.float64)


def main():
    rng = np.random.default_rng(2024)
    params = []
    for fan_in, fan_out in zip(WIDTHS[:-1], WIDTHS[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append(f32(rng.uniform(-bound, bound, size=(fan_out, fan_in))))
        params.append(f32(rng.uniform(-bound, bound, size=(fan_out,))))
    x = f32(rng.normal(size=(BATCH, WIDTHS[0])))
    target = f32(rng.normal(size=(BATCH, WIDTHS[-1])))

    # Forward, keeping each layer's input and pre-activation.
    inputs, pre = [], []
    h = x
    for layer in range(3):
        w, b = params[2 * layer], params[2 * layer + 1]
        inputs.append(h)
        z = h @ w.T + b
        pre.append(z)
        if layer < 2:
            h = np.tanh(z) if ACTIVATIONS[layer] == "tanh" else np.maximum(z, 0)
        else:
            h = z
    output = h
    loss = np.mean((output - target) ** 2)

    # Backward.
    grads = [None] * len(params)
    d = 2 * (output - target) / output.size
    for layer in reversed(range(3)):
        grads[2 * layer] = d.T @ inputs[layer]
        grads[2 * layer + 1] = d.sum(axis=0)
        d = d @ params[2 * layer]
        if layer > 0:
            previous = pre[layer - 1]
            if ACTIVATIONS[layer - 1] == "tanh":
                d = d * (1 - np.tanh(previous) ** 2)
            else:
                d = d * (previous > 0)
    input_gradient = d

    def adam_step(weight_decay, decoupled):
        lr, b1, b2, eps = ADAM["learning_rate"], ADAM["beta1"], ADAM["beta2"], ADAM["epsilon"]
        updated = []
        for p, g in zip(params, grads):
            if decoupled:
                p = p * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * p
            m = (1 - b1) * g
            v = (1 - b2) * g * g
            m_hat, v_hat = m / (1 - b1), v / (1 - b2)
            updated.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
        return updated

    names = [f"{layer}.{kind}" for layer in (0, 2, 4) for kind in ("weight", "bias")]
    as_lists = lambda arrays: {n: a.ravel().tolist() for n, a in zip(names, arrays)}
    result = {
        "description": "MLP 5-7(tanh)-6(relu)-3, batch 4, MSE; float64 NumPy reference (make_mlp_reference.py)",
        "widths": WIDTHS,
        "activations": ACTIVATIONS,
        "adam": ADAM,
        "adamw_weight_decay": ADAMW_DECAY,
        "input": x.ravel().tolist(),
        "target": target.ravel().tolist(),
        "parameters": as_lists(params),
        "output": output.ravel().tolist(),
        "loss": float(loss),
        "gradients": as_lists(grads),
        "input_gradient": input_gradient.ravel().tolist(),
        "after_adam": as_lists(adam_step(0.0, False)),
        "after_adamw": as_lists(adam_step(ADAMW_DECAY, True)),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mlp_reference.json")
    with open(path, "w") as handle:
        json.dump(result, handle, indent=1)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
