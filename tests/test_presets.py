"""Every seed exercise as a preset: each trains and renders; the measured claims hold.

Checked here: ode-decay ends within 1e-2 (0.0076) of the analytic solution, the 1-3-1 network
converges in 7 epochs at lr 0.3 and diverges at lr 5, the perceptron preset follows seed 001's
rule update for update and stops after 8 updates. The numbers the READMEs quote are measured in
tests/test_readme_numbers.py.
"""

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import nnviz
from nnviz.cli import cli
from nnviz.presets import PRESETS


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------- every preset
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_trains_a_few_steps_and_renders_a_frame(name, tmp_path):
    from nnviz.render import build_layout, default_views

    tr = nnviz.train(name, trace=tmp_path / f"{name}.h5", steps=3, record="all")
    assert tr.status in ("complete", "diverged"), tr.message
    assert 1 <= len(tr.all_steps) <= 4 and np.isfinite(tr.loss[0])
    views = default_views(tr)
    layout = build_layout([tr], views, size=(320, 240), title=name)
    frame = layout.render(int(tr.steps[-1]))
    assert frame.shape == (240, 320, 3) and frame.dtype == np.uint8
    assert frame.std() > 5, f"{name}: the frame is blank"


def test_presets_are_grouped_by_seed():
    seeds = {p.seed[:3] for p in PRESETS.values()}
    assert {"000", "001", "002", "003", "004"} <= seeds
    for name in ("perceptron", "digits", "digits-sklearn", "ode-decay", "xor-identity-1-lbfgs", "harder-relu-50x50",
                 "circles-squares", "harder-tanh-8-features", "spiral3"):
        assert name in PRESETS


# ---------------------------------------------------------------- seed 000: learning rates
def test_epochs_to_converge():
    from nnviz.exercises import epochs_to_converge

    assert epochs_to_converge([1.0, 0.1, 1e-7, 1e-8], 1e-6) == 2
    assert epochs_to_converge([1.0, 1e-7, 1.0, 1e-7], 1e-6) == 3   # must stay below
    assert epochs_to_converge([1.0, 0.5], 1e-6) is None
    assert epochs_to_converge([1.0, np.inf], 1e-6) is None


def test_learning_rate_study_reports_convergence_and_divergence(tmp_path):
    from nnviz.exercises import convergence_study
    from nnviz.render.study import convergence_figure

    study = convergence_study("sample131", lrs=[0.3, 2.0, 5.0], steps=300, folder=tmp_path)
    assert study.outcomes == ["converged", "oscillates", "diverged"]
    assert study.epochs == [7, None, None]
    fast, osc, div = study.traces
    assert fast.loss[7] < 1e-6 <= fast.loss[6]                      # read from the trace
    assert div.status == "diverged" and not np.isfinite(div.loss[-1]) and int(div.all_steps[-1]) == 255
    assert "diverged" in study.describe(2) and "255" in study.describe(2)
    assert "converged in 7 epochs" in study.describe(0)
    convergence_figure(study, tmp_path / "lr.png")
    assert Image.open(tmp_path / "lr.png").size == (720, 380)


# ---------------------------------------------------------------- seed 001: the perceptron rule
def test_perceptron_preset_is_the_seed_rule_update_for_update(tmp_path):
    from nnviz.exercises import perceptron_rule

    tr = nnviz.train("perceptron", trace=tmp_path / "p.h5", record="all")
    X, t = tr.data.X, tr.data.y[:, 0]

    def beta(k):
        (W, b), = tr.params(k)
        return np.concatenate([b, W[:, 0]])

    betas = perceptron_rule(X, t, beta(0), eta=0.1)
    assert len(betas) == 9                                           # 8 updates, then no error
    for k, b in enumerate(betas):
        np.testing.assert_allclose(beta(k), b, atol=1e-12)
    # the notebook's stopping rule: nothing misclassified; the loss is the summed perceptron error
    Xt = np.hstack([np.ones((len(X), 1)), X])
    assert np.all(np.sign(Xt @ betas[-1]) == t) and tr.loss[8] == 0 and tr.loss[7] > 0
    y0 = Xt @ betas[0]
    assert tr.loss[0] == pytest.approx(np.sum(np.maximum(0, -y0 * t)))
    np.testing.assert_allclose(beta(tr.final_step), betas[-1])       # no update once all are right


def test_features_are_appended_and_the_boundary_uses_them(tmp_path):
    from nnviz.data import make_dataset
    from nnviz.data.features import augment, feature_names
    from nnviz.render.views.boundary import BoundaryView

    ds = make_dataset("circles", n=20, features=["square", "sin"])
    np.testing.assert_allclose(ds.X[:, 2:4], ds.X[:, :2] ** 2)
    np.testing.assert_allclose(ds.X[:, 4:], np.sin(ds.X[:, :2]))
    assert feature_names(2, ["square", "product"]) == ["x1", "x2", "x1²", "x2²", "x1·x2"]
    with pytest.raises(ValueError, match="unknown feature 'cube'"):
        make_dataset("circles", features=["cube"])
    tr = nnviz.train("circles-squares", trace=tmp_path / "c.h5", steps=20)
    view = BoundaryView(tr)
    assert view.grid.shape[1] == 4
    np.testing.assert_allclose(view.grid, augment(view.grid[:, :2], ["square"]))
    # the field at a grid point is the network's output on that point's features
    view.prepare([20])
    model = tr.model_at(20)
    i = len(view.grid) // 3
    assert view.values[0].reshape(-1)[i] == pytest.approx(model(view.grid[i:i + 1])[0, 0], abs=1e-5)


# ---------------------------------------------------------------- seed 002: digits, ODE, grid search
def test_digits_presets_scale_the_pixels_or_not():
    from nnviz.train import build, resolve_config

    (ds, model, loss), (raw, _, _) = (build(resolve_config(name)) for name in ("digits", "digits-raw"))
    assert model.sizes == [64, 50, 10] and model.activation_names == ["sigmoid", "softmax"]
    assert ds.X.max() == 1.0 and raw.X.max() == 16.0                   # seed 002 feeds 0..16
    np.testing.assert_array_equal(raw.X, ds.X * 16)
    # the accuracies the READMEs quote (mean and range over 5 inits): tests/test_readme_numbers.py


def test_weights_view_draws_the_trace_weights(tmp_path):
    from nnviz.render.views.weights import WeightsView, weight_mosaic

    m = weight_mosaic(np.arange(2 * 4 * 3, dtype=float).reshape(1, 8, 3), (2, 4), cols=2)
    assert m.shape == (1, 5, 9) and np.isnan(m[0, 2]).all()
    np.testing.assert_array_equal(m[0, 3:5, 0:4], np.arange(24.0).reshape(8, 3)[:, 2].reshape(2, 4))
    tr = nnviz.train("digits", trace=tmp_path / "d.h5", steps=30, record="every:10")
    view = WeightsView(tr, units=6, cols=3)
    view.prepare([0, 30])
    W = tr.params(30)[0][0]
    mosaic, _ = view.mosaics["weights"]
    np.testing.assert_allclose(mosaic[1, 9:17, 0:8], W[:, 3].reshape(8, 8))     # unit 3: row 1, column 0
    change, _ = view.mosaics["change"]
    np.testing.assert_allclose(change[1, 0:8, 9:17], (W - tr.params(0)[0][0])[:, 1].reshape(8, 8))
    predicted = tr.model_at(30)(view.samples).argmax(axis=1)
    np.testing.assert_array_equal(view.predicted[1], predicted)
    assert list(view.sample_labels) == list(range(10))


def test_ode_gradient_and_derivative_are_exact():
    from nnviz.nn import MLP, initialize
    from nnviz.ode import DecayODE, forward_with_tangent, residual_and_grads

    ode = DecayODE(2.0, 10.0)
    m = MLP([1, 4, 3, 1], ["tanh", "sigmoid", "identity"])
    initialize(m, "normal", 0, "normal", 1.0, sigma=1.0)
    x = np.linspace(0, 1, 6)[:, None]
    h = 1e-6
    _, _, da = forward_with_tangent(m, x)
    np.testing.assert_allclose(da[-1], (m(x + h) - m(x - h)) / (2 * h), rtol=1e-6, atol=1e-8)
    _, bp, r = residual_and_grads(m, x, ode)
    theta = m.get_flat()
    grad = np.concatenate([g.ravel() for g in MLP.grad_list(bp)])
    num = np.array([(residual_and_grads(m.set_flat(theta + h * e), x, ode)[1].loss
                     - residual_and_grads(m.set_flat(theta - h * e), x, ode)[1].loss) / (2 * h)
                    for e in np.eye(len(theta))])
    m.set_flat(theta)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)
    assert bp.loss == pytest.approx(np.sum(r**2))


def test_ode_preset_converges_to_the_analytic_solution(tmp_path):
    from nnviz.ode import max_error, ode_of, trial_solution
    from nnviz.render.views.ode import OdeView

    tr = nnviz.train("ode-decay", trace=tmp_path / "ode.h5")
    assert tr.status == "complete" and tr.loss[-1] < 1e-3 * tr.loss[0]
    err = max_error(tr)                                             # on 201 points of [0, 1]
    assert err < 1e-2                                               # measured: 0.0076
    x = np.linspace(0, 1, 1001)
    g = trial_solution(tr.model_at(tr.final_step), x, ode_of(tr.config))
    assert g[0] == 10.0                                             # g(0) = g0 by construction
    assert np.max(np.abs(g - 10 * np.exp(-2 * x))) < 1e-2
    view = OdeView(tr)
    view.prepare([0, tr.final_step])
    assert view.max_err[-1] == pytest.approx(err, rel=1e-9) and view.max_err[0] > 1


def test_grid_search_reads_its_accuracies_from_the_traces(tmp_path):
    from nnviz.exercises import grid_search
    from nnviz.render.study import grid_search_animation, grid_search_figure

    gs = grid_search("digits", etas=[1e-2, 1e-5], lambdas=[1e-3], epochs=1, folder=tmp_path)
    assert gs.test_accuracy.shape == (2, 1) and gs.order == [(0, 0), (1, 0)]
    for i in range(2):
        tr = nnviz.load_trace(gs.paths[i, 0])
        assert tr.config["train"]["lr"] == pytest.approx(gs.etas[i] * 100)   # eta of a summed gradient
        assert tr.config["train"]["l2"] == pytest.approx(1e-3 / 100)
        assert gs.test_accuracy[i, 0] == tr.test_accuracy[-1]
    assert gs.test_accuracy[0, 0] > 0.5 > gs.test_accuracy[1, 0]            # eta 1e-5 learns nothing
    assert gs.best()[0] == 1e-2
    grid_search_figure(gs, tmp_path / "g.png")
    out = grid_search_animation(gs, tmp_path / "g.gif", fps=5, hold=1.0)
    from nnviz.export import read_gif_info

    assert read_gif_info(out)["n_frames"] == 2 + 5


# ---------------------------------------------------------------- the gallery
def test_gallery_table():
    from nnviz.gallery import GALLERY, gallery_markdown

    names = [e.name for e in GALLERY]
    assert len(names) == len(set(names))
    assert {e.seed for e in GALLERY} == {"000", "001", "002", "003", "004"}
    for e in GALLERY:
        assert e.name.endswith((".gif", ".png")) and e.caption and e.title and callable(e.render)
    md = gallery_markdown("media")
    assert md.count("![") == len(GALLERY) and "### Seed 002" in md


def test_gallery_list_and_only(tmp_path):
    from nnviz.export import read_gif_info
    from nnviz.gallery import GALLERY

    r = run("gallery", "--list")
    assert r.exit_code == 0
    for e in GALLERY:
        assert e.name in r.output
    media = tmp_path / "media"
    r = run("gallery", "--only", "seed000_activations", "--only", "seed001_perceptron.gif", "-o", media, "-q")
    assert r.exit_code == 0, r.output
    assert "2 written, 0 skipped, 0 failed" in r.output
    assert sorted(p.name for p in media.iterdir()) == ["seed000_activations.png", "seed001_perceptron.gif"]
    assert Image.open(tmp_path / "media" / "seed000_activations.png").size == (720, 400)
    info = read_gif_info(tmp_path / "media" / "seed001_perceptron.gif")
    assert info["size"] == (480, 360) and info["n_frames"] <= 80 and info["loop"] == 0
    r = run("gallery", "--only", "seed9_nothing", "-o", tmp_path / "media")
    assert r.exit_code != 0 and "no gallery entry 'seed9_nothing'" in r.output
    r = run("gallery", "--only", "002", "--list")
    assert r.exit_code == 0 and "seed002_ode.gif" in r.output and "moons.gif" not in r.output


def test_gallery_skips_what_is_not_there(tmp_path, monkeypatch):
    from nnviz import gallery

    def missing(path, ctx):
        raise gallery.Skip("the 'nothing' view is not available")

    def broken(path, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(gallery, "GALLERY", [gallery.Entry("a.gif", "000", "a", "a", missing),
                                             gallery.Entry("b.png", "000", "b", "b", broken)])
    (tmp_path / "b.png").write_bytes(b"old")
    results = gallery.render_gallery(tmp_path)
    assert [r.status for r in results] == ["skipped", "failed"]
    assert "not available" in results[0].message and "boom" in results[1].message
    assert (tmp_path / "b.png").read_bytes() == b"old"          # a failed entry keeps the old file


def test_readme_gallery_matches_the_table_and_media_folder():
    """The README's gallery section is the table's, every picture it shows is in media/, and
    media/ holds nothing the gallery does not make (renders from tests never land there)."""
    import re
    from pathlib import Path

    from nnviz.gallery import GALLERY, gallery_markdown

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert gallery_markdown("media") in readme, "README gallery is stale: paste `nnviz gallery --markdown`"
    shown = set(re.findall(r"\]\(media/([^)]+)\)", readme))
    files = {p.name for p in (root / "media").iterdir() if not p.name.startswith(".")}
    assert shown <= files, f"README shows missing files: {sorted(shown - files)}"
    assert files == {e.name for e in GALLERY}, f"files not made by the gallery: {sorted(files - {e.name for e in GALLERY})}"
    assert sum((root / "media" / f).stat().st_size for f in files) < 7.5e6   # a few MB in all (49 entries)


@pytest.mark.parametrize("script, output", [
    ("seed000_activations.py", "activations.png"),
    ("seed000_learning_rates.py", "learning_rates.png"),
    ("seed001_perceptron.py", "perceptron.gif"),
    ("seed004_bumps.py", "bumps.gif"),
    ("seed001_sklearn_xor.py", "sklearn_xor.gif"),
    ("seed000_sklearn_regressor.py", "sklearn_sin10x.gif"),
    pytest.param("torch_moons.py", "torch_moons.gif",
                 marks=pytest.mark.skipif(__import__("importlib").util.find_spec("torch") is None,
                                          reason="torch is not installed")),
])
def test_quick_examples_run(script, output, tmp_path):
    """The example scripts are for users to run: the quick ones run here, in a fresh process and
    folder, and write what they say (all 19 run in about 2 minutes: python examples/X.py)."""
    import subprocess
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / script
    p = subprocess.run([sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert (tmp_path / "out" / output).stat().st_size > 1000
    assert "Traceback" not in p.stderr
