#!/usr/bin/env python3
"""A RecoRL checkpoint written by Python's `safetensors` package, to prove the engine reads files other
tools write: an MLP 4 -> 5 (relu) -> 2 with Adam state, plus the forward output NumPy expects for a
fixed input.

Writes Fixtures/python_checkpoint.safetensors and Fixtures/python_checkpoint_expected.json, read by
Tests/RecoNetworksTests/CheckpointTests.swift.
Run: python3 Fixtures/make_python_checkpoint.py   (needs: pip install numpy safetensors)
"""
import json
import os

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(7)
    tensors = {
        "online.0.weight": rng.normal(size=(5, 4)).astype(np.float32),
        "online.0.bias": rng.normal(size=(5,)).astype(np.float32),
        "online.2.weight": rng.normal(size=(2, 5)).astype(np.float32),
        "online.2.bias": rng.normal(size=(2,)).astype(np.float32),
    }
    count = sum(t.size for t in tensors.values())
    tensors["online.optimizer.m"] = rng.normal(size=(count,)).astype(np.float32)
    tensors["online.optimizer.v"] = rng.uniform(0, 1, size=(count,)).astype(np.float32)
    layers = [
        {"linear": {"inputs": 4, "outputs": 5, "initialization": {"kaimingUniform": {}}}},
        {"relu": {}},
        {"linear": {"inputs": 5, "outputs": 2, "initialization": {"kaimingUniform": {}}}},
    ]
    optimizer = {"adam": {"learningRate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-08,
                          "weightDecay": 0, "decoupledWeightDecay": False}}
    networks = [{"name": "online", "maxBatch": 8, "layers": layers, "optimizer": optimizer, "optimizerSteps": 12}]
    metadata = {"format": "recorl-checkpoint", "format_version": "1", "networks": json.dumps(networks),
                "written_by": "python safetensors"}
    save_file(tensors, os.path.join(HERE, "python_checkpoint.safetensors"), metadata=metadata)

    x = rng.normal(size=(3, 4)).astype(np.float32)
    f64 = lambda name: tensors[name].astype(np.float64)
    hidden = np.maximum(x.astype(np.float64) @ f64("online.0.weight").T + f64("online.0.bias"), 0)
    output = hidden @ f64("online.2.weight").T + f64("online.2.bias")
    expected = {"input": x.ravel().tolist(), "output": output.ravel().tolist(), "optimizer_steps": 12,
                "m": tensors["online.optimizer.m"].tolist(), "v": tensors["online.optimizer.v"].tolist()}
    with open(os.path.join(HERE, "python_checkpoint_expected.json"), "w") as handle:
        json.dump(expected, handle, indent=1)
    print("wrote python_checkpoint.safetensors and python_checkpoint_expected.json")


if __name__ == "__main__":
    main()
