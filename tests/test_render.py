"""Decision-boundary animations: decoded outputs, true colours, CLI errors."""

import numpy as np
import pytest
from click.testing import CliRunner

import nnviz
from nnviz.cli import cli
from nnviz.data import decode_outputs
from nnviz.export import probe_video, read_gif_info
from nnviz.render import BoundaryView, animate, build_layout, select_steps
from nnviz.render.views.boundary import threshold_of


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_animate_writes_a_looping_gif(tmp_path):
    out = tmp_path / "moons.gif"
    r = run("animate", "moons", "-o", out, "--max-frames", 40, "--size", "320x240", "--fps", 10, "-q")
    assert r.exit_code == 0, r.output
    info = read_gif_info(out)
    assert info["n_frames"] == 40 + 15 and info["size"] == (320, 240)  # 40 steps, then the 1.5 s hold
    assert info["loop"] == 0 and info["global_palette_only"]
    assert all(d == 100 for d in info["durations_ms"])
    assert not (tmp_path / "moons.h5").exists()  # no file nobody asked for: the trace is in the cache
    import imageio.v3 as iio

    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 55 and frames[0].std() > 10
    assert not np.array_equal(frames[0], frames[-1])
    assert all(np.array_equal(frames[39], f) for f in frames[40:])  # the last step, held


def test_mp4_is_h264_yuv420p(tmp_path, moons_trace):
    out = animate(moons_trace, tmp_path / "m.mp4", steps="0:40", size=(320, 240))
    meta = probe_video(out)
    assert meta["codec"] == "h264" and meta["pix_fmt"] == "yuv420p"
    assert (meta["width"], meta["height"]) == (320, 240) and meta["n_frames"] == 41


def test_boundary_colours_agree_with_the_model(moons_trace):
    tr = moons_trace
    view = BoundaryView(tr)
    steps = [0, 7, 40, 128]
    view.prepare(steps)
    theta = threshold_of(tr.data.encoding)[0]
    for k in steps:
        i = view._row[k]
        model_out = tr.model_at(k)(view.grid)[:, 0].reshape(len(view.ys), len(view.xs))
        np.testing.assert_allclose(view.values[i][..., 0], model_out, rtol=1e-4, atol=1e-4)
        # the colour field at the grid cell of each data point is on the model's side there
        ix = np.abs(view.xs[None, :] - tr.data.X[:, :1]).argmin(1)
        iy = np.abs(view.ys[None, :] - tr.data.X[:, 1:]).argmin(1)
        y_cell = model_out[iy, ix]
        rgb = view.colors(i)[iy, ix].astype(int)
        sure = np.abs(y_cell - theta) > 0.05
        orange = rgb[:, 0] > rgb[:, 2]
        np.testing.assert_array_equal(orange[sure], (y_cell > theta)[sure])
        # misclassified marks are exactly the points the trace's model gets wrong
        wrong = decode_outputs(tr.model_at(k)(tr.data.X), tr.data.encoding) != tr.data.labels
        np.testing.assert_array_equal(view.wrong[i], wrong)
        assert wrong.mean() == pytest.approx(1 - tr.accuracy[k])


def test_frame_pixels_show_the_model_side(moons_trace):
    tr = moons_trace
    layout = build_layout([tr], ["boundary", "loss"], size=(640, 480))
    frame = layout.render(128)
    view = layout.views[0]
    ax = view.ax
    # grid points far from the decision boundary and from data points
    model = tr.model_at(128)
    pts = view.grid[::97]
    out = model(pts)[:, 0]
    far_data = np.min(np.linalg.norm(pts[:, None] - tr.data.X[None], axis=2), axis=1) > 0.4
    pick = far_data & (np.abs(out) > 0.5)
    assert pick.sum() > 20
    px = ax.transData.transform(pts[pick])
    H = frame.shape[0]
    rgb = frame[(H - px[:, 1]).astype(int), px[:, 0].astype(int)].astype(int)
    np.testing.assert_array_equal(rgb[:, 0] > rgb[:, 2], out[pick] > 0)


def test_header_numbers_come_from_the_trace(moons_trace):
    layout = build_layout([moons_trace], size=(640, 480))
    layout.render(40)
    text = layout._header.get_text()
    assert f"step  40" in text
    assert f"loss {moons_trace.loss[40]:.4g}" in text
    assert f"accuracy {moons_trace.accuracy[40]:.1%}" in text


def test_stills_and_frames(tmp_path, moons_trace):
    svg = animate(moons_trace, tmp_path / "s.svg", steps="7")
    assert svg.read_text().lstrip().startswith("<?xml") and "loss" in svg.read_text()
    png = animate(moons_trace, tmp_path / "s.png", steps="7")
    import imageio.v3 as iio

    assert iio.imread(png).shape[:2] == (480, 640)
    animate(moons_trace, tmp_path / "f-{step:03d}.png", steps="log2", size=(320, 240))
    names = sorted(p.name for p in tmp_path.glob("f-*.png"))
    assert names == [f"f-{s:03d}.png" for s in (0, 1, 3, 7, 15, 31, 63, 127, 128)]


def test_several_runs_side_by_side(tmp_path):
    a = nnviz.train("xor-identity-1", trace=tmp_path / "a.h5", steps=30, record="all")
    b = nnviz.train("xor-relu-2", trace=tmp_path / "b.h5", steps=20, record="all")
    out = animate([a, b], tmp_path / "ab.gif", size=(480, 320), labels=["identity 1", "relu 2"])
    assert read_gif_info(out)["n_frames"] == 31  # the union of the steps: the shorter run holds still


def test_select_steps(moons_trace):
    assert select_steps(moons_trace, "0:10:5") == [0, 5, 10]
    assert len(select_steps(moons_trace, None, max_frames=20)) == 20
    assert select_steps(moons_trace, "3,1,400") == [1, 3]  # exactly those recorded
    assert select_steps(moons_trace, "log2")[-2:] == [127, 128]  # a schedule ends at the last step
    with pytest.raises(ValueError, match="range is A:B"):
        select_steps(moons_trace, "a:b")


def test_multiclass_and_hard_modes(tmp_path):
    tr = nnviz.train("blobs3", trace=tmp_path / "b.h5", steps=20, record="all")
    lay = build_layout([tr], ["boundary"], size=(320, 240), view_options={"boundary": {"hard": True}})
    frame = lay.render(20)
    assert frame.shape == (240, 320, 3) and frame.std() > 10


@pytest.mark.parametrize("args, fragment", [
    (["--view", "boundry"], "unknown view 'boundry'"),
    (["--size", "641x480"], "641x480 is odd"),
    (["--size", "big"], "bad size"),
    (["--frames", "5:1:0"], "stride K >= 1"),
])
def test_cli_animate_errors(tmp_path, args, fragment):
    r = run("animate", "moons", "-o", tmp_path / "x.gif", *args)
    assert r.exit_code != 0 and fragment in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_cli_animate_output_errors(tmp_path):
    r = run("animate", "moons", "-o", tmp_path / "x.avi")
    assert r.exit_code != 0 and "unsupported output type '.avi'" in r.output and ".gif" in r.output
    blocker = tmp_path / "file"
    blocker.write_text("")
    r = run("animate", "moons", "-o", blocker / "x.gif")
    assert r.exit_code != 0 and "is a file, not a directory" in r.output
    r = run("animate", "moons", "-o", tmp_path / "x.gif", "--step", "3")
    assert r.exit_code != 0 and "--step draws a single still" in r.output
    assert not (tmp_path / "x.gif").exists()


def test_cli_animate_into_a_new_folder(tmp_path):
    out = tmp_path / "out" / "moons.gif"
    r = run("animate", "moons", "-o", out, "--max-frames", 5, "--size", "320x240", "--hold", 0, "-q")
    assert r.exit_code == 0, r.output
    assert read_gif_info(out)["n_frames"] == 5 and sorted(p.name for p in (tmp_path / "out").iterdir()) == ["moons.gif"]


def test_vector_stills_embed_the_field_at_full_size(tmp_path, moons_trace):
    """SVG/PDF lay out in points: the field image must still cover the whole axes."""
    import re

    layout = build_layout([moons_trace], size=(640, 480))
    layout.savefig(tmp_path / "s.svg", 40)
    svg = (tmp_path / "s.svg").read_text()
    widths = [float(w) for w in re.findall(r'<image[^>]*?width="([0-9.]+)"', svg)]
    ax_width_pt = layout.views[0].ax.bbox.width * 72 / layout.fig.dpi
    assert max(widths) >= 0.97 * ax_width_pt


def test_cli_view_options(tmp_path):
    out = tmp_path / "n.png"
    r = run("animate", "moons", "-o", out, "--view", "boundary,neurons", "--opt", "neurons.k=3", "-q")
    assert r.exit_code == 0, r.output
    r = run("animate", "moons", "-o", out, "--view", "boundary,neurons", "--opt", "neurons.colour=red", "-q")
    assert r.exit_code != 0 and "has no option(s) colour" in r.output
    r = run("animate", "moons", "-o", out, "--opt", "nonsense")
    assert r.exit_code != 0 and "VIEW.KEY=VALUE" in r.output


def test_fast_text_atlas_matches_freetype():
    """Header text cut from a glyph atlas must look exactly like FreeType's own rendering."""
    from matplotlib.figure import Figure

    from nnviz.render.artists.text import FastText

    fig = Figure(dpi=100)
    text = "step  40   loss 0.009289   accuracy 94.0%"
    fast, slow = FastText(fig, 0, 0, text, fontsize=11), FastText(fig, 0, 0, text, fontsize=11)
    slow._CHARSET = ""  # forces the FreeType layout path
    (a, da), (b, db) = fast._rgba(100), slow._rgba(100)
    # the atlas is as tall as its tallest glyph: align the two on their baselines
    base_a, base_b = a.shape[0] - round(da), b.shape[0] - round(db)
    up, down = min(base_a, base_b), min(round(da), round(db))
    a = a[base_a - up: base_a + down, :, 3].astype(int)
    b = b[base_b - up: base_b + down, :, 3].astype(int)
    a, b = (m[:, np.flatnonzero(m.any(axis=0))[0]:] for m in (a, b))  # from the first ink column
    w = max(a.shape[1], b.shape[1])
    a, b = (np.pad(m, ((0, 0), (0, w - m.shape[1]))) for m in (a, b))
    assert np.abs(a - b).max() <= 1


def test_raster_field_matches_interpolating_values_then_the_lut():
    """The fast LUT path (interpolating LUT indices) gives the colours of the plain recipe:
    bilinear interpolation of the values at the pixel centres, then the nearest LUT entry."""
    from matplotlib.figure import Figure

    from nnviz.render.artists.raster import RasterField, bilinear_weights

    rng = np.random.default_rng(0)
    field = rng.uniform(-1.2, 1.2, (23, 31)).astype(np.float32)   # a little outside [-1, 1] too
    lut = rng.integers(0, 256, (255, 4), dtype=np.uint8)
    ax = Figure().add_subplot()
    rf = RasterField(ax, lut)
    rf.set_field(field)
    w, h = 97, 61
    got = rf.rgba(w, h)
    (ix, wx), (iy, wy) = bilinear_weights(31, w), bilinear_weights(23, h)
    f = np.clip(field.astype(float), -1, 1)
    rows = f[:, ix] * (1 - wx) + f[:, ix + 1] * wx
    up = rows[iy] * (1 - wy[:, None]) + rows[iy + 1] * wy[:, None]
    want = lut[np.rint((up + 1) * 0.5 * (len(lut) - 1)).astype(int)]
    assert got.shape == (h, w, 4)
    mismatch = (got != want).any(-1)
    assert mismatch.mean() < 0.002   # float32 rounding at exact half-way points only


def test_percentages_never_round_to_100_or_0_unless_exact():
    from nnviz.formatting import percent

    assert percent(299 / 300) == "99.7%" and percent(299 / 300, 0) == "99.7%"  # not "100%"
    assert percent(1.0) == "100.0%" and percent(1.0, 0) == "100%" and percent(0.0) == "0.0%"
    assert percent(0.94) == "94.0%" and percent(0.94, 0) == "94%"  # otherwise the usual rounding
    assert percent(59999 / 60000) == "99.998%" and percent(1 / 60000) == "0.002%"
    assert percent(np.float32(299 / 300)) == "99.7%" and percent(float("nan")) == "nan"


def test_heat_map_fractions_never_round_to_1_or_0_unless_exact():
    """Sweep and grid-search cells print accuracies as fractions: 0.996 is not "1.00"."""
    from types import SimpleNamespace

    from nnviz.formatting import fraction
    from nnviz.render.sweep_figures import _fmt

    assert fraction(0.996) == "0.996" and fraction(0.96) == "0.96" and fraction(1.0) == "1.00"
    assert fraction(0.0004) == "0.0004" and fraction(0.0) == "0.00" and fraction(0.5, 1) == "0.5"
    cells = SimpleNamespace(metric="test_accuracy")
    assert [_fmt(cells, v) for v in (0.996, 0.92, 1.0)] == ["0.996", "0.92", "1.00"]


def _ring_darkness(frame, ax, xy, radius_px):
    """Share of pixels on a circle around data point ``xy`` that are dark (the light theme's
    text-coloured ring, a little transparent, over the field's light colours)."""
    H = frame.shape[0]
    cx, cy = ax.transData.transform(xy)
    t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    px = np.round(cx + radius_px * np.cos(t)).astype(int)
    py = np.round(H - (cy + radius_px * np.sin(t))).astype(int)
    rgb = frame[py, px].astype(int)
    return float(np.mean(rgb.mean(1) < 120))


def test_misclassified_points_are_crosses_in_rings_like_the_legend(moons_trace):
    from matplotlib.lines import Line2D
    from nnviz.render.style import get_theme

    tr = moons_trace
    layout = build_layout([tr], ["boundary"], size=(640, 480))
    frame = layout.render(8)
    view = layout.views[0]
    d = tr.data
    wrong = decode_outputs(tr.model_at(8)(d.X), d.encoding) != d.labels
    assert 0 < wrong.sum() < len(wrong) and wrong.mean() == pytest.approx(1 - tr.accuracy[8])
    # the artists: every point once, a cross of its class colour where the model is wrong, a disc where right
    for c, right, cross in view.points:
        np.testing.assert_array_equal(np.column_stack(right.get_data()), d.X[(d.labels == c) & ~wrong])
        np.testing.assert_array_equal(np.column_stack(cross.get_data()), d.X[(d.labels == c) & wrong])
        assert right.get_marker() == "o" and cross.get_marker() == "X"
        assert right.get_mfc() == cross.get_mfc() == get_theme("light").class_color(c)
    np.testing.assert_array_equal(np.column_stack(view.missed.get_data()), d.X[wrong])
    # the legend draws exactly these markers: a disc per class, and the ring around a cross
    legend = view.ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == list(d.class_names) + ["misclassified"]
    drawn = [(a.get_marker(), a.get_markersize(), a.get_mec(), a.get_markeredgewidth()) for a in
             [right for _, right, _ in view.points] + [view.missed, view.points[0][2]]]
    shown = [(a.get_marker(), a.get_markersize(), a.get_mec(), a.get_markeredgewidth()) for a in
             legend.findobj(Line2D)]
    assert shown == drawn
    # the pixels: a text-coloured ring around each misclassified point, none around correct points
    # away from the boundary line (also text-coloured) and from the misclassified ones
    r_px = view.missed.get_markersize() / 2 * layout.fig.dpi / 72
    for j in np.flatnonzero(wrong):
        assert _ring_darkness(frame, view.ax, d.X[j], r_px) > 0.5
    segs = np.vstack(view.contour_segments(view._row[8]))
    far = (np.min(np.linalg.norm(d.X[:, None] - segs[None], axis=2), axis=1) > 0.35) & \
        (np.min(np.linalg.norm(d.X[:, None] - d.X[wrong][None], axis=2), axis=1) > 0.5)
    assert far.sum() > 20
    assert max(_ring_darkness(frame, view.ax, d.X[j], r_px) for j in np.flatnonzero(far)) < 0.15


def test_side_by_side_captions_stay_inside_the_frame(tmp_path):
    # four runs at the default 640x480: the rightmost panel's "loss … acc 100%" once lost its "%"
    runs = ["xor-identity-1", "xor-identity-2", "xor-relu-1", "xor-relu-2"]
    traces = [nnviz.train(r, trace=tmp_path / f"{r}.h5", steps=300, record="300") for r in runs]
    layout = build_layout(traces, ["boundary", "loss"], labels=runs, size=(640, 480))
    layout.render(300)
    W = layout.fig.bbox.width
    for view, tr in zip(layout.views[:4], traces):
        cap = view.caption
        assert cap.get_text().endswith(percent_of(tr.accuracy[300]))
        w = cap._rgba(layout.fig.dpi)[0].shape[1]
        x = cap.get_transform().transform(cap.get_unitless_position())[0]
        assert 0 <= x - w / 2 and x + w / 2 <= W, (cap.get_text(), x, w, W)


def percent_of(v):
    from nnviz.formatting import percent

    return percent(v, 0)


def test_comparison_titles_say_a_family_once():
    """Compared presets of one family: "moons: gd vs adam", short enough to sit beside the header."""
    from nnviz.render.animate import comparison_title

    assert comparison_title(["moons-gd", "moons-momentum", "moons-adam", "moons-lbfgs"]) == \
        "moons: gd vs momentum vs adam vs lbfgs"
    assert comparison_title(["deep-sigmoid", "deep-relu"]) == "deep: sigmoid vs relu"
    assert comparison_title(["lr 0.01", "lr 0.1"]) == "lr 0.01 vs lr 0.1"     # no family: as they are
    assert comparison_title(["xor", "xor-relu-2"]) == "xor vs xor-relu-2"     # one name is the family itself
