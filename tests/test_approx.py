"""Universal-approximation constructions: the acceptance numbers of issue 4, the seed-004 example,
2-D towers, sweeps as traces, constructed vs trained, and the `nnviz bumps/step/towers` commands."""

import math

import numpy as np
import pytest
from click.testing import CliRunner

import nnviz
import nnviz.approx as A
from nnviz.versus import train_alongside
from nnviz.cli import cli
from nnviz.data import TARGETS
from nnviz.export import read_gif_info
from nnviz.nn import MLP

F = "0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)"   # seed 004's f, as the CLI takes it
f004 = TARGETS["seed004"].f
NS = (5, 10, 40, 160)


@pytest.fixture(scope="module")
def bounds():
    return A.derivative_bounds(f004, (0.0, 1.0))   # (max|f'|, max|f''|, max|f|)


def test_derivative_bounds_of_seed004(bounds):
    L, f2, M = bounds
    assert L == pytest.approx(7.0, abs=0.01)        # the issue: L = max|f'| is about 7.0
    assert f2 == pytest.approx(170.5, abs=0.5)      # max|f''| about 170
    assert M == pytest.approx(0.853, abs=1e-3)


# ------------------------------------------------------------------------- acceptance numbers
@pytest.mark.parametrize("w", [500.0, 1e5])
def test_bump_sup_error_within_staircase_bound(bounds, w):
    L, _, M = bounds
    for n in NS:
        net = A.bump_network(F, n, interval=(0, 1), w=w)
        assert isinstance(net, MLP) and net.sizes == [1, 2 * n, 1]
        sup, mean = A.approximation_error(net, samples=20001)
        w_term = A.bump_error_bound(n, (0, 1), L, w, M) - L / (2 * n)
        assert sup <= L / (2 * n) + w_term, (n, w, sup)
        assert mean < sup
        if w >= 1e5:  # large w: the w-dependent term is small, and the staircase error is nearly attained
            assert w_term < 2e-4
            assert sup > 0.5 * L / (2 * n)


def test_relu_hats_within_interpolation_bound(bounds):
    _, f2, _ = bounds
    for n in NS:
        net = A.relu_network(F, n, interval=(0, 1))
        assert net.sizes == [1, n + 1, 1] and net.activation_names == ["relu", "identity"]
        sup, _ = A.approximation_error(net, samples=20001)
        assert sup <= (1 / n) ** 2 / 8 * f2, (n, sup)
        t = np.linspace(0, 1, n + 1)
        np.testing.assert_allclose(net(t[:, None])[:, 0], f004(t), atol=1e-12)   # it interpolates


@pytest.mark.parametrize("output", ["linear", "inverse-sigmoid"])
def test_collapsed_and_2n_forms_agree(output):
    x = np.linspace(-0.3, 1.3, 4001)[:, None]
    for n in NS:
        two = A.bump_network("seed004", n, w=500, output=output)
        one = A.bump_network("seed004", n, w=500, output=output, form="collapsed")
        assert two.sizes == [1, 2 * n, 1] and one.sizes == [1, n + 1, 1]
        assert np.abs(two(x) - one(x)).max() <= 1e-12


def test_error_against_n_slopes():
    ns = (16, 32, 64, 128, 256)
    relu = A.error_vs_n("seed004", ns, method="relu")
    slope = np.polyfit(np.log(relu.n), np.log(relu.sup), 1)[0]
    assert -2.3 < slope < -1.7
    assert np.all(relu.sup <= relu.bound)
    bumps = A.error_vs_n("seed004", ns, method="bumps", w=1e6)
    slope = np.polyfit(np.log(bumps.n), np.log(bumps.sup), 1)[0]
    assert -1.2 < slope < -0.8
    assert np.all(bumps.sup <= bumps.bound)
    assert bumps.rise == pytest.approx(4.394 / 1e6, rel=1e-3)
    inv = A.error_vs_n("seed004", (5, 10, 40), method="inverse-sigmoid")
    assert inv.sup[2] < inv.sup[0] and np.isnan(inv.bound).all()


# ------------------------------------------------------------------------- single pieces
def test_step_rise_width_constant():
    # the 10%..90% rise of sigma(w x) is 2 ln 9 / w = 4.394 / w; 1%..99% is 2 ln 99 / w
    assert A.RISE_10_90 == pytest.approx(4.3944, abs=1e-4)
    assert A.RISE_1_99 == pytest.approx(9.1902, abs=1e-4)
    w, s = 500.0, 0.3
    net = A.step_network(s, w)
    assert -net.b[1][0] / net.W[1][0, 0] == pytest.approx(s)          # s = -b / w
    r = A.rise_width(w)
    y = net(np.array([[s - r / 2], [s], [s + r / 2]]))[:, 0]
    np.testing.assert_allclose(y, [0.1, 0.5, 0.9], atol=1e-12)
    assert A.rise_width(w, 0.01) == pytest.approx(A.RISE_1_99 / w)


def test_bump_from_two_neurons():
    net = A.bump_pair_network(0.4, 0.6, h=0.7, w=2000)
    np.testing.assert_allclose(net.W[2][:, 0], [0.7, -0.7])
    y = net(np.array([[0.2], [0.5], [0.8]]))[:, 0]
    np.testing.assert_allclose(y, [0, 0.7, 0], atol=1e-12)


def test_ends_are_not_halved_unless_asked():
    h0 = f004(np.array([0.05]))[0]                # first bin's midpoint height, N = 10
    full = A.bump_network("seed004", 10, w=500)
    half = A.bump_network("seed004", 10, w=500, halved_ends=True)
    assert full(np.array([[0.0]]))[0, 0] == pytest.approx(h0, abs=1e-4)
    assert half(np.array([[0.0]]))[0, 0] == pytest.approx(h0 / 2, abs=1e-12)
    assert half.construction.positions[0] == 0.0 and full.construction.positions[0] < 0.0


def test_parts_add_up_to_the_output_neurons_input():
    x = np.linspace(-0.2, 1.2, 1001)
    for net in (A.bump_network("seed004", 7), A.bump_network("seed004", 7, form="collapsed"),
                A.bump_network("seed004", 7, output="inverse-sigmoid"), A.relu_network("seed004", 7),
                A.step_network(0.4, 50), A.seed004_example()):
        parts, offset = net.parts(x)
        np.testing.assert_allclose(parts.sum(axis=0) + offset, net.pre_output(x), atol=1e-12)


def test_inverse_sigmoid_follows_logit_of_f():
    net = A.bump_network("seed004", 20, output="inverse-sigmoid")
    assert net.activation_names == ["sigmoid", "sigmoid"]
    mids = (np.arange(20) + 0.5) / 20
    np.testing.assert_allclose(net.construction.heights, np.log(f004(mids) / (1 - f004(mids))))
    sup, _ = A.approximation_error(net)            # output sigma(z) against f itself
    assert sup < 0.12


@pytest.mark.parametrize("f, interval, where", [
    ("sin(3*x)", (0, 1), "f(0)"),                  # f = 0 at the left end
    ("1.2*x", (0, 1), "f(1) = 1.2"),                # f > 1
    ("x - 0.5", (0, 1), "f(0) = -0.5"),
])
def test_inverse_sigmoid_needs_f_inside_unit_interval(f, interval, where):
    with pytest.raises(ValueError) as e:
        A.bump_network(f, 5, interval=interval, output="inverse-sigmoid")
    msg = str(e.value)
    assert "0 < f(x) < 1" in msg and where in msg and "\n" not in msg


def test_bad_arguments():
    for kwargs, fragment in [({"n": 0}, "n must be a whole number"), ({"n": 2.5}, "whole number"),
                             ({"n": 3, "w": -1}, "w must be a positive"), ({"n": 3, "output": "tanh"}, "unknown output"),
                             ({"n": 3, "form": "3n"}, "unknown form"), ({"n": 3, "interval": (1, 0)}, "a < b")]:
        with pytest.raises(ValueError, match=fragment):
            A.bump_network("seed004", **kwargs)
    with pytest.raises(ValueError, match="not finite at x = 0"):
        A.bump_network("1/x", 3, interval=(0, 1))
    with pytest.raises(ValueError, match="column 1"):
        A.bump_network("import os", 3)


# ------------------------------------------------------------------------- seed 004's own network
def test_seed004_example_is_the_articles_network():
    net = A.seed004_example()
    assert net.sizes == [1, 10, 1]
    assert net.activation_names == ["sigmoid", "identity"]
    np.testing.assert_array_equal(net.W[1][0], np.full(10, 500.0))
    np.testing.assert_allclose(net.b[1], -500 * np.array([0, .2, .2, .4, .4, .6, .6, .8, .8, 1]))
    np.testing.assert_array_equal(net.W[2][:, 0], [-1.2, 1.2, -1.6, 1.6, -.3, .3, -1, 1, 1, -1])
    assert net.b[2][0] == 0.0


def test_seed004_example_reproduces_the_articles_output():
    x = np.linspace(0, 1, 1000)                      # the article's x_values
    ours = A.seed004_example()(x[:, None])[:, 0]

    # the article's code, literally: a cut sigmoid and a scalar loop
    def sigmoid_activation(z):
        if z > 6:
            return 1
        elif z < -6:
            return 0
        return 1 / (1 + math.exp(-z))

    steps = [0, .2, .2, .4, .4, .6, .6, .8, .8, 1]
    bias_hl = np.array([-500 * s for s in steps])
    weights_output = np.array([-1.2, 1.2, -1.6, 1.6, -.3, .3, -1, 1, 1, -1])

    def nn(v):
        Z = v * np.array([500] * 10) + bias_hl
        return np.sum(np.array([sigmoid_activation(z) for z in Z]) * weights_output) + 0

    article = np.array([nn(v) for v in x])
    np.testing.assert_allclose(article, A.seed004_article_output(x), atol=1e-12)
    assert np.abs(ours - article).max() < 0.005      # cut vs true sigmoid: < sigma(-6) * 2
    # the figure: five flat bumps, and half a bump at the ends
    np.testing.assert_allclose(A.seed004_example()(np.array([[.1], [.3], [.5], [.7], [.9]]))[:, 0],
                               [-1.2, -1.6, -0.3, -1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(A.seed004_example()(np.array([[0.0], [1.0]]))[:, 0], [-0.6, 0.5], atol=1e-12)
    # ... which the article plots against sigma^-1(f): the heights are close to it at the midpoints
    mids = np.array([.1, .3, .5, .7, .9])
    assert np.abs(np.log(f004(mids) / (1 - f004(mids))) - [-1.2, -1.6, -0.3, -1.0, 1.0]).max() < 0.7


def test_seed004_figure_renders(tmp_path):
    from nnviz.render.sweeps import render_sweep

    out = render_sweep(A.Sweep([A.seed004_example()], "n", [5]), tmp_path / "seed004.png", size=(480, 360))
    from PIL import Image

    assert Image.open(out).size == (480, 360)


# ------------------------------------------------------------------------- 2-D
def test_tower_with_threshold_bias():
    h = 20.0
    tower = A.tower_network(x=(0.4, 0.6), y=(0.4, 0.6), w=500, h=h)
    assert tower.b[2][0] == -1.5 * h                  # Nielsen's b = -3h/2
    xs = np.array([0.5, 0.1, 0.5, 0.1])
    ys = np.array([0.5, 0.5, 0.1, 0.1])
    out = tower(np.column_stack([xs, ys]))[:, 0]      # inside, x-band, y-band, outside
    np.testing.assert_allclose(out, [1 / (1 + np.exp(-h / 2)), 1 / (1 + np.exp(h / 2)),
                                     1 / (1 + np.exp(h / 2)), 1 / (1 + np.exp(1.5 * h))], rtol=1e-6)
    plain = A.tower_network(threshold=False, h=1.0)   # the two bumps summed: 2h, h, h, 0
    np.testing.assert_allclose(plain(np.column_stack([xs, ys]))[:, 0], [2, 1, 1, 0], atol=1e-12)
    step = A.step2d_network(0.3, axis="y")
    assert step(np.array([[0.9, 0.1], [0.1, 0.9]]))[:, 0] == pytest.approx([0, 1], abs=1e-12)
    ridge = A.bump2d_network(0.2, 0.4, 2.0, axis="x")
    assert ridge(np.array([[0.3, 0.9], [0.6, 0.3]]))[:, 0] == pytest.approx([2, 0], abs=1e-12)


def test_grid_of_towers_as_nielsen_builds_it_fails_at_the_corners():
    f = "sin(3*x)*cos(3*y)"
    net = A.towers_network(f, (4, 3), w=2000, form="towers")
    assert net.sizes == [2, 5 + 4, 12, 1]
    assert net.activation_names == ["sigmoid", "sigmoid", "identity"]
    c = net.construction
    mx, my = (np.arange(4) + 0.5) / 4, (np.arange(3) + 0.5) / 3
    np.testing.assert_allclose(net.W[3][:, 0], (np.sin(3 * mx)[None, :] * np.cos(3 * my)[:, None]).ravel())
    # at a cell centre the output is that cell's height
    centre = np.column_stack([[mx[1]], [my[2]]])
    assert net(centre)[0, 0] == pytest.approx(c.heights[2, 1], abs=1e-4)
    # where four cells meet, every tower switches off: the failure window of the construction
    assert abs(net(np.array([[0.5, 1 / 3]]))[0, 0]) < 1e-3 < abs(f_val := np.sin(1.5) * np.cos(1.0)) and f_val
    means = [A.approximation_error2d(A.towers_network(f, n, w=5000, form="towers"), samples=121)[1] for n in (2, 4, 8)]
    assert means[0] > means[1] > means[2]
    # ... but the sup error, in the corner windows, does not fall: about max|f| however fine the grid
    inside = [A.window_errors2d(A.towers_network(f, n, form="towers"), samples=65)[0] for n in (4, 8, 16)]
    assert min(inside) > 0.7 and inside[2] > inside[1] > inside[0]
    with pytest.raises(ValueError, match="column"):
        A.towers_network("sin(x*y", 4)
    with pytest.raises(ValueError, match="unknown form 'cubes'"):
        A.towers_network(f, 4, form="cubes")


def test_grid_summed_by_quadrants_converges():
    """The default construction: threshold neurons on quadrants weighted by the mixed differences of
    the cell heights. Its sup error, corner windows included, falls at every doubling of the grid
    (measured 0.368, 0.185, 0.093, 0.047 from 4x4 to 32x32 for sin(3x)cos(3y), w = 500)."""
    f = "sin(3*x)*cos(3*y)"
    net = A.towers_network(f, (4, 3), w=2000)
    assert net.sizes == [2, 4 + 3, 12, 1] and net.construction.form == "quadrants"
    c = net.construction
    H = c.heights
    # the output weights are the mixed differences, so they sum back to the cell heights
    a = net.W[3][:, 0].reshape(3, 4)
    np.testing.assert_allclose(np.cumsum(np.cumsum(a, axis=0), axis=1), H, atol=1e-12)
    mx, my = (np.arange(4) + 0.5) / 4, (np.arange(3) + 0.5) / 3
    centres = np.column_stack([np.repeat(mx, 3), np.tile(my, 4)])
    np.testing.assert_allclose(net(centres)[:, 0], H.T.ravel(), atol=1e-3)
    # at an interior corner the output is near f there, not 0
    corner = net(np.array([[0.5, 1 / 3]]))[0, 0]
    assert abs(corner - np.sin(1.5) * np.cos(1.0)) < 0.3 and abs(corner) > 0.1
    sups, insides, outsides = [], [], []
    for n in (4, 8, 16, 32):
        m = A.towers_network(f, n)
        inside, outside = A.window_errors2d(m, samples=65)
        sups.append(max(A.approximation_error2d(m, samples=65)[0], inside))
        insides.append(inside)
        outsides.append(outside)
    assert all(a > b for a, b in zip(sups, sups[1:])), sups
    assert all(a > b for a, b in zip(insides, insides[1:])), insides
    assert sups[-1] < 0.15
    assert max(outsides) <= max(sups)


def test_towers_sweep_reports_window_errors_on_screen(tmp_path):
    sw = A.towers_sweep("sin(3*x)*cos(3*y)", "2,4,8")
    inside, outside = sw.window_errors()
    sup, _ = sw.errors()
    assert inside.shape == (3,) and np.all(sup >= np.fmax(inside, 0) - 1e-12)
    assert inside[2] < inside[1]
    from nnviz.render.sweeps import sweep_layout
    from nnviz.render.views.approx_error import SweepErrorView

    layout = sweep_layout(sw, size=(640, 480))
    layout.render(2)
    view = [v for row in layout.rows for v in row if isinstance(v, SweepErrorView)][0]
    texts = [t.get_text() for t in view.windows_text]
    assert texts == [f"sup in windows {inside[2]:.3f}", f"elsewhere {outside[2]:.3f}"]


# ------------------------------------------------------------------------- sweeps and traces
def test_parse_values():
    assert A.parse_values("1..5", "n") == [1, 2, 3, 4, 5]
    assert len(A.parse_values("1..64", "n", max_frames=10)) == 10
    w = A.parse_values("1..500", "w", max_frames=5)
    assert w[0] == 1 and w[-1] == pytest.approx(500) and np.allclose(np.diff(np.log(w)), np.log(500) / 4)
    assert A.parse_values("2,4,8", "n") == [2, 4, 8]
    for bad in ("0", "a..b", "1.5", "5..1", ""):
        with pytest.raises(ValueError, match="bad N values"):
            A.parse_values(bad, "n")
    with pytest.raises(ValueError, match="only one parameter"):
        A.bump_sweep("seed004", "1..3", w="1..5")


def test_sweep_to_trace_round_trip(tmp_path):
    sweep = A.bump_sweep("seed004", "1..6")
    tr = sweep.to_trace(tmp_path / "c.h5")
    assert list(tr.steps) == list(range(6)) and tr.sizes == [1, 12, 1]
    x = np.linspace(-0.1, 1.1, 301)[:, None]
    for k in range(6):
        np.testing.assert_allclose(tr.model_at(k)(x), sweep[k](x), atol=1e-12)   # padding is silent
    assert tr.config["init"]["construction"]["values"] == [1, 2, 3, 4, 5, 6]
    assert tr.data.target is not None
    np.testing.assert_allclose(tr.loss[2], np.mean((sweep[2](tr.data.X) - tr.data.y) ** 2))
    with pytest.raises(ValueError, match="constructed"):       # no silent random re-training
        nnviz.train(tr.config, trace=tmp_path / "again.h5")
    tr.close()


def test_constructed_vs_trained(tmp_path):
    net = A.bump_network("seed004", 5, form="collapsed", w=100)
    start = train_alongside(net, trace=tmp_path / "s.h5", steps=40, lr=0.01, from_construction=True, record="all")
    x = np.linspace(0, 1, 101)[:, None]
    np.testing.assert_allclose(start.trace.model_at(0)(x), net(x), atol=1e-12)  # starts at the construction
    assert start.trace.sizes == [1, 6, 1]
    assert start.trained_error[1] < start.constructed_error[1]                   # training helps
    fresh = train_alongside(net, trace=tmp_path / "g.h5", steps=20, lr=0.01, record="every:10")
    assert fresh.trace.config["init"]["weights"] == "glorot"
    again = nnviz.train(fresh.trace.config, trace=tmp_path / "g2.h5")              # re-trains bit for bit
    np.testing.assert_array_equal(again.loss, fresh.trace.loss)


def test_versus_view_numbers(tmp_path):
    from nnviz.render.views.versus import VersusView

    net = A.relu_network("seed004", 8)
    cmp = train_alongside(net, trace=tmp_path / "v.h5", steps=10, lr=0.01, record="all")
    view = VersusView(cmp.trace, construction=net)
    view.prepare([0, 10])
    err = np.abs(cmp.trace.model_at(10)(view.x[:, None])[:, 0] - f004(view.x))
    assert view.sup[-1] == pytest.approx(err.max()) and view.mean[-1] == pytest.approx(err.mean())


# ------------------------------------------------------------------------- rendering and CLI
def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def one_line_error(result, *fragments):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_cli_bumps_gif_and_still(tmp_path):
    out = tmp_path / "bumps.gif"
    r = run("bumps", "--function", F, "--interval", "0,1", "-n", "1..6", "-w", "500", "--size", "320x240",
            "--hold", "0", "-q", "-o", out)
    assert r.exit_code == 0, r.output
    info = read_gif_info(out)
    assert info["n_frames"] == 6 and info["size"] == (320, 240) and info["loop"] == 0
    hold = tmp_path / "hold.gif"
    r = run("bumps", "--relu", "-n", "2,4", "--size", "320x240", "--hold", "1", "--fps", "4", "-q", "-o", hold)
    assert r.exit_code == 0 and read_gif_info(hold)["n_frames"] == 2 + 4
    for name in ("still.png", "still.svg"):
        r = run("bumps", "-n", "8", "--inverse-sigmoid", "--size", "320x240", "-q", "-o", tmp_path / name)
        assert r.exit_code == 0, r.output
        assert (tmp_path / name).stat().st_size > 1000
    r = run("bumps", "--example", "-o", tmp_path / "ex.png")
    assert r.exit_code == 0 and "wrote" in r.output and "1.76" in r.output   # sup error against sigma^-1(f)


def test_cli_bumps_trace_option(tmp_path):
    r = run("bumps", "-n", "1..3", "--size", "320x240", "-q", "-o", tmp_path / "b.png", "--save-trace", tmp_path / "b.h5")
    assert r.exit_code == 0, r.output
    tr = nnviz.load_trace(tmp_path / "b.h5")
    assert list(tr.steps) == [0, 1, 2]
    r = run("animate", tmp_path / "b.h5", "--view", "fit", "--size", "320x240", "--hold", 0, "-q", "-o",
            tmp_path / "fit.gif")
    assert r.exit_code == 0 and read_gif_info(tmp_path / "fit.gif")["n_frames"] == 3


@pytest.mark.parametrize("args, fragments", [
    (["bumps", "--function", "import os"], ["unexpected name 'import' at column 1"]),
    (["bumps", "--function", "x^2"], ["column 2", "use **"]),
    (["bumps", "--function", "sin(3*x)", "--interval", "0,1", "--inverse-sigmoid"], ["0 < f(x) < 1"]),
    (["bumps", "--relu", "--inverse-sigmoid"], ["exclude each other"]),
    (["bumps", "--relu", "-w", "1..5"], ["no steepness"]),
    (["bumps", "-n", "0"], ["bad N values"]),
    (["bumps", "-n", "1..4", "-w", "1..9"], ["only one parameter"]),
    (["bumps", "--interval", "0"], ["bad --interval '0'"]),
    (["bumps", "--interval", "1,0"], ["a < b"]),
    (["towers", "--function", "sin(x*y"], ["column 8"]),
    (["towers", "--domain", "0,1"], ["bad --domain"]),
    (["step", "--step-at", "3"], ["must lie inside"]),
])
def test_cli_errors_are_one_line(tmp_path, args, fragments):
    one_line_error(run(*args, "-o", tmp_path / "x.gif"), *fragments)
    assert not (tmp_path / "x.gif").exists()


def test_cli_unsupported_output(tmp_path):
    one_line_error(run("bumps", "-o", tmp_path / "x.txt"), "unsupported output type")


def test_cli_step_and_towers(tmp_path):
    r = run("step", "-w", "1..100", "--max-frames", "5", "--size", "320x240", "--hold", "0", "-q",
            "-o", tmp_path / "s.gif")
    assert r.exit_code == 0 and read_gif_info(tmp_path / "s.gif")["n_frames"] == 5
    r = run("towers", "-n", "1..3", "--size", "400x300", "--hold", "0", "-q", "-o", tmp_path / "t.gif")
    assert r.exit_code == 0, r.output
    info = read_gif_info(tmp_path / "t.gif")
    assert info["n_frames"] == 3 and info["size"] == (400, 300)


def test_bumps_view_numbers_are_the_constructions():
    from nnviz.render.sweeps import sweep_header
    from nnviz.render.views.approx_error import SweepErrorView
    from nnviz.render.views.bumps import BumpsView

    sweep = A.bump_sweep("seed004", "2,4,8")
    view = BumpsView(sweep)
    view.prepare([0, 1, 2])
    for k in range(3):
        np.testing.assert_allclose(view.out[k], sweep[k](view.x[:, None])[:, 0])
        windows = view.windows[k]
        np.testing.assert_allclose(windows, np.unique(sweep[k].construction.positions))
    ev = SweepErrorView(sweep)
    ev.prepare([0])
    sup, mean = A.approximation_error(sweep[2], samples=2001)
    assert ev.sup[2] == pytest.approx(sup) and ev.mean[2] == pytest.approx(mean)
    assert f"sup {sup:.3f}" in sweep_header(sweep)(2)


def test_cli_versus(tmp_path):
    r = run("versus", "-n", "4", "--steps", "12", "--from-construction", "--size", "480x360", "--fps", "5",
            "-o", tmp_path / "v.gif", "--save-trace", tmp_path / "v.h5")
    assert r.exit_code == 0, r.output
    assert "constructed sup" in r.output and "trained sup" in r.output
    info = read_gif_info(tmp_path / "v.gif")
    tr = nnviz.load_trace(tmp_path / "v.h5")
    assert info["size"] == (480, 360) and info["n_frames"] == len(tr.steps) + 8  # and 1.5 s of hold at 5 fps
    assert tr.config["init"]["weights"] == "given"
    with pytest.raises(ValueError, match="given weights"):  # its config alone cannot re-train it
        nnviz.train(tr.config, trace=tmp_path / "again.h5")
    one_line_error(run("versus", "--function", "2*", "-o", tmp_path / "x.gif"), "unexpected end of expression")
