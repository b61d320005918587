"""Benchmark the backprop flow: a 2-8-8-1 network, 60 steps x 6 phases at 1280x720.

Trains the network (tanh, noisy moons, every step recorded), then renders the six coarse phases
of every step (forward, loss, output error, backward, gradients, update: 360 frames) through the
network view and its equations, first frames only, then into an MP4 or a GIF.

Run: ``python benchmarks/bench_backprop.py [--steps 60] [--size 1280x720] [--out DIR] [--gif]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nnviz  # noqa: E402
from nnviz.export import open_writer  # noqa: E402
from nnviz.render.animate import header_text  # noqa: E402
from nnviz.render.layout import Layout, parse_size  # noqa: E402
from nnviz.render.views.network import NetworkView, backprop_frames  # noqa: E402

SPEC = {
    "name": "bench-2-8-8-1",
    "data": {"name": "moons", "n": 100, "noise": 0.1, "seed": 0},
    "model": {"hidden": [8, 8], "activation": "tanh"},
    "train": {"steps": 60, "lr": 0.1, "record": "all"},
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--out", default=None, help="folder for the trace and the movie (default: a temp dir)")
    ap.add_argument("--gif", action="store_true", help="write a GIF instead of an MP4")
    args = ap.parse_args(argv)
    size = parse_size(args.size)
    out = Path(args.out or tempfile.mkdtemp(prefix="nnviz-bench-"))
    out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    spec = dict(SPEC, train=dict(SPEC["train"], steps=args.steps))
    trace = nnviz.train(spec, trace=out / "bench.h5")
    t_train = time.perf_counter() - t0
    keys = backprop_frames(trace, [int(s) for s in trace.steps[: args.steps]], detail="phases", later="full")
    print(f"network {'-'.join(map(str, trace.sizes))}, {args.steps} steps x 6 phases = {len(keys)} frames "
          f"at {size[0]}x{size[1]} (training: {t_train:.2f} s)")

    def layout():
        return Layout([[NetworkView(trace, equations=True)]], size=size, title="2-8-8-1 backprop",
                      header=header_text(trace))

    t0, c0 = time.perf_counter(), time.process_time()
    n = sum(1 for _ in layout().frames(keys))
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"frames only : {dt:6.2f} s   {n / dt:6.1f} frames/s   (CPU {cpu:.2f} s: {1e3 * cpu / n:.1f} ms a frame)")

    path = out / ("bench_backprop.gif" if args.gif else "bench_backprop.mp4")
    t0 = time.perf_counter()
    try:
        with open_writer(path, fps=20) as w:
            for i, (_, frame) in enumerate(layout().frames(keys)):
                w.write(frame, step=i)
    except Exception as e:  # e.g. no ffmpeg for MP4
        print(f"writer      : skipped ({e})")
        return
    dt = time.perf_counter() - t0
    print(f"{path.suffix[1:]:<12}: {dt:6.2f} s   {n / dt:6.1f} frames/s   {path.stat().st_size / 1e6:.2f} MB  ({path})")


if __name__ == "__main__":
    main()
