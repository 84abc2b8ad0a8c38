#!/usr/bin/env python3
"""Loads a checkpoint written by the engine with Python's `safetensors` package and prints, as JSON,
each tensor's dtype, shape and float64 sum, plus the metadata. The Swift test that writes the file
compares these with the engine's own values (Tests/RecoNetworksTests/CheckpointTests.swift).

Run: python3 Fixtures/read_engine_checkpoint.py PATH   (needs: pip install numpy safetensors)
"""
import json
import sys

import numpy as np
from safetensors import safe_open


def main(path):
    summary = {"tensors": {}, "metadata": {}}
    with safe_open(path, framework="numpy") as handle:
        summary["metadata"] = handle.metadata() or {}
        for name in handle.keys():
            array = handle.get_tensor(name)
            summary["tensors"][name] = {"dtype": str(array.dtype), "shape": list(array.shape),
                                        "sum": float(np.sum(array.astype(np.float64)))}
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1])
