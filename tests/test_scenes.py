"""The manim scenes: their numpy parts, `nnviz scene`, and headless renders of every scene.

Renders are small (480p, a last frame or a few frames at 5 fps) and go under tmp_path; the whole
file takes well under a minute. Tests that render need manim and skip only when it cannot import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import nnviz
from nnviz.cli import cli
from nnviz.data import TARGETS, linear
from nnviz.scenes_lib import SCENES, scene_options, using
from nnviz.approx import bump_network
from nnviz.render.views.boundary import evaluate_steps, field_colors, grid_for
from nnviz.render.style import THEMES
from nnviz.scenes_lib.compute import (conv_walkthrough, default_step_weight, half_planes, perceptron_rule, shown_units,
                                      signed_scale)

REPO = Path(__file__).resolve().parents[1]

# manim 0.22 calls Image.fromarray(..., mode="RGBA") on a float array; Pillow 12 warns, Pillow 13 fails
pytestmark = pytest.mark.filterwarnings("ignore:'mode' parameter:DeprecationWarning")


# ---------------------------------------------------------------- small traces, trained once
@pytest.fixture(scope="module")
def traces(tmp_path_factory):
    d = tmp_path_factory.mktemp("traces")
    moons = nnviz.train({"data": {"name": "moons", "n": 40, "noise": 0.1},
                         "model": {"hidden": [4, 3]}, "train": {"steps": 12, "record": "all"}},
                        trace=d / "moons.h5")
    wide = nnviz.train({"data": {"name": "moons", "n": 30}, "model": {"hidden": [40], "activation": "relu"},
                        "train": {"steps": 5, "record": "all"}}, trace=d / "wide.h5")
    fit = nnviz.train({"data": {"name": "seed004", "n": 60}, "model": {"hidden": [6], "activation": "sigmoid",
                                                                        "output": "identity"},
                       "train": {"optimizer": "adam", "lr": 0.05, "steps": 40, "record": "every:10"}},
                      trace=d / "fit.h5")
    cnn = nnviz.train("digits-cnn-small", trace=d / "cnn.h5", steps=8, record="every:4")
    # the widest layers whose unit values BackpropFlow prints (8 units): its smallest numbers
    eight = nnviz.train({"data": {"name": "moons", "n": 30}, "model": {"hidden": [8, 8]},
                         "train": {"steps": 3, "record": "all"}}, trace=d / "eight.h5")
    for tr in (moons, wide, fit, cnn, eight):
        tr.close()
    return {"moons": d / "moons.h5", "wide": d / "wide.h5", "fit": d / "fit.h5", "cnn": d / "cnn.h5",
            "eight": d / "eight.h5"}


@pytest.fixture(scope="module")
def manim():
    """Tests that render need manim; they skip only when it cannot be imported."""
    return pytest.importorskip("manim")


@pytest.fixture
def tmpdir_inside(tmp_path, monkeypatch):
    """Point tempfile (where render_scene works) into tmp_path; yield the folder."""
    import tempfile

    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    return work


# ---------------------------------------------------------------- numpy parts (no manim)
def test_shown_units_truncates_wide_layers():
    assert shown_units(16) == (list(range(16)), None)
    units, slot = shown_units(50)
    assert len(units) == 15 and units[:8] == list(range(8)) and units[8:] == list(range(43, 50)) and slot == 8


def test_perceptron_rule_updates_only_misclassified_points_and_converges():
    d = linear(n=40, margin=0.3, seed=0)
    X, t = d.X, d.y.ravel()
    betas, visited, converged = perceptron_rule(X, t, eta=0.1, seed=1)
    assert converged and len(visited) == len(betas) - 1 > 0
    Xt = np.hstack([np.ones((len(X), 1)), X])
    for k, i in enumerate(visited):
        assert np.sign(Xt[i] @ betas[k]) != t[i]                     # the point was on the wrong side
        np.testing.assert_allclose(betas[k + 1], betas[k] + 0.1 * t[i] * Xt[i])
    assert np.all(np.sign(Xt @ betas[-1]) == t)


def test_half_planes_split_the_box():
    box = (-1, 1, -1, 1)

    def area(p):
        x, y = p[:, 0], p[:, 1]
        return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) if len(p) >= 3 else 0.0

    pos, neg = half_planes([0.2, 1.0, -0.5], box)
    assert area(pos) + area(neg) == pytest.approx(4.0)
    assert np.all(0.2 + pos @ [1.0, -0.5] >= -1e-12) and np.all(0.2 + neg @ [1.0, -0.5] <= 1e-12)
    pos, neg = half_planes([5.0, 0.1, 0.1], box)  # the line misses the box
    assert area(pos) == pytest.approx(4.0) and len(neg) == 0


def test_bump_network_is_seed_004s_construction():
    f = TARGETS["seed004"].f
    net = bump_network(f, 10, interval=(0.0, 1.0), w=default_step_weight(10))   # as the bump scenes build it
    assert net.sizes == [1, 20, 1]
    # away from the ends (where the library moves the outer steps), the output is the staircase
    # of f at the bin middles: bump k covers [k/10, (k+1)/10]
    x = np.array([0.05, 0.35, 0.55, 0.75, 0.95])   # bin middles, far from the steps
    stairs = f((np.floor(x * 10) + 0.5) / 10)
    np.testing.assert_allclose(net(x[:, None]).ravel(), stairs, atol=1e-3)
    err = [np.max(np.abs(bump_network(f, n, interval=(0, 1), w=default_step_weight(n))(x[:, None]).ravel() - f(x)))
           for n in (5, 40)]
    assert err[1] < err[0]


def test_scene_outputs_match_the_trace(traces):
    # what DecisionBoundary and ConstructedVsTrained compute their pictures from
    with nnviz.load_trace(traces["moons"]) as tr:
        X = tr.data.X[:5]
        out = evaluate_steps(tr, tr.steps, X, out_dtype=np.float64)
        for k in (0, 7, tr.final_step):
            np.testing.assert_allclose(out[k], tr.model_at(k)(X), atol=1e-12)
        xs, ys, grid = grid_for(tr.data.X, 40, margin=0.08, max_aspect=1.25)
        rgb = field_colors(evaluate_steps(tr, [0], grid, dtype=np.float32)[0], tr.data.encoding, THEMES["dark"])
        assert rgb.shape == (len(grid), 3) and rgb.dtype == np.uint8
        # a diverged step (NaN outputs) shows as "no opinion", the panel colour
        nan = field_colors(np.full((2, 1), np.nan, np.float32), tr.data.encoding, THEMES["dark"])
        assert (nan == [0x2A, 0x2D, 0x34]).all()  # THEMES["dark"].panel
    assert signed_scale([0.0, -3.0, 1.0], q=100) == 3.0


def test_decision_boundary_counts_agree_with_the_accuracy_it_shows(manim, traces, tmp_path):
    # the scene's misclassified count (crosses in rings) and its accuracy readout tell one story
    from nnviz.formatting import percent
    from nnviz.scenes_lib.boundary import BoundaryData, _cross_points
    from nnviz.scenes_lib.common import FastNumber

    with nnviz.load_trace(traces["moons"]) as tr:
        B = BoundaryData(tr, 24)
        n = len(tr.data.X)
        acc = np.asarray(tr.accuracy)[np.searchsorted(tr.all_steps, B.steps)]
        np.testing.assert_allclose(1 - B.wrong.sum(1) / n, acc, atol=1e-9)
        assert B.wrong[-1].sum() > 0  # this run ends with points wrong: the crosses are drawn
    # the readout is the formatter's text: 299 of 300 is "99.7%", never a rounded "100%"
    with manim.tempconfig({"media_dir": str(tmp_path)}):  # manim caches the glyphs' SVG under media_dir
        num = FastNumber(299 / 300, formatter=percent)
    assert sum(len(slot.points) > 0 for slot in num.slots) == len("99.7%")
    # a cross is a closed outline as wide as the disc it replaces
    pts = _cross_points(0.1)
    assert np.allclose(pts[0], pts[-1]) and 0.2 < np.ptp(pts[:, 0]) < 0.3


def test_conv_walkthrough_is_the_traces_convolution(traces):
    # what ConvolutionFlow draws: the trace's digit, filter and recorded maps, and sums that equal them
    with nnviz.load_trace(traces["cnn"]) as tr:
        w = conv_walkthrough(tr)
        k = tr.final_step
        assert w.step == k == 8 and w.sample == 0 and w.pad == 1
        a1, pool = tr.activations(k)[0][0], tr.activations(k)[1][0]
        assert w.filt == int(np.argmax(a1.reshape(10, -1).max(axis=1)))   # the strongest map of the digit
        np.testing.assert_array_equal(w.x.ravel(), tr.data.X[tr.probe_index[0]])
        W, b = tr.params(k)[0]
        np.testing.assert_array_equal(w.W, W[w.filt, 0])
        assert w.b == b[w.filt]
        np.testing.assert_array_equal(w.z, tr.preactivations(k)[0][0, w.filt])
        np.testing.assert_array_equal(w.a, a1[w.filt])
        np.testing.assert_allclose(w.window_sums, w.z, rtol=0, atol=1e-12)   # the sliding dot product is the map
        np.testing.assert_array_equal(w.a, np.maximum(w.z, 0))               # relu
        np.testing.assert_array_equal(w.pooled, pool[w.filt])
        windows = w.a.reshape(4, 2, 4, 2).max(axis=(1, 3))
        np.testing.assert_array_equal(w.pooled, windows)                     # 2x2 max-pooling
        for i in range(4):
            for j in range(4):
                assert w.a[tuple(w.argmax[i, j])] == w.pooled[i, j]
                assert w.argmax[i, j, 0] // 2 == i and w.argmax[i, j, 1] // 2 == j
        other = conv_walkthrough(tr, 4, sample=3, filt=7)
        assert (other.step, other.sample, other.filt) == (4, 3, 7)
        with pytest.raises(ValueError, match="filter must be 0..9"):
            conv_walkthrough(tr, filt=10)


def _rgb(color):
    """"#RRGGBB" -> [R, G, B]."""
    return [int(color[i:i + 2], 16) for i in (1, 3, 5)]


def _write_video(path, frames, fps=5):
    import imageio_ffmpeg

    h, w = frames[0].shape[:2]
    writer = imageio_ffmpeg.write_frames(str(path), (w, h), fps=fps, macro_block_size=16)
    writer.send(None)
    for f in frames:
        writer.send(np.ascontiguousarray(f))
    writer.close()


def test_scene_gif_keeps_the_scenes_meaningful_colours(tmp_path):
    """A scene's GIF (small palette, from an H.264 video) shows the delta pink and the sign colours
    exactly, not merged into a neighbour; a colour the clip does not show takes no palette slot."""
    from nnviz.scenes_lib import video_to_gif
    from nnviz.scenes_lib.palette import DELTA, NEG, POS, SCENE_COLORS

    h, w = 96, 128
    ramp = np.linspace(0, 255, w, dtype=np.uint8)
    frame = np.stack([np.tile(ramp, (h, 1)), np.tile(ramp[::-1], (h, 1)), np.full((h, w), 90, np.uint8)], -1)
    for k, c in enumerate((DELTA, POS, NEG)):
        frame[8:40, 8 + 40 * k:40 + 40 * k] = _rgb(c)
    video = tmp_path / "clip.mp4"
    _write_video(video, [frame] * 5)
    out = tmp_path / "clip.gif"
    video_to_gif(video, out, colors=16)
    im = Image.open(out)
    palette = np.array(im.getpalette()[: 3 * 256]).reshape(-1, 3)
    gif = np.asarray(im.convert("RGB"))
    for c in (DELTA, POS, NEG):
        assert (palette == _rgb(c)).all(axis=1).any(), c
        assert (gif[20, :] == _rgb(c)).all(axis=1).sum() >= 20, c     # most of its square, exactly
    unused = [c for c in SCENE_COLORS if c not in (DELTA, POS, NEG)]
    assert sum((palette == _rgb(c)).all(axis=1).any() for c in unused) <= 2


def test_scene_gif_clears_what_faded_into_the_background(tmp_path):
    """A caption faded out leaves no ghost in the GIF, though the video's background around it is
    a few levels off (the GIF rewrites a pixel only once it moved more than 10 levels)."""
    from nnviz.scenes_lib import video_to_gif
    from nnviz.scenes_lib.palette import BG

    bg = np.array(_rgb(BG), np.uint8)
    rng = np.random.default_rng(0)
    frames = []
    for level in (200, 200, 120, 34, 26, 25, 25):   # the last steps: within 10 of the one before
        f = np.tile(bg, (96, 128, 1))
        f[32:64, 32:96] = np.clip(bg.astype(int) + (level - 22) + rng.integers(-2, 3, (32, 64, 3)), 0, 255)
        frames.append(f)
    video, out = tmp_path / "fade.mp4", tmp_path / "fade.gif"
    _write_video(video, frames)
    video_to_gif(video, out, colors=16)
    im = Image.open(out)
    im.seek(im.n_frames - 1)
    last = np.asarray(im.convert("RGB")).astype(int)
    assert np.abs(last[36:60, 36:92] - last[4, 4]).max() == 0     # the square is the background again


def test_scene_options_environment_and_override(monkeypatch, tmp_path):
    monkeypatch.setenv("NNVIZ_TRACE", "from-env.h5")
    monkeypatch.setenv("NNVIZ_DURATION", "7.5")
    assert scene_options().trace == "from-env.h5" and scene_options().duration == 7.5
    with using(preset="sample131", duration=3):
        o = scene_options()
        assert (o.trace, o.preset, o.duration) == (None, "sample131", 3.0)
    assert scene_options().trace == "from-env.h5"
    with pytest.raises(ValueError):
        with using(trace="a.h5", preset="moons"):
            pass


# ---------------------------------------------------------------- `nnviz scene` errors
@pytest.mark.parametrize("args, message", [
    (["BackpropFlow", "--trace", "{moons}", "--preset", "moons"], "not both"),
    (["BumpConstruction", "--preset", "moons"], "reads no trace"),
    (["PerceptronRule", "-o", "{tmp}/out.txt"], "unsupported output type '.txt'"),
    (["BackpropFlow", "-o", "{tmp}/missing/out.mp4"], "does not exist"),
    (["NoSuchScene"], "Invalid value"),
])
def test_scene_command_rejects_bad_arguments_before_any_work(args, message, traces, tmp_path):
    args = [a.format(tmp=tmp_path, **traces) for a in args]
    r = CliRunner().invoke(cli, ["scene", *args])
    assert r.exit_code != 0
    assert message in r.output and "Traceback" not in r.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("scene, source, message", [
    ("DecisionBoundary", "fit", "needs a classifier with 2 inputs"),
    ("ConstructedVsTrained", "moons", "with one hidden layer"),
    ("ConvolutionFlow", "moons", "needs a convolutional trace"),
    ("BackpropFlow", "cnn", "needs a fully connected network"),
])
def test_scene_command_rejects_a_trace_the_scene_cannot_draw(manim, scene, source, message, traces, tmp_path):
    r = CliRunner().invoke(cli, ["scene", scene, "--trace", str(traces[source]), "-o", str(tmp_path / "x.mp4")])
    assert r.exit_code == 1
    assert message in r.output and "Traceback" not in r.output


def test_scene_command_without_manim(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "manim", None)  # import manim now fails
    r = CliRunner().invoke(cli, ["scene", "PerceptronRule", "-o", str(tmp_path / "p.mp4")])
    assert r.exit_code == 1
    assert "pip install 'nnviz[manim]'" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "p.mp4").exists()


# ---------------------------------------------------------------- rendering
def _check_image(frame, size=(480, 854), min_std=12.0):
    assert frame.shape[:2] == size
    assert frame[..., :3].std() > min_std  # not blank


def _read_png(path):
    import imageio.v3 as iio

    return iio.imread(path)


def _read_video(path):
    import imageio_ffmpeg

    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    w, h = meta["size"]
    frames = [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in gen]
    return frames, meta


# ---------------------------------------------------------------- text large enough for a lecture hall
_DL, _UR = np.array([-1.0, -1.0, 0.0]), np.array([1.0, 1.0, 0.0])   # manim's DL and UR, without manim


class _Watch:
    """What a scene class shows: every text and number, collected before and after each ``play``
    and ``wait`` (captions that come and go count, not only the last frame), and the scene itself."""

    def __init__(self, monkeypatch, cls):
        from manim import Text

        from nnviz.scenes_lib.common import FastNumber, Readout

        self.scene, self.seen = None, {}

        def texts(m):
            if isinstance(m, (Text, FastNumber, Readout)):   # a Readout's parts are pieces of one Text
                yield m
            else:
                for s in m.submobjects:
                    yield from texts(s)

        def grab(scene):
            self.scene = scene
            for top in scene.mobjects:
                self.seen.update((id(m), m) for m in texts(top))

        def watched(method):
            def run(scene, *args, **kwargs):
                grab(scene)
                method(scene, *args, **kwargs)
                grab(scene)
            return run

        monkeypatch.setattr(cls, "play", watched(cls.play))
        monkeypatch.setattr(cls, "wait", watched(cls.wait))

    @property
    def texts(self):
        return list(self.seen.values())


def _label(m):
    return getattr(m, "original_text", None) or f"{type(m).__name__} {getattr(m, 'value', '')}"


def _check_text_sizes(shown, frame_width, frame_height):
    """Every text and number at least SMALLEST_FONT (the pictures' smallest text, 10 px at 480p: above
    2 % of the frame height at every quality, as manim scales text with the frame), inside the frame."""
    from nnviz.scenes_lib.common import SMALLEST_FONT, font_px

    for h in (480, 720, 1080, 2160):
        assert font_px(SMALLEST_FONT, h) >= 0.02 * h
    assert len(shown) >= 5
    fw, fh = frame_width / 2, frame_height / 2
    for m in shown:
        size = m.font_size
        assert size >= SMALLEST_FONT - 1e-6, (f"{_label(m)!r}: font size {size:.1f}, {font_px(size, 480):.1f} px "
                                             f"at 480p (< {font_px(SMALLEST_FONT, 480):.1f})")
        (x0, y0, _), (x1, y1, _) = m.get_corner(_DL), m.get_corner(_UR)
        assert -fw <= x0 and x1 <= fw and -fh <= y0 and y1 <= fh, f"{_label(m)!r} is clipped by the frame"


def _check_unit_values_fit(scene):
    """Every value BackpropFlow prints in a unit (activations at every step, the deltas) lies inside it."""
    r = scene.radius
    for l in range(1, scene.L + 1):
        for j, (num, circle) in enumerate(zip(scene.node_nums[l], scene.nodes[l])):
            u = scene.shown[l][0][j]
            centre = circle.get_center()
            for v in [*scene.A[l - 1][:, u], scene.D[l - 1][0, u]]:
                num.set_value(v)
                (x0, y0, _), (x1, y1, _) = num.get_corner(_DL), num.get_corner(_UR)
                corners = np.array([[x0, y0], [x0, y1], [x1, y0], [x1, y1]]) - centre[:2]
                assert np.hypot(*corners.T).max() <= r, f"{v:.2f} overflows unit {u} of layer {l}"


@pytest.mark.parametrize("name, source", [
    ("BackpropFlow", "moons"),
    ("BackpropFlow", "eight"),
    ("BackpropFlow", "wide"),
    ("DecisionBoundary", "moons"),
    ("BumpConstruction", None),
    ("ConstructedVsTrained", "fit"),
    ("PerceptronRule", None),
    ("LossLandscape", "moons"),
    ("ConvolutionFlow", "cnn"),
])
def test_every_scene_renders_a_last_frame(manim, traces, tmp_path, tmpdir_inside, monkeypatch, name, source):
    """A last frame of every scene decodes; its every text is large enough for a lecture hall."""
    from nnviz.scenes_lib import render_scene, scene_class

    watch = _Watch(monkeypatch, scene_class(name))
    out = render_scene(name, tmp_path / f"{name}.png", trace=traces[source] if source else None, quality="l",
                       progress=False)
    _check_image(_read_png(out))
    assert list(tmpdir_inside.iterdir()) == []  # the work folder is gone
    _check_text_sizes(watch.texts, manim.config.frame_width, manim.config.frame_height)
    if source == "eight":   # the widest layers with values printed in their units: the smallest numbers
        assert watch.scene.small and watch.scene.node_size >= 14
        _check_unit_values_fit(watch.scene)


def test_backprop_video_decodes(manim, traces, tmp_path, tmpdir_inside):
    from nnviz.scenes_lib import render_scene

    out = render_scene("BackpropFlow", tmp_path / "bp.mp4", trace=traces["moons"], quality="l", duration=2.0,
                       fps=5, progress=False)
    frames, meta = _read_video(out)
    assert meta["size"] == (854, 480) and 8 <= len(frames) <= 20
    _check_image(frames[-1])
    # the network changes during the clip: the first and last frames differ
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1


def test_convolution_video_decodes_and_shows_the_traces_numbers(manim, traces, tmp_path):
    from nnviz.scenes_lib import QUALITIES, scene_class

    settings = {"quality": QUALITIES["l"][0], "media_dir": str(tmp_path / "media"), "disable_caching": True,
                "format": "mp4", "verbosity": "WARNING", "progress_bar": "none", "frame_rate": 5}
    with using(trace=traces["cnn"], duration=3.0), manim.tempconfig(settings):
        scene = scene_class("ConvolutionFlow")()
        scene.render()
        out = scene.output_plan.primary_artifact
    frames, meta = _read_video(out)
    assert meta["size"] == (854, 480) and 10 <= len(frames) <= 25
    _check_image(frames[-1])
    assert np.abs(frames[len(frames) // 3].astype(int) - frames[-1].astype(int)).mean() > 1  # the maps fill in
    # every number the scene put on screen is the trace's
    shown = scene.shown
    with nnviz.load_trace(traces["cnn"]) as tr:
        k, f = tr.final_step, scene.walk.filt
        x = tr.data.X[tr.probe_index[0]].reshape(8, 8)
        W, b = tr.params(k)[0]
        z, a, pooled = tr.preactivations(k)[0][0, f], tr.activations(k)[0][0, f], tr.activations(k)[1][0, f]
    kinds = {}
    for key, v in shown.items():
        kinds[key[0]] = kinds.get(key[0], 0) + 1
        what, at = key[0], key[1:]
        expected = {"x": lambda: x[at], "W": lambda: W[f, 0][at], "b": lambda: b[f], "z": lambda: z[at],
                    "a": lambda: a[at], "pooled": lambda: pooled[at], "sum": lambda: z[at] - b[f]}[what]()
        assert v == pytest.approx(expected, abs=1e-12), key
    assert kinds == {"x": 64, "W": 9, "b": 1, "a": 64, "pooled": 16, "z": kinds["z"], "sum": kinds["z"]}
    assert kinds["z"] >= 3   # the windows the readouts stepped through (all of them at normal speed)
    # every number of the four grids (the digit, the filter, the map, the pooled map) inside its cell
    from nnviz.scenes_lib.convolution import _Grid

    grids = [m for m in scene.get_mobject_family_members() if isinstance(m, _Grid)]
    assert len(grids) == 4
    checked = 0
    for g in grids:
        for cell, num in zip(g.cells, g.nums):
            if num.get_fill_opacity() > 0:
                assert cell.get_left()[0] < num.get_left()[0] and num.get_right()[0] < cell.get_right()[0]
                assert cell.get_bottom()[1] < num.get_bottom()[1] and num.get_top()[1] < cell.get_top()[1]
                checked += 1
    assert checked == 64 + 9 + 64 + 16


def test_scene_command_writes_a_gif(manim, traces, tmp_path, tmpdir_inside):
    import imageio.v3 as iio

    out = tmp_path / "db.gif"
    r = CliRunner().invoke(cli, ["scene", "DecisionBoundary", "--trace", str(traces["moons"]), "--quality", "l",
                                 "--duration", "1", "--fps", "4", "-o", str(out)])
    assert r.exit_code == 0, r.output
    frames = iio.imread(out)
    assert frames.shape[1:3] == (480, 854) and len(frames) >= 3
    _check_image(frames[-1])


def test_plain_manim_command_renders_a_thin_scene_file(manim, traces, tmp_path):
    # `manim scenes/backprop.py BackpropFlow` with the trace in NNVIZ_TRACE, as the README says
    env = {**os.environ, "NNVIZ_TRACE": str(traces["moons"]), "PYTHONDONTWRITEBYTECODE": "1",
           "TMPDIR": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "manim", "-ql", "-s", "--media_dir", str(tmp_path / "media"),
                        "--disable_caching", "--progress_bar", "none", "-v", "WARNING",
                        str(REPO / "scenes" / "backprop.py"), "BackpropFlow"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    pngs = list((tmp_path / "media").rglob("BackpropFlow*.png"))
    assert len(pngs) == 1
    _check_image(_read_png(pngs[0]))


def test_scene_list_matches_the_scene_files():
    """Every scene is reachable from a thin file in scenes/ (what plain `manim` needs)."""
    text = "".join(p.read_text() for p in (REPO / "scenes").glob("*.py"))
    for name in SCENES:
        assert f"class {name}(" in text


def test_landscape_scene_heights_are_the_surface(traces):
    """LossLandscape's numbers: heights are log10 of nnviz.landscape's surface, the path sits on it."""
    pytest.importorskip("manim")
    from nnviz.landscape import landscape
    from nnviz.scenes_lib.landscape import LandscapeData, LossLandscape
    from nnviz.trace import load_trace

    with load_trace(traces["moons"]) as tr:
        D = LandscapeData(tr, resolution=15)
        ls = landscape(tr, resolution=15, extent=1.15)
        np.testing.assert_array_equal(D.ls.loss, ls.loss)
        top = ls.loss.max()
        np.testing.assert_allclose(D.height, np.log10(np.clip(ls.loss, D.floor, top)), rtol=0, atol=1e-12)
        np.testing.assert_allclose(D.path_height, np.log10(np.clip(ls.path_loss[0], D.floor, top)), atol=1e-12)
        np.testing.assert_array_equal(D.ls.trace_loss[0], tr.loss[tr.steps])  # the readout's numbers
        pts = D.to_scene(ls.path[:, 0], ls.path[:, 1], D.path_height)
        assert pts.shape == (len(tr.steps), 3) and np.abs(pts[:, :2]).max() <= 6.5 / 2 + 1e-9
        short = nnviz.train("xor", trace=traces["moons"].parent / "x2.h5", steps=1, record="all")
        with pytest.raises(ValueError, match="at least 3 recorded steps"):
            LossLandscape.check(short)


def test_scene_hold_is_the_pause_at_the_end(manim, traces, tmp_path, tmpdir_inside):
    """`nnviz scene --hold SECONDS`: the last picture stays that long (here 2 s at 4 fps), 0: no pause."""
    import imageio.v3 as iio

    def still_at_end(hold):
        out = tmp_path / f"db{hold}.gif"
        r = CliRunner().invoke(cli, ["scene", "DecisionBoundary", "--trace", str(traces["moons"]), "--quality", "l",
                                     "--duration", "1", "--fps", "4", "--hold", str(hold), "-o", str(out)])
        assert r.exit_code == 0, r.output
        im = Image.open(out)
        seconds, last = 0.0, None
        for i in reversed(range(im.n_frames)):
            im.seek(i)
            f = np.asarray(im.convert("RGB"), dtype=np.int16)
            if last is not None and np.abs(f - last).mean() > 1.0:
                break
            last = f if last is None else last
            seconds += im.info["duration"] / 1000
        return seconds

    held = still_at_end(2)
    assert held >= 2.0
    assert still_at_end(0) < held - 1.5
