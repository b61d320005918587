"""The hand-written baseline: what a lecturer writes today to animate a trace (seed 003's plot in a
FuncAnimation loop), as a script of its own so that it can be timed as a whole process.

    python benchmarks/funcanimation_baseline.py TRACE.h5 OUT.gif [--frames 120]

It reads the trace with nnviz (the only way to get the recorded weights), clears and redraws
``contourf`` + scatter + the loss curve every frame, and saves with matplotlib's stock Pillow
(GIF) or FFMpeg (MP4) writer. ``bench_render.py`` imports :func:`baseline` from here.
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation  # noqa: E402


def baseline(trace, steps, path, writer):
    """The lecturer's version: clear and redraw everything each frame."""
    X, T = trace.data.X, trace.data.labels
    lo, hi = X.min(0) - 0.5, X.max(0) + 0.5
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 100), np.linspace(lo[1], hi[1], 100))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(6.4, 4.8), dpi=100)

    def draw(i):
        k = steps[i]
        ax.clear()
        ax2.clear()
        Yg = trace.model_at(k)(grid)[:, 0].reshape(g1.shape)
        ax.contourf(g1, g2, Yg, levels=[-100, 0, 100], colors=["#0088FF", "#FF8800"], alpha=0.4)
        ax.contour(g1, g2, Yg, levels=[0], colors="black", linestyles="dashed")
        ax.scatter(*X[T == 0].T, color="#0088FF", s=12)
        ax.scatter(*X[T == 1].T, color="#FF8800", s=12)
        ax.set_title(f"It: {k}, Error: {trace.loss[k]:.3f}")
        ax2.plot(trace.all_steps, trace.loss, color="k")
        ax2.axvline(k, color="r")
        ax2.set_xlabel("step")

    anim = animation.FuncAnimation(fig, draw, frames=len(steps))
    anim.save(path, writer=writer)
    plt.close(fig)


def writer_for(path, fps=20):
    """matplotlib's stock writer for ``path``'s suffix."""
    if str(path).endswith(".gif"):
        return animation.PillowWriter(fps=fps)
    import imageio_ffmpeg

    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    return animation.FFMpegWriter(fps=fps)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("output")
    ap.add_argument("--frames", type=int, default=120)
    args = ap.parse_args(argv)
    import nnviz

    trace = nnviz.load_trace(args.trace)
    steps = [int(s) for s in trace.steps[: args.frames]]
    baseline(trace, steps, args.output, writer_for(args.output))


if __name__ == "__main__":
    main()
