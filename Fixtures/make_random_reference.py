#!/usr/bin/env python3
"""Reference outputs of the engine's random generator, from an independent transcription of the
published algorithms: SplitMix64 (Steele, Lea and Flood, 2014) expands the seed into the state of
xoshiro256** (Blackman and Vigna, 2018).

Prints the first outputs for seed 42; Tests/RecoTensorTests/RandomGeneratorTests.swift pins them.
Run: python3 Fixtures/make_random_reference.py
"""
MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def xoshiro256starstar(seed):
    state = seed
    s = []
    for _ in range(4):
        state, value = splitmix64(state)
        s.append(value)
    while True:
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        yield result


if __name__ == "__main__":
    generator = xoshiro256starstar(42)
    print(", ".join(str(next(generator)) for _ in range(4)))
