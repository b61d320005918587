"""Rendering speed: nnviz's frame pipeline against what a lecturer writes today.

Baseline: matplotlib ``FuncAnimation`` redrawing ``contourf`` + scatter + the loss curve every
frame (the seed-003 plotting code in a loop, :mod:`funcanimation_baseline`), saved with the stock
Pillow (GIF) and FFMpeg (MP4) writers. (``bench_process.py`` times both as whole processes.) nnviz: ``nnviz.render.animate`` on the same trace, same 120 frames, same 640x480 size,
boundary + loss curve. Both run in this one process, interleaved, the baseline ``--repeat`` times
and nnviz twice as often (it is 20x shorter); the script prints the best time of each, frames per
second and the ratio.

    .venv/bin/python benchmarks/bench_render.py [--frames 120] [--repeat 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
import matplotlib

matplotlib.use("Agg")
from funcanimation_baseline import baseline  # noqa: E402  (the lecturer's script, also run whole)
from matplotlib import animation  # noqa: E402

import nnviz  # noqa: E402
from nnviz.render import animate  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=2,
                    help="runs of the baseline (and twice as many of nnviz), best time reported")
    args = ap.parse_args()
    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    tmp = Path(tempfile.mkdtemp(prefix="nnviz-bench-"))
    trace = nnviz.train("moons", trace=tmp / "moons.h5", record="all")
    steps = [int(s) for s in trace.steps[: args.frames]]
    n = len(steps)
    print(f"moons (seed 003), {n} frames at 640x480, boundary + loss curve")
    results = {}
    for fmt in ("gif", "mp4"):
        tb, tn = [], []
        for _ in range(args.repeat):  # best of: this 2-core VM's timings wander by +-20 %
            writer = animation.PillowWriter(fps=20) if fmt == "gif" else animation.FFMpegWriter(fps=20)
            t = time.perf_counter()
            baseline(trace, steps, tmp / f"baseline.{fmt}", writer)
            tb.append(time.perf_counter() - t)
            for _ in range(2):
                t = time.perf_counter()
                animate(trace, tmp / f"nnviz.{fmt}", steps=steps, size=(640, 480), fps=20)
                tn.append(time.perf_counter() - t)
        tb, tn = min(tb), min(tn)
        results[fmt] = (tb, tn)
        sb, sn = (tmp / f"baseline.{fmt}").stat().st_size, (tmp / f"nnviz.{fmt}").stat().st_size
        print(f"{fmt}: baseline {tb:6.2f} s ({n / tb:6.1f} frames/s, {sb / 1e6:.2f} MB) | "
              f"nnviz {tn:6.2f} s ({n / tn:6.1f} frames/s, {sn / 1e6:.2f} MB) | speed-up x{tb / tn:.1f}")
    return results


if __name__ == "__main__":
    main()
