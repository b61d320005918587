"""The gallery: every seed exercise (and every renderer) as one small GIF or PNG in ``media/``.

``nnviz gallery -o media/`` regenerates every file from the table :data:`GALLERY`: a file name,
the function that renders it, the seed exercise it belongs to, and one line a lecturer can say
over it (the README's gallery section is :func:`gallery_markdown`). Training runs go to a
scratch folder, never into ``media/``. An entry whose module is not installed (manim for the
scenes) or not there yet is skipped and reported; the others are still written.

The files stay small: 480x360 or less for single runs (wider only for side-by-side comparisons,
network diagrams and the manim scenes, which keep 480p's 854 pixels so that their numbers can be
read), at most 64 frames, GIFs with one global palette and 8-band boundaries; each animation lasts
at least 4 s, its last frame held.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

__all__ = ["Entry", "GALLERY", "Result", "Skip", "render_gallery", "gallery_markdown", "find_entries",
           "MAX_FRAMES"]

log = logging.getLogger(__name__)

#: Frames of one gallery animation, hold included.
MAX_FRAMES = 64


class Skip(Exception):
    """An entry that cannot be rendered here (a module not installed or not there yet)."""


@dataclass(frozen=True)
class Entry:
    """One gallery file.

    Attributes
    ----------
    name : str
        File name in the gallery folder, e.g. ``"seed002_ode.gif"``.
    seed : str
        The seed (course notebook) it belongs to: "000" .. "004", or "all" for the renderers.
    title : str
        A few words, used as the image's alt text.
    caption : str
        One line a lecturer can say over it.
    render : callable
        ``render(path, ctx)`` writes the file; raises :class:`Skip` if it cannot here.
    command : str
        The command line that makes the same picture, for the README.
    """

    name: str
    seed: str
    title: str
    caption: str
    render: Callable
    command: str = ""


@dataclass
class Result:
    """What happened to one entry: ``status`` is "written", "skipped" or "failed"."""

    entry: Entry
    status: str
    message: str = ""
    size: int = 0
    seconds: float = 0.0
    frames: int = 0


@dataclass
class _Context:
    """Shared by the entries of one run: the scratch folder and the traces trained so far."""

    work: Path
    theme: str = "light"
    traces: dict = field(default_factory=dict)

    def trace(self, preset: str, **overrides):
        """Train ``preset`` once per gallery run (into the scratch folder) and return its trace."""
        from .sources import trace_for

        key = (preset, tuple(sorted(overrides.items())))
        if key not in self.traces:
            stem = preset + "".join(f"-{k}{v}" for k, v in sorted(overrides.items()))
            record = overrides.pop("record", None)  # None: the preset's own schedule
            self.traces[key] = trace_for(preset, self.work / f"{stem}.h5", record=record, **overrides)
        return self.traces[key]


# ---------------------------------------------------------------------------- helpers
def _need_view(name: str):
    from .render import view_class

    try:
        view_class(name)
    except ValueError:
        raise Skip(f"the {name!r} view is not available (its module is not there yet)") from None


def _story_steps(trace, n: int) -> list[int]:
    """``n`` recorded steps of ``trace``, log-spaced early, then even (what ``nnviz animate`` picks)."""
    from .render.animate import story_steps

    return story_steps(trace.steps, n)


def _movie(path, traces, views=None, *, steps=None, frames=16, size=(480, 360), fps=12, hold=1.5,
           view_options=None, labels=None, title=None, colors=64, layout=None):
    """A GIF of one or several runs: ``frames`` steps log-spaced early then even, the last one held
    for ``hold`` seconds, at ``fps`` or slower so that the GIF lasts at least
    :data:`nnviz.render.pipeline.MIN_SECONDS`.

    ``layout``, if given, is a function returning a :class:`nnviz.render.Layout` (instead of
    :func:`nnviz.render.build_layout` with ``views``).
    """
    from .render import build_layout, render
    from .render.pipeline import hold_frames, movie_fps

    traces = list(traces)
    if steps is None:
        if len(traces) == 1:
            steps = _story_steps(traces[0], frames)
        else:
            longest = max(traces, key=lambda t: int(t.steps[-1]))
            steps = sorted(set().union(*[set(_story_steps(t, frames)) for t in traces]))
            if len(steps) > frames:
                steps = _story_steps(longest, frames)
    fps = min(fps, movie_fps(len(steps), None, hold))
    steps = list(steps)[: MAX_FRAMES - hold_frames(hold, fps)]
    lay = layout() if layout is not None else build_layout(traces, views, labels, size=size, theme="light",
                                                          title=title, view_options=view_options)
    _, n = render(lay, steps, path, fps=fps, hold=hold, palette=[0, len(steps) // 2, len(steps) - 1],
                  writer_options={"colors": colors})
    return n


# ---------------------------------------------------------------------------- seed 000
def _activations(path, ctx):
    from .render.study import activations_figure

    activations_figure(path, size=(720, 400))


def _learning_rates(path, ctx):
    from .exercises import convergence_study
    from .render.study import convergence_figure

    convergence_figure(convergence_study("sample131", folder=ctx.work / "learning-rates"), path)


def _backprop_sample131(path, ctx):
    from .render.views.network import render_backprop

    return render_backprop(ctx.trace("sample131"), path, size=(960, 540), fps=6)[1]


def _sin2x_tanh(path, ctx):
    _need_view("fit")
    from .render import VIEWS, Layout

    traces = [ctx.trace("sin2x-tanh"), ctx.trace("sin2x-tanh", lr=0.003)]
    labels = ["lr 1e-4 (the tutorial's)", "lr 3e-3"]
    size = (600, 420)

    def layout():  # two fits, each titled by its learning rate (what differs), one loss panel
        fits = [VIEWS["fit"](tr, label=lab) for tr, lab in zip(traces, labels)]
        loss = VIEWS["loss"](traces[0], log=True, runs=list(zip(labels, traces)))
        return Layout([fits, [loss]], size=size, title="sin(2x), 5000 epochs",
                      row_heights=[1.0, 0.6], header=lambda k: f"step {int(k)}")

    return _movie(path, traces, size=size, layout=layout)


def _sin10x(path, ctx):
    _need_view("fit")
    rec = np.unique(np.concatenate([[0], np.round(np.geomspace(1, 3000, 22))])).astype(int)
    tr = ctx.trace("sin10x-tanh-20", record=",".join(map(str, rec)))
    return _movie(path, [tr], ["fit", "loss"], steps=[int(s) for s in tr.steps], fps=10, hold=1.2,
                  view_options={"loss": {"log": True}}, title="sin10x-tanh-20", colors=64)


# ---------------------------------------------------------------------------- seed 001
def _perceptron(path, ctx):
    tr = ctx.trace("perceptron")
    last = int(np.flatnonzero(tr.loss > 0)[-1]) + 1 if (tr.loss > 0).any() else 0   # first error-free step
    steps = [s for s in range(0, min(last, int(tr.steps[-1])) + 1)]
    frames = [s for s in steps for _ in range(3)]  # each update stays for 3 frames
    return _movie(path, [tr], ["boundary", "loss"], steps=frames, fps=4, hold=2.0,
                  title="perceptron rule")


def _xor(path, ctx):
    runs = ["xor-identity-1", "xor-identity-2", "xor-relu-1", "xor-relu-2"]
    return _movie(path, [ctx.trace(r) for r in runs], ["boundary", "loss"], size=(800, 450), fps=12,
                  labels=runs, title=" vs ".join(runs))


def _sgd_lbfgs(path, ctx):
    traces = [ctx.trace("xor-identity-1-gd"), ctx.trace("xor-identity-1-lbfgs")]
    return _movie(path, traces, ["boundary", "loss"], size=(600, 420), fps=12,
                  labels=["gradient descent", "L-BFGS"], title="one linear neuron on XOR")


def _deeper(path, ctx):
    names = ["harder-relu-50x50", "harder-tanh-30x30", "harder-sigmoid-10x10"]
    traces = [ctx.trace(n) for n in names]
    return _movie(path, traces, ["boundary"], frames=16, size=(720, 300), fps=8,
                  labels=["relu 50x50", "tanh 30x30", "sigmoid 10x10"], title="the harder data set, L-BFGS")


def _features(path, ctx):
    traces = [ctx.trace("circles-linear"), ctx.trace("circles-squares")]
    return _movie(path, traces, ["boundary", "loss"], size=(600, 420), fps=12,
                  labels=["x₁, x₂", "x₁, x₂, x₁², x₂²"], title="logistic regression + features")


def _features_harder(path, ctx):
    traces = [ctx.trace("harder-tanh-8"), ctx.trace("harder-tanh-8-features")]
    return _movie(path, traces, ["boundary", "loss"], size=(600, 420), fps=12,
                  labels=["x₁, x₂", "+ sin x, x²"], title="2-8-1 tanh + features")


def _spiral3(path, ctx):
    return _movie(path, [ctx.trace("spiral3")], ["boundary", "loss"], title="spiral3")


def _animation(preset, views=None, size=(480, 360), frames=16, fps=12, **options):
    """A single run's movie with the given views (default: the run's default views)."""
    def render(path, ctx):
        for v in views or ():
            _need_view(v)
        return _movie(path, [ctx.trace(preset, record="auto")], views, size=size, frames=frames, fps=fps,
                      title=preset, **options)
    return render


# ---------------------------------------------------------------------------- your own model
def _sklearn_sin10x(path, ctx):
    """seed 000's MLPRegressor on sin(10x), recorded by record_fit: the default ReLU and tanh."""
    try:
        from sklearn.neural_network import MLPRegressor
    except ImportError:
        raise Skip("scikit-learn is not installed") from None
    from .integrations.sklearn import record_fit

    x = np.linspace(-1, 1, 200)[:, None]
    y = np.sin(10 * x).squeeze()
    traces = [record_fit(MLPRegressor(activation=a, random_state=0), x, y, trace=ctx.work / f"sk-{a}.h5",
                         steps=1000, record="auto") for a in ("relu", "tanh")]
    return _movie(path, traces, ["fit", "loss"], size=(640, 400), fps=12, labels=["relu (default)", "tanh"],
                  title="MLPRegressor on sin(10x)")


def _torch_moons(path, ctx):
    """A plain PyTorch loop of a 2-16-16-1 tanh network on moons, recorded by TorchRecorder."""
    try:
        import torch
    except ImportError:
        raise Skip("torch is not installed") from None
    from .data import moons
    from .integrations.torch import TorchRecorder

    data = moons(n=200, noise=0.15, seed=0, encoding="01")
    X, y = torch.tensor(data.X), torch.tensor(data.labels, dtype=torch.float64)[:, None]
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                                torch.nn.Linear(16, 1)).double()
    loss_fn, opt, steps = torch.nn.BCEWithLogitsLoss(), torch.optim.SGD(model.parameters(), lr=0.5), 400
    with TorchRecorder(model, X, y, loss=loss_fn, trace=ctx.work / "torch_moons.h5", steps=steps, optimizer=opt,
                       name="PyTorch 2-16-16-1 tanh") as rec:
        for k in range(steps + 1):
            opt.zero_grad()
            value = loss_fn(model(X), y)
            value.backward()
            rec.step(k, loss=value)
            if k < steps:
                opt.step()
    return _movie(path, [rec.trace], ["boundary", "loss"], title="PyTorch 2-16-16-1 tanh")


# ---------------------------------------------------------------------------- seed 002
def _digits(path, ctx):
    _need_view("weights")
    return _movie(path, [ctx.trace("digits")], ["weights"], size=(480, 360), fps=10, title="digits")


def _cnn(views, **options):
    """A movie of seed 002's CNN (the digits-cnn preset, its own recording schedule)."""
    def render(path, ctx):
        for v in views:
            _need_view(v)
        # 255 colours: with 64 a strong orange or blue weight could be drawn in the curves' red
        return _movie(path, [ctx.trace("digits-cnn")], views, size=(480, 360), fps=10, title=None, colors=255,
                      **options)
    return render


def _grid_search(ctx):
    if "grid" not in ctx.traces:
        from .exercises import grid_search

        ctx.traces["grid"] = grid_search("digits", epochs=10, folder=ctx.work / "grid-search")
    return ctx.traces["grid"]


def _grid_png(path, ctx):
    from .render.study import grid_search_figure

    grid_search_figure(_grid_search(ctx), path)


def _grid_gif(path, ctx):
    from .render.study import grid_search_animation

    grid_search_animation(_grid_search(ctx), path, size=(480, 360), fps=6, hold=2.0)


def _sweep_png(path, ctx):
    from .render.sweep_figures import summary_figure
    from .sweeps.table import load_sweep

    gs = _grid_search(ctx)  # the grid search is a sweep: its folder holds the index
    summary_figure(load_sweep(Path(gs.paths[0, 0]).parent), path, size=(1280, 720))


def _sweep_gif(path, ctx):
    from .render.sweep_movie import animate_sweep
    from .sweeps import sweep

    out = ctx.work / "sweep-xor"
    table = sweep("xor", grid={"lr": [0.01, 0.05, 0.3], "hidden": [2, 4]}, seeds=2, out=out, steps=300)
    animate_sweep(table, path, view="grid", size=(640, 480), fps=10, max_frames=30, writer_options={"colors": 64})


def _vanishing(path, ctx):
    _need_view("gradflow")
    # every step recorded: the sigmoid network's story is its first 30 steps, which the frames
    # (log-spaced early) then show one by one
    traces = [ctx.trace("deep-sigmoid", record="all"), ctx.trace("deep-relu", record="all")]
    return _movie(path, traces, ["gradflow", "loss"], size=(600, 420), fps=10,
                  labels=["sigmoid", "ReLU"], title="6 hidden layers: sigmoid vs ReLU")


def _ode(path, ctx):
    _need_view("ode")
    return _movie(path, [ctx.trace("ode-decay")], ["ode", "loss"], fps=12,
                  view_options={"loss": {"log": True}}, title="g' = −2g, g(0) = 10")


def _backprop_moons(path, ctx):
    from .render.views.network import render_backprop

    return render_backprop(ctx.trace("moons", record="auto"), path, sample="mean", size=(960, 540), fps=6)[1]


# ---------------------------------------------------------------------------- seed 003
def _moons_grid(path, ctx):
    from .render.grid import save_grid

    save_grid(ctx.trace("moons", record="auto"), [0, 1, 3, 7, 15, 31, 63, 127], path, dpi=80)


def _landscape_moons(path, ctx):
    _need_view("landscape")
    return _movie(path, [ctx.trace("moons", record="auto")], ["boundary", "landscape", "loss"], size=(560, 420),
                  frames=36, title="moons: the loss landscape", colors=128)


def _landscape_optimisers(path, ctx):
    _need_view("landscape")
    names = ["moons-gd", "moons-momentum", "moons-adam", "moons-lbfgs"]
    return _movie(path, [ctx.trace(n) for n in names], ["landscape"], size=(640, 400), frames=40,
                  labels=["gradient descent", "momentum", "Adam", "L-BFGS"], title="four optimisers, one surface")


def _landscape_harder(path, ctx):
    _need_view("landscape")
    traces = [ctx.trace("harder-tanh-30x30-gd"), ctx.trace("harder-tanh-30x30")]
    return _movie(path, traces, ["landscape", "loss"], size=(560, 420), frames=40,
                  labels=["gradient descent", "L-BFGS"], title="the harder data set: GD against L-BFGS")


# ---------------------------------------------------------------------------- seed 004
_N_FRAMES = "1,2,3,4,5,6,8,10,12,16,20,24,32,40,48"


def _sweep(make, size=(480, 360), fps=6, title=None, hold=1.5):
    """A construction sweep of :mod:`nnviz.approx` rendered by :mod:`nnviz.render.sweeps`."""
    def render(path, ctx):
        try:
            from . import approx
            from .render.sweeps import render_sweep
        except ImportError as e:
            raise Skip(f"nnviz.approx is not available ({e})") from None
        sweep = make(approx)
        render_sweep(sweep, path, size=size, fps=fps, title=title, hold=hold, writer_options={"colors": 64})
    return render


def _seed004_example(path, ctx):
    try:
        from .approx import Sweep, seed004_example
        from .render.sweeps import render_sweep
    except ImportError as e:
        raise Skip(f"nnviz.approx is not available ({e})") from None
    # what `nnviz bumps --example` draws
    sweep = Sweep([seed004_example()], "n", [5], title="seed 004's example")
    render_sweep(sweep, path, views=["bumps"], size=(480, 360), title="seed 004's example")


def _fit_seed004(path, ctx):
    _need_view("fit")
    rec = np.unique(np.concatenate([[0], np.round(np.geomspace(1, 4000, 22))])).astype(int)
    tr = ctx.trace("seed004-fit", record=",".join(map(str, rec)))
    return _movie(path, [tr], ["fit", "loss"], steps=[int(s) for s in tr.steps], fps=10, hold=1.2,
                  view_options={"loss": {"log": True}}, title="seed004-fit", colors=64)


# ---------------------------------------------------------------------------- manim scenes
def _scene(name, seconds, preset=None, width=854):
    def render(path, ctx):
        try:
            import manim  # noqa: F401
        except Exception as e:  # not installed, or a system library missing
            raise Skip(f"manim is not installed ({type(e).__name__})") from None
        from .scenes_lib import render_scene, video_to_gif

        mp4 = ctx.work / f"scene_{name}.mp4"
        trace = str(ctx.trace(preset).path) if preset else None
        render_scene(name, mp4, trace=trace, quality="l", duration=seconds, fps=4, progress=False)

        video_to_gif(mp4, path, fps=4, width=width, colors=48)  # 854: 480p's own width, node values readable
    return render


# ---------------------------------------------------------------------------- the table
GALLERY: list[Entry] = [
    # seed 000
    Entry("seed000_activations.png", "000", "activation functions and their derivatives",
          "Each activation with its derivative: the sigmoid's slope is at most 1/4, so every sigmoid layer "
          "shrinks the backpropagated gradient at least fourfold, while ReLU passes it on unchanged where it is "
          "active.", _activations, "python examples/seed000_activations.py"),
    Entry("backprop_sample131.gif", "000", "backprop through the 1-3-1 network",
          "The first network of the course on its one sample: forward pass, error, backward pass and update, "
          "every number read from the trace; the four backprop equations light up as they are used.",
          _backprop_sample131, "nnviz backprop sample131 -o backprop.gif"),
    Entry("seed000_learning_rates.png", "000", "epochs to converge against the learning rate",
          "The same 1-3-1 network at six learning rates: 0.03 needs 101 epochs, 0.3 only 7, 1 overshoots but "
          "still converges in 15, 2 oscillates for ever and 5 diverges.",
          _learning_rates, "python examples/seed000_learning_rates.py"),
    Entry("seed000_sin2x_tanh.gif", "000", "the 1-10-1 tanh network fitting sin(2x)",
          "The tutorial's compact code, ten tanh neurons (thin curves) adding up to the fit: at its lr 1e-4 the "
          "5000 epochs leave the fit poor (cost 1.26 at init seed 0, 0.81-1.26 over seeds 0-4), at 3e-3 it is good "
          "(0.040) and at 1e-2 it diverges; "
          "the learning rate is the hyper-parameter that matters most.",
          _sin2x_tanh, "python examples/seed000_sin2x_tanh.py --neurons 10 --lr 1e-4 --epochs 5000"),
    Entry("fit_sin10x_tanh20.gif", "000", "20 tanh neurons fitting sin(10x)",
          "sin(10x) needs input weights about as large as its frequency: 20 tanh neurons, each a thin curve, "
          "assemble the five waves.", _sin10x, "nnviz animate sin10x-tanh-20 -o fit.gif"),
    Entry("sklearn_sin10x.gif", "000", "scikit-learn's MLPRegressor fitting sin(10x)",
          "The notebook's MLPRegressor with every default (100 ReLUs, Adam) and with tanh, recorded update by "
          "update by nnviz.integrations.sklearn.record_fit: after 1,000 updates ReLU reaches 0.040 and tanh "
          "0.230 (sklearn's squared error, random_state=0).", _sklearn_sin10x, "python examples/seed000_sklearn_regressor.py"),
    # seed 001
    Entry("seed001_perceptron.gif", "001", "the perceptron learning rule",
          "Seed 001's rule, β ← β + η Σ x̃ᵢtᵢ over the misclassified points (crosses in rings): the first "
          "update overshoots, and after eight updates no point is wrong, so the rule stops.",
          _perceptron, "nnviz animate perceptron -o perceptron.gif"),
    Entry("xor.gif", "001", "XOR with 1 or 2 linear or ReLU neurons",
          "Seed 001's XOR question: linear networks stay at the 0.693 of a coin toss, one ReLU gets 74.5 % (loss 0.487, init "
          "seed 8), two ReLUs solve it.", _xor,
          "nnviz animate xor-identity-1 xor-identity-2 xor-relu-1 xor-relu-2 -o xor.gif"),
    Entry("seed001_sgd_vs_lbfgs.gif", "001", "gradient descent against L-BFGS",
          "One linear neuron on XOR: gradient descent and L-BFGS reach the same place, the best a linear model "
          "can do (loss log 2 = 0.693, one class for all), L-BFGS in about ten iterations instead of hundreds.",
          _sgd_lbfgs, "nnviz animate xor-identity-1-gd xor-identity-1-lbfgs -o sgd-vs-lbfgs.gif"),
    Entry("seed001_sweep.gif", "001", "a sweep of XOR networks in step",
          "Three learning rates by two widths, two init seeds each: every cell's decision boundary (seed 0) "
          "beside the heat map of the loss at that step, the mean over both seeds. Two tanh neurons get stuck "
          "at 52-73 % from init seed 0 while seed 1 solves XOR at the two smaller rates; four solve it except "
          "at lr 0.3 from seed 1 (71 %): the seed matters as much as the settings.", _sweep_gif,
          "nnviz sweep xor --grid lr=0.01,0.05,0.3 --grid hidden=2,4 --seeds 2 --steps 300 -o sweep/ && "
          "nnviz animate sweep/ -o sweep.gif"),
    Entry("landscape_optimisers.gif", "001", "four optimisers on one loss landscape",
          "The same 2-8-1 network, data and initial weights (the moons-* presets), four optimisers, one plane "
          "(82 % of the paths' movement): after 300 steps gradient descent is at loss 0.117, momentum at 0.094 and "
          "Adam at 0.043, while L-BFGS takes a valley of its own and stops at 0.042 after 95 iterations.",
          _landscape_optimisers, "nnviz animate moons-gd moons-momentum moons-adam moons-lbfgs --view landscape -o opt.gif"),
    Entry("landscape_harder.gif", "001", "gradient descent against L-BFGS on the harder data set",
          "Exercise 3's tanh 30x30 network from one start (plane: 96 % of the paths' movement): after 600 steps "
          "gradient descent has hardly left the start, at loss 0.657 and 58 % of the training points right, while "
          "L-BFGS has travelled far across the surface to 0.168 and 98 % (85 % on the test set).",
          _landscape_harder, "nnviz animate harder-tanh-30x30-gd harder-tanh-30x30 --view landscape,loss -o harder.gif"),
    Entry("seed001_deeper.gif", "001", "deeper networks on the harder data set",
          "Exercise 3's three networks trained with L-BFGS: ReLU 50x50 and tanh 30x30 carve the checkerboard "
          "(hollow points are the held-out test set), the sigmoid 10x10 is still far behind.",
          _deeper, "nnviz animate harder-relu-50x50 harder-tanh-30x30 harder-sigmoid-10x10 -o deeper.gif"),
    Entry("seed001_features.gif", "001", "added features: x₁², x₂²",
          "Logistic regression draws one straight line and stays at 50 % on the circles; append x₁² and x₂² "
          "to the inputs and the same model separates them, because the circle is a straight cut in the new features.",
          _features, "nnviz animate circles-linear circles-squares -o features.gif"),
    Entry("seed001_features_harder.gif", "001", "added features on the harder data set",
          "Exercise 3b: the same small 2-8-1 network on the harder data set, without and with sin x and x² "
          "appended to its inputs: 73 % against 91 % on the training set, 70 % against 83 % on the test set "
          "(init seed 0; over seeds 0-4 77 % against 91 % and 71 % against 84 %).",
          _features_harder, "nnviz animate harder-tanh-8 harder-tanh-8-features -o features.gif"),
    Entry("seed001_multiclass.gif", "001", "three classes with softmax",
          "More than two classes: three spiral arms, a softmax output and cross-entropy; each colour is a class, "
          "blended by the predicted probabilities.", _spiral3, "nnviz animate spiral3 -o spiral3.gif"),
    Entry("blobs3.gif", "001", "three Gaussian classes",
          "The easy multiclass case: three blobs, a 2-8-3 network, one boundary per pair of classes.",
          _animation("blobs3", size=(400, 300)), "nnviz animate blobs3 -o blobs3.gif"),
    Entry("circles.gif", "001", "a ring around a disc",
          "Four tanh neurons bend one line into a closed curve around the inner class.",
          _animation("circles", size=(400, 300)), "nnviz animate circles -o circles.gif"),
    Entry("spiral.gif", "001", "two spirals",
          "Two interleaved spirals need two hidden layers; the boundary winds out as training goes on.",
          _animation("spiral", size=(400, 300)), "nnviz animate spiral -o spiral.gif"),
    Entry("hidden_circles-warp.gif", "001", "the hidden space of the circles network",
          "ConvNetJS's view: the input plane pushed through a 2-unit hidden layer folds until one straight line "
          "separates ring and disc.", _animation("circles-warp", ["boundary", "hidden", "loss"]),
          "nnviz animate circles-warp --view boundary,hidden,loss -o warp.gif"),
    # seed 002
    Entry("seed002_digits.gif", "002", "the digits network's hidden weights",
          "Each hidden neuron's 64 weights as an 8x8 image: they still look like their random N(0, 1) start, "
          "but their change since step 0 shows the strokes each neuron learned (never on the blank border pixels, "
          "whose gradient is zero); below, the predicted class of one test image per digit, 98.1 % right at the end (init seed 0; "
          "97.5 % over seeds 0-4).",
          _digits, "nnviz animate digits --view weights -o digits.gif"),
    Entry("seed002_cnn_filters.gif", "002", "the digits CNN's ten 3x3 filters learning",
          "Seed 002's CNN (digits-cnn, init seed 0): its ten 3x3 filters start as small truncated-normal "
          "values (|w| ≤ 0.2) and grow to ±0.99, so their change since step 0 is nearly all of them; the first "
          "gradient is the largest (±1.6 on the raw 0..16 pixels) and fades to 0.001 as the loss falls to 0.006 "
          "(98.9 % test accuracy). Filter 5 ends up silent on all 16 probe digits: a dead ReLU.",
          _cnn(["filters", "loss"]), "nnviz animate digits-cnn --view filters,loss -o filters.gif"),
    Entry("seed002_cnn_featuremaps.gif", "002", "one digit flowing through the digits CNN",
          "Probe digit 0 (a 0) through the same run: at step 0 every conv map is a faint, blurred copy of the "
          "digit and the probabilities are spread (0.29 for a 1, 0.23 for a 9, 0.03 for the 0); by step 1400 the "
          "maps pick out parts of the stroke, filters 1 and 5 stay silent on it, and P(0) is 1.00.",
          _cnn(["featuremaps"]), "nnviz animate digits-cnn --view featuremaps -o featuremaps.gif"),
    Entry("seed002_grid_search.gif", "002", "the η x λ grid search filling in",
          "Seed 002's grid search, one run per cell: too small a learning rate learns nothing in 10 epochs, too "
          "large a one saturates the sigmoids, and strong L2 regularisation flattens everything.",
          _grid_gif, "python examples/seed002_grid_search.py"),
    Entry("seed002_sweep.png", "002", "the grid search as a sweep: heat map and every loss curve",
          "The same 49 runs at 10 epochs: test accuracy per cell (diverged cells hatched) and each run's loss "
          "curve on one shared log axis, rows eta and columns lambda.", _sweep_png,
          "nnviz sweep seed002-grid --steps 140 -o grid10/"),
    Entry("seed002_grid_search.png", "002", "training and test accuracy of the grid search",
          "Training against test accuracy of the 49 runs: the best cells are close in both, so at 10 epochs "
          "the network underfits rather than overfits.", _grid_png, "python examples/seed002_grid_search.py"),
    Entry("seed002_vanishing_gradients.gif", "002", "vanishing gradients, sigmoid against ReLU",
          "Per-layer gradient norms of a network with six hidden layers: at the start the sigmoid net's gradient "
          "shrinks about tenfold per layer, from 0.56 at the output to 6·10⁻⁶ at the first layer, and it settles "
          "at loss 0.693 without learning; the ReLU net's layers get gradients of one size and it learns.",
          _vanishing, "nnviz animate deep-sigmoid deep-relu --view gradflow,loss -o deep.gif"),
    Entry("seed002_ode.gif", "002", "a network solving g' = −2g",
          "The trial solution 10 + x·N(x) meets g(0) = 10 by construction; gradient descent on the squared "
          "residual of the equation at ten points brings it onto 10·exp(−2x), the error below 1/100 everywhere.",
          _ode, "nnviz animate ode-decay --log -o ode.gif"),
    Entry("backprop_moons.gif", "003", "backprop through the moons network",
          "Seed 003's 2-50-1 network with its batch gradient: one training sample's forward pass, loss and "
          "deltas on the nodes, the gradient averaged over all 100 samples on the edges, for the 16 most "
          "important of its 50 hidden units through one full step, forward, backward and update (the other 34 "
          "behind the \"+34\").",
          _backprop_moons, "nnviz backprop moons --sample mean -o moons.gif"),
    # seed 003
    Entry("moons.gif", "003", "the moons homework",
          "The moons homework's 2-50-1 ReLU network with the perceptron error: the boundary, the misclassified "
          "points (crosses in rings) and the error, step by step.", _animation("moons", frames=30),
          "nnviz animate moons -o moons.gif"),
    Entry("landscape_moons.gif", "003", "the moons run on its loss landscape",
          "The homework's run on the plane of its path's two principal directions, which holds 91 % of the "
          "path's movement: the perceptron error falls from 0.127 to 0 by step 14, where the path stops, and the "
          "two numbers above the surface part where the run leaves the plane (step 3: 0.0103 on the plane, "
          "0.00963 recorded).", _landscape_moons, "nnviz animate moons --view boundary,landscape,loss -o landscape.gif"),
    Entry("torch_moons.gif", "003", "a PyTorch loop on the moons, recorded",
          "A plain PyTorch training loop (2-16-16-1 tanh, BCEWithLogitsLoss, SGD) with one line added, "
          "rec.step(k): nnviz stores torch's own gradients, which agree with its backprop to 1e-16.",
          _torch_moons, "python examples/torch_moons.py"),
    Entry("seed003_moons_grid.png", "003", "the homework's eight snapshots",
          "The homework's own figure: iterations 0, 1, 3, 7, 15, 31, 63 and 127, each titled with its error, "
          "drawn from one trace.", _moons_grid, "nnviz frames moons --grid -o moons-grid.png"),
    Entry("neurons_moons.gif", "003", "every hidden neuron of the moons network",
          "TensorFlow Playground's view: each hidden neuron's output over the plane, next to the decision they "
          "add up to.", _animation("moons", ["boundary", "neurons", "loss"]),
          "nnviz animate moons --view boundary,neurons,loss -o neurons.gif"),
    # seed 004
    Entry("approx_seed004_example.png", "004", "seed 004's own example network",
          "The article's network weight for weight: ten steep sigmoids at 0, .2, .2, ..., 1 make five flat bumps "
          "against σ⁻¹(f).", _seed004_example, "nnviz bumps --example -o seed004.png"),
    Entry("approx_bumps_seed004.gif", "004", "N bumps approximating f",
          "Pairs of steep sigmoids make bumps; N bumps at the midpoint heights approximate seed 004's f with "
          "error falling like 1/N.", _sweep(lambda a: a.bump_sweep("seed004", _N_FRAMES), title="bumps: seed004"),
          "nnviz bumps -n 1..48 -o bumps.gif"),
    Entry("approx_inverse_sigmoid.gif", "004", "the σ⁻¹ trick",
          "Seed 004's trick: with a sigmoid output neuron the bumps must follow σ⁻¹(f), not f.",
          _sweep(lambda a: a.bump_sweep("seed004", _N_FRAMES, output="inverse-sigmoid"),
                 title="bumps, σ⁻¹ trick: seed004"),
          "nnviz bumps --inverse-sigmoid -o inverse.gif"),
    Entry("approx_relu_hats.gif", "004", "ReLU hats",
          "N + 1 ReLUs interpolate f piecewise linearly; the error falls like 1/N².",
          _sweep(lambda a: a.relu_sweep("seed004", _N_FRAMES), title="ReLU hats: seed004"),
          "nnviz bumps --relu -o hats.gif"),
    Entry("approx_step.gif", "004", "a sigmoid neuron becoming a step",
          "σ(wx + b) with b = −ws: as w grows the neuron becomes a step at s, rising over about 4.4/w.",
          _sweep(lambda a: a.step_sweep(0.5, "1..500", max_frames=36), fps=12,
                 title="a sigmoid neuron becomes a step"), "nnviz step -o step.gif"),
    Entry("approx_steepness.gif", "004", "steepness of the bumps",
          "Ten bumps with growing w: soft sigmoids blur the bumps into each other, steep ones make the staircase.",
          _sweep(lambda a: a.bump_sweep("seed004", 10, w="1..2000", max_frames=30), size=(560, 360), fps=10,
                 title="10 bumps, w from 1 to 2000"), "nnviz bumps -n 10 -w 1..2000 -o steepness.gif"),
    Entry("approx_towers.gif", "004", "towers approximating f(x, y)",
          "Nielsen's 2-D threshold neurons, summed by quadrants so that they converge: the grid of towers "
          "approximates sin(3x)·cos(3y), the sup error falling like 1/N inside the failure windows "
          "(purple) and outside them.",
          _sweep(lambda a: a.towers_sweep("sin(3*x)*cos(3*y)", "1..16", w=2000), size=(480, 400),
                 title="towers: sin(3x)·cos(3y)"),
          "nnviz towers -o towers.gif"),
    Entry("fit_seed004.gif", "004", "a trained network on seed 004's f",
          "The same function learned instead of constructed: 40 tanh neurons trained with Adam.",
          _fit_seed004, "nnviz animate seed004-fit -o fit.gif"),
    # manim scenes (need manim; a few seconds of lecture video each)
    Entry("scene_PerceptronRule.gif", "001", "manim: the perceptron rule",
          "The perceptron rule one point at a time, as a lecture video.", _scene("PerceptronRule", 9),
          "nnviz scene PerceptronRule -o perceptron.mp4"),
    Entry("scene_BackpropFlow.gif", "002", "manim: backpropagation",
          "The network with its real weights: forward pass, backward pass, update.", _scene("BackpropFlow", 9),
          "nnviz scene BackpropFlow -o backprop.mp4"),
    Entry("scene_ConvolutionFlow.gif", "002", "manim: a convolution",
          "A filter of the trained digits CNN sliding over probe digit 0: each window's sum of products, z and "
          "relu(z), the feature map filling in, then 2x2 max-pooling; every number is the trace's (640 px wide, "
          "so that they can be read).", _scene("ConvolutionFlow", 10, "digits-cnn-small"),
          "nnviz scene ConvolutionFlow --preset digits-cnn-small -o convolution.mp4"),
    Entry("scene_DecisionBoundary.gif", "003", "manim: the decision boundary",
          "The moons boundary evolving with the loss curve, as a lecture video.",
          _scene("DecisionBoundary", 8, "moons"),
          "nnviz scene DecisionBoundary --preset moons -o boundary.mp4"),
    Entry("scene_BumpConstruction.gif", "004", "manim: the bump construction",
          "Sigmoid to step, two steps to a bump, N bumps to f.", _scene("BumpConstruction", 9),
          "nnviz scene BumpConstruction -o bumps.mp4"),
    Entry("scene_LossLandscape.gif", "001", "manim: the loss landscape in 3-D",
          "The moons-adam run rolling down its loss surface (height: the log of the cost), the camera turning "
          "once around it.", _scene("LossLandscape", 8, "moons-adam", width=640),
          "nnviz scene LossLandscape --preset moons-adam -o landscape.mp4"),
    Entry("scene_ConstructedVsTrained.gif", "004", "manim: constructed against trained",
          "The bump construction next to a trained network of the same width.", _scene("ConstructedVsTrained", 8),
          "nnviz scene ConstructedVsTrained -o versus.mp4"),
]

_SEEDS = {"000": "Seed 000: the first network, learning rates, fitting functions",
          "001": "Seed 001: perceptron, XOR, deeper networks, features, several classes",
          "002": "Seed 002: backpropagation, digits, grid search, vanishing gradients, an ODE",
          "003": "Seed 003: the moons homework",
          "004": "Seed 004: universal approximation by construction"}


def find_entries(names: Sequence[str] | None = None) -> list[Entry]:
    """The entries called ``names`` (file names, with or without suffix, or seeds "000".."004")."""
    if not names:
        return list(GALLERY)
    out = []
    for name in names:
        hits = [e for e in GALLERY if name in (e.name, e.name.rsplit(".", 1)[0], e.seed)]
        if not hits:
            import difflib

            close = difflib.get_close_matches(name, [e.name for e in GALLERY], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"no gallery entry {name!r}{hint}; see nnviz gallery --list")
        out += [e for e in hits if e not in out]
    return out


def render_gallery(output="media", names: Sequence[str] | None = None, work=None, progress: bool = False,
                   on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Render the gallery (or the entries ``names``) into the folder ``output``.

    Parameters
    ----------
    output : str or Path
        The gallery folder (created if needed).
    names : sequence of str, optional
        Only these entries (see :func:`find_entries`).
    work : str or Path, optional
        Scratch folder for the training traces (default: a temporary folder, removed at the end).
    progress : bool
        A progress bar over the entries.
    on_result : callable, optional
        Called with each :class:`Result` as soon as it is known.

    Returns
    -------
    list of Result
        One per entry: "written" (with size, seconds and frames), "skipped" (with the reason) or
        "failed" (with the error). Files are written to a temporary name and moved into place, so a
        failed entry leaves the previous file untouched.
    """
    from .nn.threads import one_blas_thread

    entries = find_entries(names)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    own_work = work is None
    work = Path(tempfile.mkdtemp(prefix="nnviz-gallery-")) if own_work else Path(work)
    work.mkdir(parents=True, exist_ok=True)
    ctx = _Context(work)
    results = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(entries), desc="gallery", unit="file", disable=None)
    quiet = logging.getLogger("nnviz")  # a diverging run is part of a lesson here, not a warning
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with one_blas_thread(), np.errstate(all="ignore"):
            for entry in entries:
                if bar is not None:
                    bar.set_postfix_str(entry.name)
                target = output / entry.name
                tmp = work / f"tmp-{entry.name}"
                t0 = time.perf_counter()
                try:
                    frames = entry.render(tmp, ctx)
                    if not tmp.exists():
                        raise RuntimeError("the entry wrote no file")
                    shutil.move(str(tmp), str(target))
                    if frames is None and target.suffix == ".gif":
                        from .export import read_gif_info

                        frames = read_gif_info(target)["n_frames"]
                    r = Result(entry, "written", size=target.stat().st_size, seconds=time.perf_counter() - t0,
                               frames=int(frames or 1))
                except Skip as e:
                    r = Result(entry, "skipped", str(e))
                except Exception as e:  # one broken entry must not stop the others
                    log.debug("gallery entry %s failed", entry.name, exc_info=True)
                    r = Result(entry, "failed", f"{type(e).__name__}: {e}".splitlines()[0],
                               seconds=time.perf_counter() - t0)
                results.append(r)
                if on_result is not None:
                    on_result(r)
                if bar is not None:
                    bar.update(1)
    finally:
        quiet.setLevel(level)
        if bar is not None:
            bar.close()
        for tr in ctx.traces.values():
            close = getattr(tr, "close", None)
            if close is not None:
                close()
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
    return results


def gallery_markdown(folder: str = "media", entries: Sequence[Entry] | None = None) -> str:
    """The README's gallery section: one heading per seed, each file with its line and command."""
    entries = list(entries or GALLERY)
    lines = ["## Gallery", "",
             f"`nnviz gallery -o {folder}/` regenerates every file below (`--list` lists them, "
             "`--only NAME` renders one).", ""]
    for seed, heading in _SEEDS.items():
        chosen = [e for e in entries if e.seed == seed]
        if not chosen:
            continue
        lines += [f"### {heading}", ""]
        for e in chosen:
            lines += [f"![{e.title}]({folder}/{e.name})", "", f"{e.caption} `{e.command}`", ""]
    return "\n".join(lines).rstrip() + "\n"
