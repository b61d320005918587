"""Lecture-hall pictures: a pause on the result, time where the story is, sizes that scale with
the frame (issue 16)."""

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.text import Text
from PIL import Image

import nnviz
from nnviz.cli import cli
from nnviz.render import build_layout, select_steps
from nnviz.render.animate import story_steps
from nnviz.render.pipeline import MIN_SECONDS, hold_frames, movie_fps


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def small_trace(tmp_path_factory):
    """A short moons run with every step recorded."""
    return nnviz.train("moons", trace=tmp_path_factory.mktemp("hall") / "moons.h5", steps=40, record="all")


def _gif(path):
    """(distinct frames, seconds each) of a GIF: a held frame counts once, with its whole time."""
    im = Image.open(path)
    frames, seconds = [], []
    for i in range(im.n_frames):
        im.seek(i)
        f = np.asarray(im.convert("RGB"))
        if frames and np.array_equal(f, frames[-1]):
            seconds[-1] += im.info["duration"] / 1000
        else:
            frames.append(f)
            seconds.append(im.info["duration"] / 1000)
    return frames, seconds


# ------------------------------------------------------------------ --hold
def test_hold_seconds_become_frames():
    assert hold_frames(1.5, 20) == 30
    assert hold_frames(0, 20) == 0
    with pytest.raises(ValueError):
        hold_frames(-1, 20)


@pytest.mark.parametrize("hold", [0.0, 2.0])
def test_animate_gif_holds_the_last_frame(small_trace, tmp_path, hold):
    out = tmp_path / "m.gif"
    r = run("animate", small_trace.path, "-o", out, "--frames", "0:40:4", "--fps", 10, "--hold", hold, "-q")
    assert r.exit_code == 0, r.output
    frames, seconds = _gif(out)
    assert len(frames) == 11  # steps 0, 4, ..., 40
    assert seconds[-1] == pytest.approx(0.1 + hold, abs=0.02)  # its own frame, then the hold
    assert max(seconds[:-1]) == pytest.approx(0.1, abs=0.011)


def test_default_hold_and_mp4_frame_count(small_trace, tmp_path):
    import imageio.v3 as iio

    out = tmp_path / "m.mp4"
    r = run("animate", small_trace.path, "-o", out, "--frames", "0:40:4", "--fps", 10, "-q")
    assert r.exit_code == 0, r.output
    n = sum(1 for _ in iio.imiter(out, plugin="pyav")) if _has_pyav() else _ffmpeg_frames(out)
    assert n == 11 + 15  # 1.5 s of hold at 10 fps by default
    r = run("animate", small_trace.path, "-o", out, "--frames", "0:40:4", "--fps", 10, "--hold", 0, "-q")
    assert (sum(1 for _ in iio.imiter(out, plugin="pyav")) if _has_pyav() else _ffmpeg_frames(out)) == 11


def _has_pyav():
    try:
        import av  # noqa: F401
        return True
    except ImportError:
        return False


def _ffmpeg_frames(path):
    import imageio_ffmpeg

    return imageio_ffmpeg.count_frames_and_secs(str(path))[0]


@pytest.mark.parametrize("command", ["animate", "backprop", "bumps", "step", "towers", "versus", "scene"])
def test_every_movie_command_has_hold(command):
    r = run(command, "--help")
    assert r.exit_code == 0
    assert "--hold SECONDS" in r.output


def test_backprop_and_bumps_hold(tmp_path, small_trace):
    out = tmp_path / "b.gif"
    r = run("backprop", small_trace.path, "-o", out, "--no-phases", "--frames", "0,20,40", "--size", "640x480",
            "--fps", 10, "--hold", 3, "-q")
    assert r.exit_code == 0, r.output
    frames, seconds = _gif(out)
    assert len(frames) == 3 and seconds[-1] == pytest.approx(3.1, abs=0.02)
    out = tmp_path / "bumps.gif"
    r = run("bumps", "-n", "1..3", "-o", out, "--fps", 10, "--hold", 2.5, "-q")
    assert r.exit_code == 0, r.output
    frames, seconds = _gif(out)
    assert seconds[-1] == pytest.approx(2.6, abs=0.02)


def test_scene_hold_replaces_the_scenes_own_pause():
    from nnviz.scenes_lib.options import scene_options, using

    with using(hold=4.0):
        assert scene_options().hold == 4.0
        try:
            from nnviz.scenes_lib.common import Timing
        except ImportError:
            pytest.skip("manim is not installed")
        T = Timing(10.0, intro=1.0, train=3.0, hold=1.0)
        assert T.hold == 4.0 and T.train == pytest.approx(6.0)
    assert Timing(10.0, intro=1.0, train=3.0, hold=1.0).hold == pytest.approx(2.0)


# ------------------------------------------------------------------ time that tells the story
def test_default_frames_are_log_spaced_early_then_even():
    steps = story_steps(np.arange(5001), 60)
    assert len(steps) == 60 and steps[0] == 0 and steps[-1] == 5000
    gaps = np.diff(steps)
    assert gaps[0] == 1 and gaps[:5].max() <= 3  # the first steps, one by one
    assert np.all(np.diff(gaps[:25]) >= -1)  # growing
    late = gaps[35:]
    assert late.max() - late.min() <= 1  # then even
    assert sum(s <= 50 for s in steps) >= 10  # a tenth of the frames in the first 1 % of the run


def test_select_steps_default_uses_story_spacing(moons_trace):
    steps = select_steps(moons_trace, None, 30)
    assert steps == story_steps(moons_trace.steps, 30)
    assert steps[:3] == [0, 1, 2] and steps[-1] == int(moons_trace.steps[-1])


def test_short_movies_last_at_least_four_seconds(small_trace, tmp_path):
    assert movie_fps(10, None, 1.5) == pytest.approx(4.0)
    assert movie_fps(300, None, 1.5) == 20
    assert movie_fps(10, 30, 0) == 30  # an asked-for fps is kept
    out = tmp_path / "short.gif"
    r = run("animate", small_trace.path, "-o", out, "--frames", "0:40:8", "-q")
    assert r.exit_code == 0, r.output
    frames, seconds = _gif(out)
    assert len(frames) == 6
    assert sum(seconds) >= MIN_SECONDS - 0.05


@pytest.mark.parametrize("view", ["loss", "gradflow"])
def test_curves_are_drawn_up_to_the_current_step(small_trace, view):
    lay = build_layout([small_trace], [view], size=(640, 480))
    list(lay.frames([10]))
    v = lay.views[0]
    lines = [c for c, _, _ in v.curves] if view == "loss" else v.lines
    assert lines
    for line in lines:
        x = np.asarray(line.get_xdata())
        assert x.max() == 10
    x0, x1 = v.ax.get_xlim()
    assert x1 >= 40  # the axes are the whole run's from the first frame


def test_gradflow_layer_colours_are_apart_and_reserved(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_colors import delta_e76

    tr = nnviz.train("deep-sigmoid", trace=tmp_path / "deep.h5", steps=20, record="all")
    lay = build_layout([tr], ["gradflow"], size=(640, 480))
    list(lay.frames([20]))
    cols = lay.views[0].reserved_colors()
    assert len(cols) >= 6
    assert min(delta_e76(cols[i], cols[i + 1]) for i in range(len(cols) - 1)) >= 18
    reserved = lay.reserved_colors()
    for c in cols:
        assert (reserved == c).all(axis=1).any()
    markers = {line.get_marker() for line in lay.views[0].lines}
    assert len(markers) == len(cols)  # a second channel: a marker shape per layer


# ------------------------------------------------------------------ scale to the room
SIZES = [(640, 480), (1280, 720), (1920, 1080)]


def _texts(fig):
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _hidden_tick_labels(fig) -> set:
    """Tick labels matplotlib does not draw (their tick lies outside the axes' view)."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            span = hi - lo
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                loc = tick.get_loc()
                if loc is None or not (lo - 1e-9 * span <= loc <= hi + 1e-9 * span):
                    hidden |= {id(tick.label1), id(tick.label2)}
    return hidden


def _check_sizes(layout, step, size):
    """Every text at least 2 % of the frame height; captions and titles inside the frame."""
    list(layout.frames([step]))
    fig = layout.fig
    renderer = layout.canvas.get_renderer()
    w, h = size
    smallest = None
    hidden = _hidden_tick_labels(fig)
    for t in _texts(fig):
        if id(t) in hidden:
            continue
        px = t.get_fontsize() * fig.dpi / 72
        if smallest is None or px < smallest[0]:
            smallest = (px, t.get_text())
        assert px >= 0.02 * h - 1e-6, f"{t.get_text()!r}: {px:.1f} px at {w}x{h} (< {0.02 * h:.1f})"
        bb = t.get_window_extent(renderer)
        assert bb.x0 >= -1 and bb.y0 >= -1 and bb.x1 <= w + 1 and bb.y1 <= h + 1, \
            f"{t.get_text()!r} at {w}x{h} lies outside the frame: {bb}"
    return smallest


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("views", [["boundary", "loss"], ["boundary", "neurons", "loss"], ["network"]],
                         ids=lambda v: "+".join(v))
def test_text_is_at_least_two_percent_of_the_frame(moons_trace, size, views):
    lay = build_layout([moons_trace], views, size=size, title="moons")
    _check_sizes(lay, int(moons_trace.steps[-1]), size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compared_runs_text_and_captions_fit(tmp_path_factory, size):
    d = tmp_path_factory.mktemp("xor")
    traces = [nnviz.train(p, trace=d / f"{p}.h5", record="log2") for p in
              ("xor-identity-1", "xor-identity-2", "xor-relu-1", "xor-relu-2")]
    lay = build_layout(traces, ["boundary", "loss"], labels=[t.path.stem for t in traces], size=size,
                       title="xor")
    _check_sizes(lay, int(traces[0].steps[-1]), size)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_backprop_diagram_text_scales(moons_trace, size):
    from nnviz.render import Layout, view_class
    from nnviz.render.views.network.phases import SubFrame

    view = view_class("network")(moons_trace, sample=0, equations=True)
    lay = Layout([[view]], size=size, title="moons · backprop")
    _check_sizes(lay, SubFrame(int(moons_trace.steps[0]), "grad", 1), size)


@pytest.mark.parametrize("size", [(640, 480), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_markers_and_lines_grow_with_the_frame(moons_trace, size):
    lay = build_layout([moons_trace], ["boundary", "loss"], size=size)
    list(lay.frames([0]))
    px_per_pt = lay.fig.dpi / 72
    marker_px = lay.views[0].artists[2].get_markersize() * px_per_pt
    line_px = lay.views[0].contour.get_linewidth()[0] * px_per_pt
    assert marker_px >= 0.011 * size[1]  # about 6 px at 480, 12 px at 1080
    assert line_px >= 0.004 * size[1]  # about 2 px at 480, 4 px at 1080


@pytest.mark.parametrize("size", [(640, 480), (1920, 1080)])
def test_a_long_title_and_the_header_never_run_into_each_other(small_trace, size):
    lay = build_layout([small_trace], size=size)
    lay.title = "keras 64-100-50-10 digits, a long run name"
    steps = [0, 40]
    for step, _ in lay.frames(steps):
        pass
    r = lay.canvas.get_renderer()
    title = next(t for t in lay.fig.texts if t.get_text() == lay.title).get_window_extent(r)
    lay._header.set_text(lay.header(steps[-1]))
    header = Text.get_window_extent(lay._header, r)
    assert title.x1 < header.x0 or title.y0 > header.y1  # apart side by side, or the header below
    assert header.y1 <= size[1] and header.x1 <= size[0]
