#!/usr/bin/env python3
"""Re-saves a RecoRL checkpoint with Python's `safetensors` package, keeping its metadata (and so its
`checksum`) but letting the library lay the tensors out its own way (it sorts them by dtype and name,
so offsets and order differ from the engine's, which writes them model by model). The engine must load
the result verified, with identical tensors: the checksum covers names, dtypes, shapes and bytes in
name order, not the byte layout.

Run: python3 Fixtures/resave_with_python.py IN OUT      (needs: pip install numpy safetensors)
With no arguments it rebuilds the fixture pair from the engine's fixture:
    Fixtures/engine_checkpoint.safetensors -> Fixtures/python_resaved_checkpoint.safetensors
(Fixtures/engine_checkpoint.safetensors is written by the Swift test
CheckpointVerificationTests.engineFixtureIsCurrent when RECORL_WRITE_FIXTURES=1.)
Read by Tests/RecoNetworksTests/CheckpointVerificationTests.swift.
"""
import os
import sys

from safetensors import safe_open
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def resave(source, target):
    with safe_open(source, framework="numpy") as handle:
        metadata = handle.metadata() or {}
        names = list(handle.keys())
        tensors = {name: handle.get_tensor(name) for name in reversed(names)}
    save_file(tensors, target, metadata=metadata)


def main(argv):
    if len(argv) == 3:
        resave(argv[1], argv[2])
    else:
        resave(os.path.join(HERE, "engine_checkpoint.safetensors"),
               os.path.join(HERE, "python_resaved_checkpoint.safetensors"))
        print("wrote python_resaved_checkpoint.safetensors")


if __name__ == "__main__":
    main(sys.argv)
