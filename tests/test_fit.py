"""The 1-D fit view: numbers equal the trace, contributions add up to the output, files decode."""

import numpy as np
import pytest
from click.testing import CliRunner

import nnviz
from nnviz.cli import cli
from nnviz.export import read_gif_info
from nnviz.render import VIEWS, animate, build_layout, default_views
from nnviz.render.views.fit import FitView

CFG = {
    "name": "tiny-fit",
    "data": {"name": "sin2x", "n": 40},
    "model": {"hidden": [5], "activation": "tanh", "output": "identity"},
    "init": {"weights": "normal", "sigma": [2.0, 0.5], "bias": "normal", "bias_sigma": [1.0, 0.0], "seed": 0},
    "train": {"loss": "mse", "optimizer": "adam", "lr": 0.05, "steps": 30, "record": "all"},
}


@pytest.fixture(scope="module")
def fit_trace(tmp_path_factory):
    return nnviz.train(CFG, trace=tmp_path_factory.mktemp("fit") / "tiny.h5")


@pytest.fixture(scope="module")
def deep_trace(tmp_path_factory):
    cfg = {**CFG, "name": "deep", "model": {"hidden": [4, 3], "activation": "sigmoid", "output": "identity"},
           "init": {"weights": "glorot", "seed": 1}, "train": {**CFG["train"], "steps": 8}}
    return nnviz.train(cfg, trace=tmp_path_factory.mktemp("fit") / "deep.h5")


def test_registered_and_default(fit_trace, moons_trace):
    assert VIEWS["fit"] is FitView
    assert default_views(fit_trace) == ["fit", "loss"]
    assert default_views(moons_trace)[0] == "boundary"


def test_numbers_equal_the_trace(fit_trace):
    view = FitView(fit_trace)
    steps = [0, 7, 30]
    view.prepare(steps)
    x = view.x[:, None]
    for i, k in enumerate(steps):
        model = fit_trace.model_at(k)
        fp = model.forward(x)
        np.testing.assert_allclose(view.output[i], fp.output[:, 0], atol=1e-12)        # the output
        v = fit_trace.params(k)[1][0][:, 0]
        np.testing.assert_allclose(view.contrib[i], (fp.a[1] * v).T, atol=1e-12)      # v_j a_j(x)
        np.testing.assert_allclose(view.bias[i], fit_trace.params(k)[1][1][0])          # b_L
        # the thin curves plus the output bias add up to the thick one
        np.testing.assert_allclose(view.contrib[i].sum(axis=0) + view.bias[i], view.output[i], atol=1e-12)
    np.testing.assert_allclose(view.target, np.sin(2 * view.x))


def test_update_draws_those_numbers(fit_trace):
    lay = build_layout([fit_trace], ["fit"], size=(480, 360))
    frame = lay.render(30)                                      # frames() prepares and sets up
    assert frame.shape == (360, 480, 3)
    view = lay.views[0]
    view.update(30)
    xd, yd = view.out_line.get_data()
    np.testing.assert_allclose(yd, np.clip(view.output[-1], *view.ylim))
    segs = view.lines.get_segments()
    assert len(segs) == 5
    np.testing.assert_allclose(np.array([s[:, 1] for s in segs]).sum(0) + view.bias[-1], view.output[-1], atol=1e-12)
    v = fit_trace.params(30)[1][0][:, 0]
    colors = view.lines.get_colors()
    th = view.theme
    from matplotlib.colors import to_rgba

    for vj, c in zip(v, colors):
        assert np.allclose(c[:3], to_rgba(th.positive if vj >= 0 else th.negative)[:3])


def test_deep_network_uses_the_last_hidden_layer(deep_trace):
    view = FitView(deep_trace)
    view.prepare([8])
    assert view.contrib.shape[1] == 3
    z = deep_trace.model_at(8).forward(view.x[:, None]).z[-1][:, 0]
    np.testing.assert_allclose(view.contrib[0].sum(0) + view.bias[0], z, atol=1e-12)


def test_residual_panel(fit_trace):
    view = FitView(fit_trace, residual=True)
    view.prepare([0, 30])
    np.testing.assert_allclose(view.res[1], view.output[1] - np.sin(2 * view.x))
    lay = build_layout([fit_trace], ["fit"], size=(480, 360), view_options={"fit": {"residual": True}})
    assert lay.render(30).shape == (360, 480, 3)


def test_off_scale_output_gets_a_note(fit_trace):
    from nnviz.render import Layout

    view = FitView(fit_trace)
    Layout([[view]], size=(480, 360)).render(0)                # prepare, set up, draw once
    assert view.note.get_text() == ""
    view.output[0] += 100.0                                     # pretend the network ran away
    view.update(0)
    assert view.note.get_text().startswith("network off scale")
    assert np.all(view.out_line.get_data()[1] <= view.ylim[1])  # drawn along the edge, not lost


def test_rejects_other_networks(moons_trace):
    with pytest.raises(ValueError, match="1 input and 1 output") as e:
        FitView(moons_trace)
    assert "\n" not in str(e.value)


def test_gif_decodes(fit_trace, tmp_path):
    out = animate(fit_trace, tmp_path / "fit.gif", steps="0:30:3", size=(480, 360), fps=10)
    info = read_gif_info(out)
    assert info["n_frames"] == 11 and info["size"] == (480, 360) and info["loop"] == 0
    still = animate(fit_trace, tmp_path / "fit.svg", steps="30", size=(480, 360))
    assert still.stat().st_size > 5000


def test_cli_animate_fit(fit_trace, tmp_path):
    r = CliRunner().invoke(cli, ["animate", str(fit_trace.path), "--view", "fit,loss", "--size", "320x240",
                                 "--frames", "0:30:10", "--hold", "0", "-q", "-o", str(tmp_path / "a.gif")])
    assert r.exit_code == 0, r.output
    assert read_gif_info(tmp_path / "a.gif")["n_frames"] == 4
    r = CliRunner().invoke(cli, ["animate", str(fit_trace.path), "--step", "30", "-q", "-o", str(tmp_path / "a.png")])
    assert r.exit_code == 0 and (tmp_path / "a.png").stat().st_size > 5000
