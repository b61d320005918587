"""The neurons and hidden-space views: they render, and every number they draw is the trace's."""

import numpy as np
import pytest

import nnviz
from nnviz.render import VIEWS, Layout, build_layout
from nnviz.render.views.hidden import HiddenView, pca_projection
from nnviz.render.views.neurons import NeuronsView, activation_scale


@pytest.fixture(scope="module")
def warp_trace(tmp_path_factory):
    """circles-warp (2-4-2-1 tanh), short: its last hidden layer has 2 units (drawn directly)."""
    path = tmp_path_factory.mktemp("views") / "warp.h5"
    return nnviz.train("circles-warp", trace=path, steps=40, record="every:4")


@pytest.fixture(scope="module")
def relu1_trace(tmp_path_factory):
    """xor-relu-1 (2-1-1): a hidden layer of one unit."""
    path = tmp_path_factory.mktemp("views") / "relu1.h5"
    return nnviz.train("xor-relu-1", trace=path, steps=20, record="every:5")


def render(views, size=(640, 480), steps=(0, 40)):
    """Frames of a layout of ready-made views (also runs prepare/setup/update)."""
    layout = Layout([list(views)], size=size)
    return [f for _, f in layout.frames(list(steps))]


def not_blank(frame):
    return frame.std() > 10 and len(np.unique(frame.reshape(-1, 3), axis=0)) > 50


# ---------------------------------------------------------------------- neurons
def test_neurons_registered_and_renders(moons_trace):
    assert VIEWS["neurons"] is NeuronsView and VIEWS["hidden"] is HiddenView
    layout = build_layout([moons_trace], ["boundary", "neurons", "loss"], size=(640, 480))
    frames = [f for _, f in layout.frames([0, 7, 127])]
    assert all(f.shape == (480, 640, 3) and f.dtype == np.uint8 for f in frames)
    assert all(not_blank(f) for f in frames)
    assert not np.array_equal(frames[0], frames[2])  # the neurons (and the rest) move


def test_neuron_maps_are_the_layer_activations(moons_trace):
    view = NeuronsView(moons_trace)
    render([view], size=(320, 480), steps=[0, 40])
    assert view.shown == {1: 8}
    model = moons_trace.model_at(40)
    a = model.forward(view.grid).a[1]  # (ny * nx, 50): the hidden layer on the grid, independently
    image = view.ims[1].get_array()  # the composed image shown after update(40)
    assert image.dtype == np.uint8
    for unit in range(8):
        expected = a[:, unit].reshape(view.ny, view.nx)
        np.testing.assert_allclose(view.activation_map(40, 1, unit), expected, rtol=1e-5, atol=1e-6)
        # ReLU: centre 0, scaled by the unit's largest output over the run (>= this step's)
        assert view.centre[1][unit] == 0 and view.half[1][unit] >= expected.max() - 1e-6
        u = np.clip(expected / view.half[1][unit], -1, 1)
        idx = np.clip(((u + 1) * 0.5 * (len(view.lut) - 1) + 0.5).astype(int), 0, len(view.lut) - 1)
        rows, cols = view.tile_slice(1, unit)
        tile = image[rows, cols][::-1]  # image row 0 is the top; grid row 0 the lowest y
        # the same colour table entry, up to float32 rounding at a band edge
        diff = np.abs(tile.astype(int) - view.lut[idx].astype(int)).max(-1)
        assert (diff == 0).mean() > 0.99
    # the scale: each unit's largest |activation| on the grid over the steps the view samples
    # (spread over the whole run, plus the frames), the same whichever frame is shown
    sampled = view._scale_steps([0, 40])
    assert {0, 40, int(moons_trace.final_step)} <= set(sampled) and len(sampled) >= 40
    mx = np.max([np.abs(moons_trace.model_at(s).forward(view.grid).a[1][:, :8]).max(0) for s in sampled], axis=0)
    np.testing.assert_allclose(view.half[1], mx, rtol=1e-5)


def test_neurons_more_marker_and_scale_label(moons_trace):
    view = NeuronsView(moons_trace)
    render([view], steps=[0])
    texts = {t.get_gid(): t.get_text() for t in view.ax.texts if t.get_gid()}
    assert texts["more"] == "+42 more"
    assert texts["scale"] == "0 … max"
    shown = [t.get_text() for t in view.ax.texts]
    assert "layer 1" in shown and "50 ReLU" in shown
    few = NeuronsView(moons_trace, k=3)
    render([few], steps=[0])
    assert few.shown == {1: 3}
    assert "+47 more" in [t.get_text() for t in few.ax.texts]
    assert few.images[1].shape[1:] in [(3 * few.ny + 2 * few.gap, few.nx, 3),
                                       (few.ny, 3 * few.nx + 2 * few.gap, 3),
                                       (2 * few.ny + few.gap, 2 * few.nx + few.gap, 3)]


def test_neurons_tanh_scale_is_fixed(warp_trace):
    view = NeuronsView(warp_trace)
    frames = render([view], steps=[0, 40])
    assert all(not_blank(f) for f in frames)
    assert view.shown == {1: 4, 2: 2}  # every unit, no marker
    assert not [t for t in view.ax.texts if t.get_gid() == "more"]
    for l in (1, 2):
        assert np.all(view.centre[l] == 0) and np.all(view.half[l] == 1)
    assert [t.get_text() for t in view.ax.texts if t.get_gid() == "scale"] == ["−1 … 1", "−1 … 1"]
    c, s = activation_scale("sigmoid")
    assert c[0] == 0.5 and s[0] == 0.5
    a = warp_trace.model_at(40).forward(view.grid).a[2]
    np.testing.assert_allclose(view.activation_map(40, 2, 1), a[:, 1].reshape(view.ny, view.nx), atol=1e-5)


@pytest.mark.parametrize("opts, fragment", [({"k": 0}, "k must be >= 1"), ({"k": "x"}, "integers"),
                                            ({"resolution": 2}, "resolution must be >= 4"),
                                            ({"colour": 1}, "has no option(s) colour")])
def test_neurons_bad_options(moons_trace, opts, fragment):
    with pytest.raises(ValueError) as e:
        NeuronsView(moons_trace, **opts)
    assert fragment in str(e.value) and "\n" not in str(e.value)


# ---------------------------------------------------------------------- hidden
def test_hidden_direct_positions_are_the_layer(warp_trace):
    view = HiddenView(warp_trace)
    assert view.layer == 2 and view.mode == "direct"
    frames = render([view], steps=[0, 20, 40])
    assert all(f.shape == (480, 640, 3) and not_blank(f) for f in frames)
    fp = warp_trace.model_at(40).forward(warp_trace.data.X)
    np.testing.assert_allclose(view.positions(40), fp.a[2], atol=1e-6)
    np.testing.assert_allclose(view.drawn_positions(), fp.a[2], atol=1e-6)  # what is drawn (step 40)
    # grid lines: the input grid's points pushed through the layer
    lines = view.input_lines.reshape(-1, 2)
    np.testing.assert_allclose(view.line_xy[view._row[40]].reshape(-1, 2),
                               warp_trace.model_at(40).forward(lines).a[2], atol=1e-6)
    # fixed limits: tanh's range, the same in every frame
    assert view.ax.get_xlim() == pytest.approx((-1.1, 1.1)) and view.ax.get_ylim() == pytest.approx((-1.1, 1.1))
    # the background is the remaining layer's output over the hidden plane
    m = warp_trace.model_at(40)
    W3, b3 = m.params()[2]
    gx, gy = np.meshgrid(view.bxs, view.bys)
    out = np.tanh(np.column_stack([gx.ravel(), gy.ravel()]) @ W3 + b3).reshape(gx.shape)
    np.testing.assert_allclose(view.bvalues[view._row[40]][..., 0], out, atol=1e-5)


def test_hidden_pca_positions_and_stable_limits(moons_trace):
    view = HiddenView(moons_trace)  # 50 ReLUs: projected
    assert view.mode == "pca" and view.layer == 1
    render([view], steps=[0, 64, 128])
    H_final = moons_trace.model_at(moons_trace.final_step).forward(moons_trace.data.X).a[1]
    mean, P, explained = pca_projection(H_final)
    np.testing.assert_allclose(P.T @ P, np.eye(2), atol=1e-9)
    # the projection is the PCA of the final step, whatever the frames: compare with numpy's eigh
    w, V = np.linalg.eigh(np.cov((H_final - mean).T))
    for j in range(2):
        v = V[:, -1 - j]
        assert abs(abs(v @ P[:, j]) - 1) < 1e-6
        assert P[np.argmax(np.abs(P[:, j])), j] > 0
    assert explained[0] >= explained[1] > 0
    xlim, ylim = view.ax.get_xlim(), view.ax.get_ylim()
    for step in (0, 64, 128):
        H = moons_trace.model_at(step).forward(moons_trace.data.X).a[1]
        np.testing.assert_allclose(view.positions(step), (H - mean) @ P, atol=1e-4)
        view.update(step)
        pos = view.drawn_positions()
        assert xlim[0] <= pos[:, 0].min() and pos[:, 0].max() <= xlim[1]
        assert ylim[0] <= pos[:, 1].min() and pos[:, 1].max() <= ylim[1]
        assert view.ax.get_xlim() == xlim and view.ax.get_ylim() == ylim
    assert "PC 1" in view.ax.get_xlabel() and f"{explained[0]:.0%}" in view.ax.get_xlabel()


def test_hidden_single_unit_on_a_line(relu1_trace):
    view = HiddenView(relu1_trace)
    assert view.mode == "line"
    frames = render([view], steps=[0, 20])
    assert not_blank(frames[-1])
    a = relu1_trace.model_at(20).forward(relu1_trace.data.X).a[1][:, 0]
    pos = view.positions(20)
    np.testing.assert_allclose(pos[:, 0], a, atol=1e-6)
    np.testing.assert_array_equal(np.round(pos[:, 1]), relu1_trace.data.labels)  # one row per class


@pytest.mark.parametrize("layer", [0, 2, -1, "x", 1.5])
def test_hidden_layer_out_of_range(moons_trace, layer):
    with pytest.raises(ValueError) as e:
        HiddenView(moons_trace, layer=layer)
    msg = str(e.value)
    assert "\n" not in msg and "layer" in msg
    if layer in (0, 2, -1):
        assert "out of range" in msg and "2-50-1" in msg


def test_hidden_chosen_layer(tmp_path):
    tr = nnviz.train("spiral-warp", trace=tmp_path / "s.h5", steps=6, record="every:3")
    assert tr.sizes == [2, 16, 16, 2, 1]
    v1 = HiddenView(tr, layer=1)
    render([v1], steps=[0, 6])
    assert v1.mode == "pca" and not v1.background
    H = tr.model_at(6).forward(tr.data.X).a[1]
    np.testing.assert_allclose(v1.positions(6), (H - v1.pca_mean) @ v1.P, atol=1e-5)
    with pytest.raises(ValueError, match="hidden layers 1..3"):
        HiddenView(tr, layer=4)


def test_views_in_a_gif(warp_trace, tmp_path):
    from nnviz.export import read_gif_info
    from nnviz.render import animate

    out = animate(warp_trace, tmp_path / "w.gif", views=["boundary", "neurons", "hidden", "loss"],
                  steps="0:40:8", size=(480, 360))
    info = read_gif_info(out)
    assert info["n_frames"] == 6 and info["size"] == (480, 360) and info["loop"] == 0


def test_views_need_two_inputs(tmp_path):
    tr = nnviz.train("sample131", trace=tmp_path / "s.h5", steps=3)
    for cls in (NeuronsView, HiddenView):
        with pytest.raises(ValueError, match="needs .*2 inputs") as e:
            cls(tr)
        assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="has no option"):
        HiddenView(tr, layers=1)


def test_cli_animate_with_the_new_views(warp_trace, tmp_path):
    from click.testing import CliRunner

    from nnviz.cli import cli
    from nnviz.export import read_gif_info

    out = tmp_path / "h.gif"
    r = CliRunner().invoke(cli, ["animate", str(warp_trace.path), "--view", "boundary,hidden,loss", "-o", str(out),
                                 "--frames", "0:40:8", "--size", "480x360", "--hold", "0", "-q"])
    assert r.exit_code == 0, r.output
    assert read_gif_info(out)["n_frames"] == 6
    still = tmp_path / "n.svg"
    r = CliRunner().invoke(cli, ["animate", str(warp_trace.path), "--view", "neurons,hidden", "-o", str(still),
                                 "--step", "40", "-q"])
    assert r.exit_code == 0, r.output
    assert still.read_text().count("<image") == 2  # the maps (matplotlib composites an axes' images) and the field


def test_runs_whose_losses_coincide_both_stay_visible(tmp_path):
    """Two runs with the same loss curve: the first is drawn wider, so it shows beside the
    second run's wide dash gaps and at its edges (it used to show only in 2 of every 7 points)."""
    from nnviz.render import VIEWS, Layout
    from nnviz.render.style import get_theme, hex_to_rgb

    tr = nnviz.train("xor-identity-1", trace=tmp_path / "a.h5", steps=60, record="60")
    view = VIEWS["loss"](tr, runs=[("a", tr), ("b", tr)])
    layout = Layout([[view]], size=(640, 480))
    frame = layout.render(60).astype(int)
    ax = view.ax
    th = get_theme("light")
    H = frame.shape[0]
    cols = np.arange(*ax.transData.transform([[5, 0], [55, 0]])[:, 0].astype(int))
    steps = ax.transData.inverted().transform(np.column_stack([cols, np.zeros_like(cols)]))[:, 0]
    rows = H - ax.transData.transform(np.column_stack([steps, np.interp(steps, tr.all_steps, tr.loss)]))[:, 1]
    band = np.stack([frame[int(r) - 6: int(r) + 7, c] for r, c in zip(rows, cols)], axis=1)  # around the curve
    for j, share in ((0, 0.45), (1, 0.3)):
        near = np.abs(band - hex_to_rgb(th.run_color(j)) * 255).sum(-1) < 60
        assert near.any(axis=0).mean() > share, (j, near.any(axis=0).mean())


def test_compared_runs_are_named_by_what_differs(tmp_path):
    from nnviz.render import animate
    from nnviz.render.animate import run_labels

    a = nnviz.train("sin2x-tanh", trace=tmp_path / "run.h5", steps=20, record="20")
    (tmp_path / "other").mkdir()
    b = nnviz.train("sin2x-tanh", trace=tmp_path / "other" / "run.h5", steps=20, record="20", lr=0.003)
    assert run_labels([a, b]) == ["lr 0.0001", "lr 0.003"]  # one file name: the settings that differ
    assert run_labels([a, b], ["left", "right"]) == ["left", "right"]  # a caller's distinct names stay
    assert run_labels([a, a]) == ["run (1)", "run (2)"]  # nothing differs: numbered
    layout = build_layout([a, b], ["fit", "loss"], size=(640, 480))
    layout.render(20)
    fits = layout.views[:2]
    assert [v.ax.get_legend().get_title().get_text() for v in fits] == ["lr 0.0001", "lr 0.003"]
    assert [t.get_text() for t in layout.views[2].ax.get_legend().get_texts()] == ["lr 0.0001 loss", "lr 0.003 loss"]
    out = animate([a, b], tmp_path / "ab.png", steps="20")
    assert out.exists()
