"""Benchmark the frame writers: 300 frames of 640x480 to GIF, MP4 (and WebM).

Two synthetic scenes, both a heat map (400x400) plus a growing line plot:

* ``boundary`` - a classifier's probability map whose decision boundary moves
  and sharpens quickly at first and then settles (like training does);
* ``drift`` - a viridis field that keeps changing everywhere, every frame
  (worst case for GIF's changed-rectangle coding).

Run: ``python benchmarks/bench_writers.py [--frames 300] [--out DIR] [--webm]``
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np

from nnviz.export import open_writer, probe_video, read_gif_info

logger = logging.getLogger("bench_writers")

_VIRIDIS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], float)
_RDBU = np.array([[5, 48, 97], [67, 147, 195], [247, 247, 247], [214, 96, 77], [103, 0, 31]], float)


def colormap(v: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Piecewise-linear colour map of values in [0, 1] -> uint8 RGB."""
    v = np.clip(v, 0, 1) * (len(anchors) - 1)
    i = np.minimum(v.astype(int), len(anchors) - 2)
    f = (v - i)[..., None]
    return (anchors[i] * (1 - f) + anchors[i + 1] * f).round().astype(np.uint8)


def make_scene(kind: str, n: int, h: int = 480, w: int = 640):
    """Return ``frame(t) -> (h, w, 3) uint8`` for scene ``kind``."""
    yy, xx = np.mgrid[0:400, 0:400] / 400.0
    rng = np.random.default_rng(0)
    pts = rng.integers(10, 390, size=(120, 2))

    def frame(t: int) -> np.ndarray:
        img = np.full((h, w, 3), 255, np.uint8)
        if kind == "drift":
            s = t / max(n - 1, 1)
            field = 0.5 + 0.5 * np.tanh(4 * (np.sin(3 * xx + 2 * s) * np.cos(2 * yy - s) + (xx - 0.5) * (1 + 2 * s)))
            img[40:440, 20:420] = colormap(field, _VIRIDIS)
        else:  # boundary: converges like training
            a = 1 - np.exp(-t / 40)
            sharp = 1 + 7 * a
            f0 = xx - 0.5
            f1 = np.sin(6 * xx) * 0.3 - (yy - 0.5) + 0.2 * np.cos(9 * yy)
            p = 1 / (1 + np.exp(-sharp * 4 * ((1 - a) * f0 + a * f1)))
            img[40:440, 20:420] = colormap(p, _RDBU)
            for y, x in pts:  # data points
                img[40 + y - 2 : 40 + y + 3, 20 + x - 2 : 20 + x + 3] = (30, 30, 30)
        # loss curve up to step t (line plot with axes)
        xs = np.arange(t + 1)
        ys = np.exp(-xs / 60.0) * 0.9 + 0.05
        px = (440 + xs * 180 / n).astype(int)
        py = (440 - ys * 380).astype(int)
        for d in (-1, 0, 1):
            img[np.clip(py + d, 0, h - 1), px] = (31, 119, 180)
        img[440, 440:620] = 0
        img[60:441, 440] = 0
        return img

    return frame


def bench(path: Path, frames: list[np.ndarray], fps: float = 20, **options) -> tuple[float, int]:
    """Write ``frames`` to ``path``; return (frames per second, bytes)."""
    t0 = time.perf_counter()
    with open_writer(path, fps=fps, **options) as w:
        for i, f in enumerate(frames):
            w.write(f, step=i)
    dt = time.perf_counter() - t0
    return len(frames) / dt, path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=300)
    ap.add_argument("--out", type=Path, default=None, help="keep outputs here (default: temp dir)")
    ap.add_argument("--webm", action="store_true", help="also benchmark WebM (VP9)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = args.out or Path(tempfile.mkdtemp(prefix="nnviz-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    n = args.frames
    runs = [
        ("gif", "gif", {}),
        ("gif palette_frames", "gif", {"palette_frames": "first/mid/last"}),
        ("gif colors=64", "gif", {"palette_frames": "first/mid/last", "colors": 64}),
        ("gif tolerance=8", "gif", {"palette_frames": "first/mid/last", "tolerance": 8}),
        ("mp4 crf18 medium", "mp4", {}),
        ("mp4 crf18 veryfast", "mp4", {"preset": "veryfast"}),
    ]
    if args.webm:
        runs.append(("webm crf32 cpu4", "webm", {}))
    for scene in ("boundary", "drift"):
        make = make_scene(scene, n)
        t0 = time.perf_counter()
        frames = [make(t) for t in range(n)]
        logger.info("scene %s: %d frames 640x480 generated in %.1f s", scene, n, time.perf_counter() - t0)
        for i, (label, ext, opts) in enumerate(runs):
            if opts.get("palette_frames") == "first/mid/last":
                opts = {**opts, "palette_frames": [frames[0], frames[n // 2], frames[-1]]}
            path = out / f"{scene}-{i}.{ext}"
            fps, size = bench(path, frames, **opts)
            extra = ""
            if ext == "gif":
                info = read_gif_info(path)
                extra = f"frames={info['n_frames']} global_palette_only={info['global_palette_only']}"
            else:
                info = probe_video(path)
                extra = f"{info['codec']} {info['pix_fmt']} frames={info['n_frames']}"
            logger.info("  %-20s %7.1f frames/s %8.2f MB  %s  %s", label, fps, size / 1e6, extra, path.name)
    logger.info("outputs in %s", out)


if __name__ == "__main__":
    main()
