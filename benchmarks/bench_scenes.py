"""Benchmark the manim scenes (and make the GIFs in media/).

    python benchmarks/bench_scenes.py                 # the two targets of issue #7, 10 s at 480p15
    python benchmarks/bench_scenes.py --all           # every scene at its default length
    python benchmarks/bench_scenes.py --media media   # (re)make media/scene_*.gif instead
    python benchmarks/bench_scenes.py --media media BackpropFlow   # just one of them

Targets (2-core machine): BackpropFlow of a 2-8-8-1 network, 10 s at 480p15, under 30 s;
DecisionBoundary for moons, 10 s at 480p15, under 30 s. Timings are for the render itself
(traces are trained beforehand and timed separately); "cpu" is this process's CPU time, which
other work on the machine does not inflate.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BACKPROP_288 = {
    "name": "backprop-moons",
    "data": {"name": "moons", "n": 100, "noise": 0.1, "seed": 0},
    "model": {"hidden": [8, 8], "activation": "tanh"},
    "train": {"steps": 60, "lr": 0.1, "record": "all"},
}
TARGET_S = 30.0

# scene -> (what to train, or None for a construction; seconds for the benchmark; seconds for the GIF)
RUNS = {
    "BackpropFlow": (BACKPROP_288, 10.0, 12.0),
    "DecisionBoundary": ("moons", 10.0, 7.0),
    "BumpConstruction": (None, 28.0, 14.0),
    "ConstructedVsTrained": ("constructed-vs-trained", 16.0, 8.0),
    "PerceptronRule": (None, 20.0, 10.0),
}


# README GIFs: 8 frames/s, 560 px wide, 128 colours, pixels rewritten only after moving 10 levels
# (nnviz.scenes_lib.video_to_gif): a few hundred kB each (640 px, 10 fps, 255 colours and every
# change: 1-2 MB per GIF)
GIF_OPTIONS = {"fps": 8, "width": 560, "colors": 128, "tolerance": 10}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenes", nargs="*", metavar="SCENE", help="only these scenes")
    ap.add_argument("--all", action="store_true", help="benchmark every scene, not only the two targets")
    ap.add_argument("--quality", default="l", help="manim quality letter (default l: 480p15)")
    ap.add_argument("--media", default=None, metavar="DIR", help="write DIR/scene_<name>.gif instead of timing")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    import manim  # noqa: F401

    import nnviz
    from nnviz.scenes_lib import render_scene, video_to_gif
    from nnviz.scenes_lib.bumps import ConstructedVsTrained

    print(f"manim {manim.__version__}, nnviz {nnviz.__version__}; import {time.perf_counter() - t:.2f} s")
    import imageio_ffmpeg
    names = list(RUNS) if (args.all or args.media) else ["BackpropFlow", "DecisionBoundary"]
    if args.scenes:
        unknown = set(args.scenes) - set(RUNS)
        if unknown:
            ap.error(f"unknown scene(s) {', '.join(sorted(unknown))}; choose from {', '.join(RUNS)}")
        names = args.scenes
    ok = True
    with tempfile.TemporaryDirectory(prefix="nnviz-bench-scenes-") as tmp:
        tmp = Path(tmp)
        for name in names:
            spec, seconds, gif_seconds = RUNS[name]
            trace = None
            if spec is not None:
                if spec == "constructed-vs-trained":
                    spec = ConstructedVsTrained.default_spec
                t = time.perf_counter()
                trace = tmp / f"{name}.h5"
                tr = nnviz.train(spec, trace=trace, record=spec["train"].get("record", "auto")
                                 if isinstance(spec, dict) else "auto")
                arch = "-".join(map(str, tr.sizes))
                tr.close()
                print(f"{name:<21} trained {arch} in {time.perf_counter() - t:.2f} s")
            if args.media:
                mp4 = tmp / f"{name}-gif.mp4"
                render_scene(name, mp4, trace=trace, quality="l", duration=gif_seconds, progress=False)
                gif = Path(args.media) / f"scene_{name}.gif"
                size = video_to_gif(mp4, gif, **GIF_OPTIONS)
                print(f"{name:<21} wrote {gif} ({size / 1e3:.0f} kB)", flush=True)
                continue
            out = tmp / f"{name}.mp4"
            t, c = time.perf_counter(), time.process_time()
            render_scene(name, out, trace=trace, quality=args.quality, duration=seconds, progress=False)
            wall, cpu = time.perf_counter() - t, time.process_time() - c
            n = imageio_ffmpeg.count_frames_and_secs(str(out))[0]
            line = (f"{name:<21} {seconds:4.0f} s of video, {n} frames at -q{args.quality}: "
                    f"{wall:6.2f} s wall, {cpu:6.2f} s cpu, {n / wall:5.1f} frames/s")
            if name in ("BackpropFlow", "DecisionBoundary") and args.quality == "l" and seconds == 10:
                passed = wall < TARGET_S
                ok &= passed
                line += f"  [target < {TARGET_S:.0f} s: {'ok' if passed else 'MISSED'}]"
            print(line, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
