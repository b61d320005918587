"""The loss landscape: its numbers recomputed independently, planes, refusals, the view."""

import numpy as np
import pytest

import nnviz
from nnviz.landscape import LandscapeError, flat_params


def _independent_cost(trace, theta):
    """The trace's cost at flat parameters theta, through a fresh MLP, with no landscape code."""
    m = trace.model_at(trace.final_step)
    # the documented flattening order: W1 row-major, b1, W2, b2, ...
    i, params = 0, []
    for W, b in m.params():
        Wn = theta[i: i + W.size].reshape(W.shape)
        i += W.size
        bn = None
        if b is not None:
            bn = theta[i: i + b.size]
            i += b.size
        params.append((Wn, bn))
    assert i == len(theta)
    m.set_params(params)
    t = trace.config["train"]
    return m.cost(m.forward(trace.data.X), trace.data.y, t["loss"], t["l2"])


def test_flattening_order_is_documented_one(moons_trace):
    k = int(moons_trace.steps[5])
    (W1, _), (W2, b2) = moons_trace.params(k)
    theta = flat_params(moons_trace, [k])[0]
    assert b2 is None  # seed 003's network has no output bias
    b1 = moons_trace.params(k)[0][1]
    np.testing.assert_array_equal(theta, np.concatenate([W1.ravel(), b1, W2.ravel()]))
    assert theta[1] == W1[0, 1]  # row-major


@pytest.mark.parametrize("plane", ["pca", "random"])
def test_grid_points_recomputed_independently(moons_trace, plane):
    ls = nnviz.landscape(moons_trace, plane=plane, resolution=21)
    assert ls.loss.shape == (21, 21) and ls.alpha.shape == ls.beta.shape == (21,)
    assert ls.directions.shape == (2, len(ls.center)) and ls.path.shape == (len(moons_trace.steps), 2)
    for i, j in [(0, 0), (3, 17), (10, 10), (20, 5), (20, 20)]:
        theta = ls.center + ls.alpha[j] * ls.directions[0] + ls.beta[i] * ls.directions[1]
        assert ls.loss[i, j] == pytest.approx(_independent_cost(moons_trace, theta), abs=1e-12)
    assert ls.loss.min() >= 0


def test_pca_plane_holds_the_path(moons_trace):
    ls = nnviz.landscape(moons_trace)
    assert 0 < ls.explained <= 1
    np.testing.assert_allclose(ls.directions @ ls.directions.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(ls.path[-1], 0, atol=1e-12)  # the centre is the final step
    # explained = 1 - residual / movement, computed here from scratch
    D = flat_params(moons_trace) - ls.center
    resid = D - (D @ ls.directions.T) @ ls.directions
    assert ls.explained == pytest.approx(1 - (resid ** 2).sum() / (D ** 2).sum(), rel=1e-9)
    # the path lies inside the grid
    assert ls.alpha[0] <= ls.path[:, 0].min() and ls.path[:, 0].max() <= ls.alpha[-1]
    assert ls.beta[0] <= ls.path[:, 1].min() and ls.path[:, 1].max() <= ls.beta[-1]


def test_steps_plane_reproduces_the_trace_loss(tmp_path):
    tr = nnviz.train("xor", trace=tmp_path / "xor.h5", steps=60, record="all")
    a, b, c = 0, 20, 60
    ls = nnviz.landscape(tr, plane=f"steps:{a},{b},{c}", resolution=61)
    for step, (x, y) in ((a, (0.0, 0.0)), (b, (1.0, 0.0)), (c, (0.0, 1.0))):
        j, i = int(np.flatnonzero(ls.alpha == x)[0]), int(np.flatnonzero(ls.beta == y)[0])
        assert abs(ls.loss[i, j] - tr.loss[step]) < 1e-9
        k = int(np.flatnonzero(ls.steps == step)[0])
        np.testing.assert_allclose(ls.path[k], (x, y), atol=1e-9)
        assert abs(ls.path_loss[0][k] - tr.loss[step]) < 1e-9


def test_l2_term_is_in_the_surface(tmp_path):
    tr = nnviz.train("xor", trace=tmp_path / "l2.h5", steps=30, record="all", l2=0.05)
    ls = nnviz.landscape(tr, resolution=9)
    theta = ls.center + ls.alpha[2] * ls.directions[0] + ls.beta[7] * ls.directions[1]
    assert ls.loss[7, 2] == pytest.approx(_independent_cost(tr, theta), abs=1e-12)
    k = len(ls.steps) - 1
    assert ls.path_loss[0][k] == pytest.approx(tr.loss[ls.steps[k]], abs=1e-9)


def test_refusals(moons_trace, tmp_path):
    other = nnviz.train("xor", trace=tmp_path / "x.h5", steps=10)
    with pytest.raises(LandscapeError, match="different architecture") as e:
        nnviz.landscape([moons_trace, other])
    assert "\n" not in str(e.value)
    for bad, msg in (("sideways", "unknown plane"), ("steps:0,1", "three different"),
                     ("steps:0,1,99999", "not recorded")):
        with pytest.raises(LandscapeError, match=msg):
            nnviz.landscape(moons_trace, plane=bad)


# ---------------------------------------------------------------------- the 1-D line
def test_line_ends_are_the_trace_and_points_recomputed(moons_trace):
    from nnviz.landscape import landscape_line

    ln = landscape_line(moons_trace, resolution=41)
    i0, i1 = int(np.flatnonzero(ln.t == 0)[0]), int(np.flatnonzero(ln.t == 1)[0])
    assert abs(ln.loss[i0] - moons_trace.loss[0]) < 1e-9
    assert abs(ln.loss[i1] - moons_trace.loss[moons_trace.final_step]) < 1e-9
    assert ln.path_t[0] == 0 and abs(ln.path_t[-1] - 1) < 1e-12 and ln.off_line[0] == 0
    for i in (3, 17, 40):  # any point of the line, through a fresh network
        theta = ln.start + ln.t[i] * ln.direction
        assert ln.loss[i] == pytest.approx(_independent_cost(moons_trace, theta), abs=1e-12)
    # a step's projection: the nearest point of the line to its parameters
    k = 5
    theta_k = flat_params(moons_trace, [int(ln.steps[k])])[0]
    d = ln.direction
    assert ln.path_t[k] == pytest.approx((theta_k - ln.start) @ d / (d @ d), rel=1e-12)
    assert ln.path_loss[k] == pytest.approx(_independent_cost(moons_trace, ln.start + ln.path_t[k] * d), abs=1e-12)


# ---------------------------------------------------------------------- the views
def _frames(layout, steps):
    return [f for _, f in layout.frames(steps)]


def test_landscape_view_numbers_on_screen(moons_trace):
    from nnviz.render import build_layout
    from nnviz.render.views.landscape import LandscapeView, loss_text

    layout = build_layout([moons_trace], ["boundary", "landscape", "loss"], size=(640, 480))
    view = next(v for v in layout.views if isinstance(v, LandscapeView))
    frames = _frames(layout, [0, 3, 40])
    assert all(f.shape == (480, 640, 3) for f in frames) and not np.array_equal(frames[0], frames[1])
    ls = nnviz.landscape(moons_trace)  # the surface the view drew, computed again here
    np.testing.assert_array_equal(view.ls.loss, ls.loss)
    assert view.ax.get_title().startswith(f"the plane holds {100 * ls.explained:.0f} % of the path's movement")
    for step in (3, 40):
        artists = view.update(step)
        k = int(np.flatnonzero(ls.steps == step)[0])
        text = view.texts[0].get_text()
        assert text == loss_text(ls.path_loss[0][k], moons_trace.loss[step])
        # step 3 lies off the plane: both numbers are shown, the trace's as recorded
        if f"{ls.path_loss[0][k]:.3g}" != f"{moons_trace.loss[step]:.3g}":
            assert text == f"on plane {ls.path_loss[0][k]:.3g} · trace {moons_trace.loss[step]:.3g}"
        np.testing.assert_array_equal(np.column_stack(view.lines[0].get_data()), ls.path[: k + 1])
        np.testing.assert_array_equal(np.column_stack(view.dots[0].get_data()), ls.path[k: k + 1])
        # only the path, its dot and the numbers change per frame; the surface is background
        assert set(map(id, artists)) == set(map(id, view.lines + view.dots + view.texts))
    assert all(not c.get_animated() for c in view.ax.collections)


def test_landscape_view_steps_plane_shows_the_trace_loss(tmp_path):
    from nnviz.render import build_layout

    tr = nnviz.train("xor", trace=tmp_path / "xor.h5", steps=60, record="all")
    layout = build_layout([tr], ["landscape"], size=(480, 360), view_options={"landscape": {"plane": "steps:0,20,60"}})
    view = layout.views[0]
    _frames(layout, [20])
    for step in (0, 20, 60):  # on the plane: surface and trace agree to 1e-9, so one number is shown
        view.update(step)
        _, on_plane, recorded = view.numbers(0, step)
        assert abs(on_plane - tr.loss[step]) < 1e-9 and recorded == tr.loss[step]
        assert view.texts[0].get_text() == f"loss {tr.loss[step]:.3g}"
    assert view.ax.get_xlabel() == "θ(step 20) − θ(step 0)"


def test_landscape1d_view_numbers(moons_trace):
    from nnviz.landscape import landscape_line
    from nnviz.render import Layout
    from nnviz.render.views.landscape1d import Landscape1DView

    view = Landscape1DView(moons_trace)
    frame = _frames(Layout([[view]], size=(480, 360)), [7])[0]
    assert frame.shape == (360, 480, 3)
    ln = landscape_line(moons_trace)
    k = int(np.flatnonzero(ln.steps == 7)[0])
    assert view.dot.get_data()[0][0] == ln.path_t[k]
    a, b = f"{ln.path_loss[k]:.3g}", f"{moons_trace.loss[7]:.3g}"
    assert view.text.get_text() == f"t = {ln.path_t[k]:.2f}: " + (f"loss {b}" if a == b else f"on the line {a} · trace {b}")


@pytest.fixture(scope="module")
def optimiser_runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("opt")
    return [nnviz.train(f"moons-{o}", trace=d / f"moons-{o}.h5", steps=25) for o in ("gd", "adam", "lbfgs")]


def test_optimiser_presets_start_from_one_point(optimiser_runs):
    """The moons-* presets compare optimisers from the same initial weights on the same data and
    cost: their paths on one plane start at one point."""
    from nnviz.landscape import flat_params

    starts = [flat_params(tr, [0])[0] for tr in optimiser_runs]
    assert all(np.array_equal(starts[0], s) for s in starts[1:])
    ls = nnviz.landscape(optimiser_runs, resolution=5)
    assert all(np.allclose(p[0], ls.paths[0][0], atol=1e-12) for p in ls.paths)


def test_several_runs_share_one_plane(optimiser_runs):
    from nnviz.render import build_layout
    from nnviz.render.style import RUN_DASHES, THEMES
    from nnviz.render.views.landscape import loss_text

    labels = ["gd", "adam", "lbfgs"]
    layout = build_layout(optimiser_runs, ["boundary", "landscape", "loss"], labels=labels, size=(640, 480))
    assert [len(r) for r in layout.rows] == [3, 1, 1]  # boundary per run, one landscape, one loss strip
    view = layout.rows[1][0]
    frames = _frames(layout, [0, 10, 25])
    assert frames[-1].shape == (480, 640, 3)
    ls = nnviz.landscape(optimiser_runs)
    np.testing.assert_array_equal(view.ls.center, ls.center)
    assert len(view.lines) == 3
    th = THEMES["light"]
    for j, line in enumerate(view.lines):  # each path its colour and dash pattern, from the theme's table
        assert line.get_color() == th.run_color(j)
        np.testing.assert_array_equal(np.column_stack(line.get_data()), ls.paths[j][: view.point(j, 25) + 1])
        assert view.ax.get_legend().get_texts()[j].get_text().startswith(f"{labels[j]}\n")
        _, on_plane, recorded = view.numbers(j, 25)
        assert view.texts[j].get_text() == loss_text(on_plane, recorded)
        assert recorded == optimiser_runs[j].loss[min(25, optimiser_runs[j].final_step)]
    assert [line.get_linestyle() for line in view.lines] == ["-", "--", "--"]  # RUN_DASHES[0:3]: solid, dashes
    assert RUN_DASHES[1] != RUN_DASHES[2]
    assert view.ax.get_title().startswith(f"the plane holds {100 * ls.explained:.0f} % of the paths' movement")


def test_cli_landscape_movie_still_player_and_refusal(optimiser_runs, tmp_path):
    from click.testing import CliRunner
    from nnviz.cli import cli
    from nnviz.export import read_gif_info

    gd, adam, lbfgs = (str(t.path) for t in optimiser_runs)
    run = lambda *a: CliRunner().invoke(cli, [str(x) for x in a], catch_exceptions=False)
    r = run("animate", gd, "--view", "boundary,landscape,loss", "-o", tmp_path / "one.gif", "-q",
            "--opt", "landscape.plane=random", "--hold", "0")
    assert r.exit_code == 0, r.output
    assert read_gif_info(tmp_path / "one.gif")["n_frames"] == 26
    r = run("animate", gd, adam, lbfgs, "--view", "landscape", "--step", "25", "-o", tmp_path / "opt.png", "-q")
    assert r.exit_code == 0, r.output
    r = run("animate", gd, "--view", "landscape,landscape1d", "-o", tmp_path / "p.html", "-q")
    assert r.exit_code == 0, r.output and (tmp_path / "p.html").stat().st_size > 10_000
    other = nnviz.train("xor", trace=tmp_path / "xor.h5", steps=5)
    r = run("animate", gd, other.path, "--view", "landscape", "-o", tmp_path / "bad.gif")
    assert r.exit_code != 0 and not (tmp_path / "bad.gif").exists()
    assert r.output.strip().count("\n") == 0 and "different architecture" in r.output and "Traceback" not in r.output
    for bad, msg in (("landscape.plane=sideways", "unknown plane"), ("landscape.resolution=3", "resolution"),
                     ("landscape.nothing=1", "no option")):
        r = run("animate", gd, "--view", "landscape", "--opt", bad, "-o", tmp_path / "bad.gif")
        assert r.exit_code != 0 and msg in r.output and "Traceback" not in r.output, r.output


def test_gallery_captions_are_measured(tmp_path):
    """The numbers of the two landscape gallery captions, from full runs of their presets."""
    from nnviz.gallery import GALLERY
    from nnviz.render.views.landscape import LandscapeView

    captions = {e.name: e.caption for e in GALLERY}
    moons = nnviz.train("moons", trace=tmp_path / "moons.h5")
    ls = nnviz.landscape(moons)
    text = captions["landscape_moons.gif"]
    assert f"holds {100 * ls.explained:.0f} % of the path's movement" in text
    P = flat_params(moons)
    stop = int(np.flatnonzero(moons.loss == 0)[0])
    assert f"from {moons.loss[0]:.3g} to 0 by step {stop}, where the path stops" in text
    assert np.array_equal(P[stop], P[-1]) and not np.array_equal(P[stop - 1], P[-1])
    view = LandscapeView(moons)
    view.prepare([3])
    _, on_plane, recorded = view.numbers(0, 3)
    assert f"step 3: {on_plane:.3g} on the plane, {recorded:.3g} recorded" in text

    runs = [nnviz.train(f"moons-{o}", trace=tmp_path / f"{o}.h5") for o in ("gd", "momentum", "adam", "lbfgs")]
    text = captions["landscape_optimisers.gif"]
    ls = nnviz.landscape(runs)
    assert f"one plane ({100 * ls.explained:.0f} % of the paths' movement)" in text
    gd, mom, adam, lbfgs = (float(t.loss[-1]) for t in runs)
    assert f"gradient descent is at loss {gd:.3f}, momentum at {mom:.3f} and Adam at {adam:.3f}" in text
    assert f"stops at {lbfgs:.3f} after {runs[3].final_step} iterations" in text
    assert all(t.final_step == 300 for t in runs[:3]) and runs[3].final_step < 300


@pytest.mark.slow
def test_gallery_caption_of_the_harder_data_set(tmp_path):
    from nnviz.gallery import GALLERY

    text = {e.name: e.caption for e in GALLERY}["landscape_harder.gif"]
    gd, lbfgs = (nnviz.train(n, trace=tmp_path / f"{n}.h5") for n in ("harder-tanh-30x30-gd", "harder-tanh-30x30"))
    ls = nnviz.landscape([gd, lbfgs])
    assert f"(plane: {100 * ls.explained:.0f} % of the paths' movement)" in text
    assert gd.final_step == lbfgs.final_step == 600
    pc = lambda v: f"{100 * v:.0f} %"
    assert f"at loss {gd.loss[-1]:.3f} and {pc(gd.accuracy[-1])} of the training points right" in text
    assert f"to {lbfgs.loss[-1]:.3f} and {pc(lbfgs.accuracy[-1])} ({pc(lbfgs.test_accuracy[-1])} on the test set)" in text
    assert np.array_equal(flat_params(gd, [0]), flat_params(lbfgs, [0]))  # one start


def test_a_config_with_loss_auto(tmp_path):
    """train.loss = "auto" (the default) is the loss the trainer chose for the targets (bce for 0/1)."""
    tr = nnviz.train({"data": {"name": "moons", "n": 40, "noise": 0.1, "encoding": "01"}, "model": {"hidden": [4]},
                      "train": {"steps": 6, "record": "all"}}, trace=tmp_path / "auto.h5")
    assert tr.config["train"]["loss"] == "auto"
    ls = nnviz.landscape(tr, resolution=7)
    theta = ls.center + ls.alpha[3] * ls.directions[0] + ls.beta[3] * ls.directions[1]
    assert ls.loss[3, 3] == pytest.approx(_independent_cost_as(tr, theta, "bce"), abs=1e-12)
    assert abs(ls.path_loss[0][-1] - tr.loss[tr.final_step]) < 1e-9


def _independent_cost_as(trace, theta, loss):
    m = trace.model_at(trace.final_step)
    m.set_flat(theta)
    return m.cost(m.forward(trace.data.X), trace.data.y, loss, trace.config["train"]["l2"])


def test_a_still_of_a_step_only_the_longer_run_reached(tmp_path):
    """--step K of several runs: a run that stopped before K (L-BFGS converged) shows its last step."""
    from nnviz.render.animate import _shared_steps

    gd = nnviz.train("moons-gd", trace=tmp_path / "gd.h5", steps=120)
    lbfgs = nnviz.train("moons-lbfgs", trace=tmp_path / "lbfgs.h5")
    assert lbfgs.final_step < 120  # converged before
    assert _shared_steps([gd, lbfgs], "120", 150) == [120]
    with pytest.raises(ValueError, match="selects no recorded step"):
        _shared_steps([gd, lbfgs], "99999", 150)
