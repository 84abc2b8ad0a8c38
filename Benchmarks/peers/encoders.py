#!/usr/bin/env python3
"""PyTorch peer of `recorl-bench --parts encoders`: forward plus backward (parameter and input
gradients) of nn.GRU and of a pre-norm nn.MultiheadAttention block at the same shapes and thread count.

  GRU:            B=256 windows, T=30 steps, D=64 inputs, H=128 hidden, loss on the last state
  self-attention: B=256, T=30, D=64 and D=128, 4 heads, u = x + P, y = u + MHA(LayerNorm(u)), loss on every step

Install PyTorch from PyPI into a virtual environment (the Linux wheel brings its CUDA libraries, about
3 GB, which stay unused on a machine without a GPU):
  python3 -m venv .venv-torch && .venv-torch/bin/pip install torch
Run with the thread count recorl-bench used (it prints it):
  python3 Benchmarks/peers/encoders.py --threads 2 [--budget 2]
"""
import argparse
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--budget", type=float, default=2.0, help="seconds of timed repetitions per encoder")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("PyTorch is not installed: python3 -m venv .venv-torch && .venv-torch/bin/pip install torch")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    B, T, D, H = 256, 30, 64, 128

    def measure(name, shape, module_params, forward, x):
        dy = None

        def step():
            nonlocal dy
            for p in module_params:
                p.grad = None
            x.grad = None
            y = forward(x)
            if dy is None:
                dy = torch.rand_like(y) * 2 - 1
            y.backward(dy)

        for _ in range(3):
            step()
        start = time.perf_counter()
        step()
        single = time.perf_counter() - start
        repetitions = max(5, min(200, int(args.budget / 2 / max(single, 1e-6))))
        forward_times, step_times = [], []
        for _ in range(repetitions):
            with torch.no_grad():
                start = time.perf_counter()
                forward(x)
                forward_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            step()
            step_times.append(time.perf_counter() - start)
        print(f"{name:>15} {shape:>32}  fwd {statistics.median(forward_times) * 1e3:8.2f} ms"
              f"  fwd+bwd {statistics.median(step_times) * 1e3:8.2f} ms  ({repetitions} repetitions)")

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    gru = torch.nn.GRU(D, H, batch_first=True)
    x = torch.randn(B, T, D, requires_grad=True)
    measure("gru", f"B={B} T={T} D={D} H={H}, last state", list(gru.parameters()),
            lambda v: gru(v)[1][0], x)
    for width in (64, 128):
        mha = torch.nn.MultiheadAttention(width, 4, batch_first=True)
        norm = torch.nn.LayerNorm(width)
        positions = torch.nn.Parameter(torch.randn(T, width) * 0.02)
        params = list(mha.parameters()) + list(norm.parameters()) + [positions]

        def block(v, mha=mha, norm=norm, positions=positions):
            u = v + positions
            a = norm(u)
            return u + mha(a, a, a, need_weights=False)[0]

        x = torch.randn(B, T, width, requires_grad=True)
        measure("self-attention", f"B={B} T={T} D={width} heads=4", params, block, x)


if __name__ == "__main__":
    main()
