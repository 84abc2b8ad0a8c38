#!/usr/bin/env python3
"""Checks a screenshot of `recorl report`'s page: the plots were drawn.

Usage: check_report_screenshot.py SCREENSHOT.png --figures N

Decodes the PNG with the standard library only (zlib; 8-bit RGB or RGBA, not interlaced, as headless
Chromium writes), marks as ink every pixel that differs from white by more than 40 in a channel, finds
each plot's frame (the left and right edges of its rectangle: two long vertical ink runs over the same
rows) and requires at least N frames, each with some ink inside (lines, bands or bars, not just an empty
box). Prints one line per frame and exits non-zero, naming what is missing, when the check fails.
"""
import argparse
import struct
import sys
import zlib

INK = 40             # difference from white (0-255) that counts as ink
EDGE = 150           # shortest vertical run, in pixels, taken for a frame's edge
INSIDE_SHARE = 0.003  # least share of inked pixels inside a frame


def read_png(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    position, chunks, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace != 0:
        sys.exit(f"{path}: depth {depth}, colour type {colour}, interlace {interlace}; expected 8-bit RGB(A), not interlaced")
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def ink_mask(width, channels, rows):
    threshold = 255 - INK
    return [[min(line[x * channels:x * channels + 3]) < threshold for x in range(width)] for line in rows]


def frames(mask, width, height):
    """(top, bottom, left, right) of each rectangle whose left and right edges are long vertical runs
    over the same rows (within 3 pixels, for anti-aliasing)."""
    groups = []  # [top, bottom, columns]
    for x in range(width):
        y = 0
        while y < height:
            if mask[y][x]:
                start = y
                while y < height and mask[y][x]:
                    y += 1
                if y - start >= EDGE:
                    group = next((g for g in groups if abs(g[0] - start) <= 3 and abs(g[1] - y) <= 3), None)
                    if group is None:
                        groups.append([start, y, [x]])
                    else:
                        group[2].append(x)
            y += 1
    found = []
    for top, bottom, columns in sorted(groups):
        if max(columns) - min(columns) > 200:
            found.append((top, bottom, min(columns), max(columns)))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("screenshot")
    parser.add_argument("--figures", type=int, required=True, help="plots the page should show")
    arguments = parser.parse_args()
    width, height, channels, rows = read_png(arguments.screenshot)
    mask = ink_mask(width, channels, rows)
    total = sum(map(sum, mask)) / (width * height)
    print(f"{arguments.screenshot}: {width} x {height}, {total:.1%} of pixels inked")
    drawn = 0
    for top, bottom, left, right in frames(mask, width, height):
        inside = [row[left + 3:right - 2] for row in mask[top + 3:bottom - 2]]
        share = sum(map(sum, inside)) / max(1, sum(map(len, inside)))
        ok = share >= INSIDE_SHARE
        drawn += ok
        print(f"  plot frame rows {top}-{bottom}, columns {left}-{right}: {share:.1%} inked inside"
              + ("" if ok else " (empty)"))
    if drawn < arguments.figures:
        sys.exit(f"{arguments.screenshot}: {drawn} plots with something drawn; expected {arguments.figures}")
    print(f"ok: {drawn} plots drawn (expected {arguments.figures})")


if __name__ == "__main__":
    main()
