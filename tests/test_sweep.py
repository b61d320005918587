"""Sweeps: grids of runs from the API and the CLI, resumed, in parallel, on Dask, under faults.

Every number checked here is read back from the runs' traces; the faults (a killed sweep, a killed
worker, a full disk, an unreachable scheduler) are real ones, in subprocesses.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import nnviz
from nnviz.config import ConfigError
from nnviz.sweeps import SweepError, SweepIndexError, load_sweep, read_index, sweep
from nnviz.sweeps.grid import canonical_key, normalise_grid, parse_values, run_name

CLI = [sys.executable, "-c", "from nnviz.cli import main; main()"]
TINY = {"steps": 30, "record": "none"}


def cli(*args, timeout=300):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, timeout=timeout)


def last_line(p):
    assert "Traceback" not in p.stderr, p.stderr
    return p.stderr.strip().splitlines()[-1].split("\r")[-1].strip()


def base():
    from nnviz.build import resolve_config

    return resolve_config("moons")


# ---------------------------------------------------------------------------- the grid
def test_grid_keys_values_and_ranges():
    cfg = base()
    assert canonical_key("lr") == "train.lr" and canonical_key("hidden") == "model.hidden"
    assert canonical_key("train.batch_size") == "train.batch_size" and canonical_key("data.noise") == "data.noise"
    vals = parse_values("train.lr", "1e-4..1:9log", cfg)
    assert len(vals) == 9 and vals[0] == 1e-4 and vals[-1] == 1.0 and vals[4] == 0.01
    assert np.allclose(np.diff(np.log10(vals)), 0.5)
    assert parse_values("train.steps", "100..400:4", cfg) == [100, 200, 300, 400]
    assert parse_values("train.steps", "1..3", cfg) == [1, 2, 3]
    assert parse_values("model.hidden", "4,8,16x16", cfg) == [[4], [8], [16, 16]]
    assert parse_values("model.hidden", [4, [8, 8]], cfg) == [[4], [8, 8]]
    assert parse_values("train.lr", "0.1,0.1,1", cfg) == [0.1, 1.0]             # repeated values once
    assert parse_values("data.noise", "0..0.3:4", cfg) == [0.0, 0.1, 0.2, 0.3]
    assert normalise_grid({"lr": "0.1", "activation": "tanh,relu"}, cfg) == [
        ("train.lr", [0.1]), ("model.activation", ["tanh", "relu"])]
    assert run_name({"train.lr": 0.01, "model.hidden": [16, 16]}, 3, ["train.lr", "model.hidden"]) == \
        "lr=0.01_hidden=16x16_seed=3"


@pytest.mark.parametrize("grid, message", [
    ({"lrr": "0.1"}, "unknown grid key 'lrr'; valid keys:"),
    ({"train.lrr": "0.1"}, "unknown grid key 'train.lrr'"),
    ({"lr": "fast"}, "bad value 'fast' for grid key 'train.lr': it takes a number"),
    ({"steps": "1.5"}, "bad value '1.5' for grid key 'train.steps': it takes a whole number"),
    ({"lr": "-1,0.1"}, "grid cell lr=-1: 'train.lr' must be a positive number"),
    ({"hidden": "4,eight"}, "bad value 'eight' for grid key 'model.hidden'"),
    ({"activation": "tanh,swoosh"}, "grid cell activation=swoosh: unknown activation"),
    ({"optimizer": "adamw"}, "grid cell optimizer=adamw"),
    ({"data.nosie": "0.1"}, "grid cell nosie=0.1"),
    ({"lr": "1..0.1:3log"}, "low <= high"),
    ({"seed": "1,2"}, "ambiguous"),
])
def test_bad_grids_fail_before_any_run(tmp_path, grid, message):
    with pytest.raises(ConfigError, match=None) as e:
        sweep("moons", grid=grid, out=tmp_path / "s", jobs=1, **TINY)
    assert message in str(e.value), str(e.value)
    assert not (tmp_path / "s").exists()                                     # nothing was written


# ---------------------------------------------------------------------------- the table and the index
def test_sweep_table_index_and_traces_agree(tmp_path):
    out = tmp_path / "s"
    t = sweep("moons", grid={"lr": [0.1, 1.0], "hidden": "2,8"}, seeds=2, out=out, jobs=1, **TINY)
    assert len(t) == 8 and t.keys == ["train.lr", "model.hidden"]
    assert [(r["train.lr"], r["model.hidden"], r["seed"]) for r in t][:3] == [(0.1, [2], 0), (0.1, [2], 1),
                                                                              (0.1, [8], 0)]
    for r in t:
        with nnviz.load_trace(r["trace"]) as tr:                         # every number is the trace's
            assert tr.config["train"]["lr"] == r["train.lr"] and tr.config["model"]["hidden"] == r["model.hidden"]
            assert tr.config["init"]["seed"] == r["seed"] and tr.config["train"]["steps"] == 30
            assert r["loss"] == float(tr.loss[-1]) and r["accuracy"] == float(tr.accuracy[-1])
            assert r["status"] == tr.status == "complete" and r["steps"] == 30 and r["seconds"] > 0
    index = json.loads((out / "sweep.json").read_text())
    assert index["format"] == "nnviz-sweep" and index["grid"] == [["train.lr", [0.1, 1.0]], ["model.hidden", [[2], [8]]]]
    assert index["seeds"] == [0, 1] and len(index["runs"]) == 8 and index["base"]["train"]["steps"] == 30
    assert all(Path(out, r["trace"]).is_file() for r in index["runs"])
    csv = (out / "sweep.csv").read_text().splitlines()
    assert csv[0].startswith("run,train.lr,model.hidden,seed,status,loss,accuracy") and len(csv) == 9
    assert csv[1].startswith("lr=0.1_hidden=2_seed=0,0.1,2,0,complete,")
    assert [r["run"] for r in load_sweep(out)] == [r["run"] for r in t]
    df = pytest.importorskip("pandas") and t.df
    assert df.shape[0] == 8 and list(df["seed"]) == [0, 1] * 4 and df["accuracy"].tolist() == [r["accuracy"] for r in t]


def test_resume_skips_finished_runs_and_redoes_the_rest(tmp_path):
    out = tmp_path / "s"
    t1 = sweep("moons", grid={"lr": [0.1, 1.0]}, out=out, jobs=1, **TINY)
    stamps = {r["run"]: os.stat(r["trace"]).st_mtime_ns for r in t1}
    # the sweep was killed after run 2's trace was renamed into place but before its index entry:
    index = json.loads((out / "sweep.json").read_text())
    index["runs"][1].update(status="pending", loss=None)
    (out / "sweep.json").write_text(json.dumps(index))
    t2 = sweep("moons", grid={"lr": [0.1, 1.0, 0.5]}, out=out, jobs=1, **TINY)   # the grid grows by one
    assert [r["status"] for r in t2] == ["complete"] * 3
    assert all(os.stat(r["trace"]).st_mtime_ns == stamps[r["run"]] for r in t2[:2])   # not trained again
    assert t2[1]["loss"] == t1[1]["loss"]                                   # recovered from its trace
    # a trace that is gone, or that is not this run's config, is trained again
    Path(t2[0]["trace"]).unlink()
    t3 = sweep("moons", grid={"lr": [0.1, 1.0, 0.5]}, out=out, jobs=1, **TINY)
    assert Path(t3[0]["trace"]).is_file() and t3[0]["loss"] == t1[0]["loss"]
    # a smaller grid shows its own runs; the others stay in the index and on disk
    t4 = sweep("moons", grid={"lr": [1.0]}, out=out, jobs=1, **TINY)
    assert [r["run"] for r in t4] == ["lr=1"] and len(json.loads((out / "sweep.json").read_text())["runs"]) == 3


def test_folders_that_hold_something_else_are_refused(tmp_path):
    out = tmp_path / "s"
    sweep("moons", grid={"lr": [0.1]}, out=out, jobs=1, **TINY)
    with pytest.raises(SweepError, match=r"holds another sweep \(train.steps is 30 there, 40 here\)"):
        sweep("moons", grid={"lr": [0.1]}, out=out, jobs=1, steps=40, record="none")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="is not empty and holds no sweep"):
        sweep("moons", grid={"lr": [0.1]}, out=mine, jobs=1, **TINY)
    assert (mine / "notes.txt").read_text() == "mine"
    (out / "sweep.json").write_text('{"format": "nnviz-sweep", "version": 1, "runs": "oops"')
    before = (out / "sweep.json").read_bytes()
    with pytest.raises(SweepIndexError, match="damaged: not valid JSON"):
        sweep("moons", grid={"lr": [0.1]}, out=out, jobs=1, **TINY)
    assert (out / "sweep.json").read_bytes() == before                     # never overwritten
    (out / "sweep.json").write_text(json.dumps({"format": "nnviz-sweep", "version": 1, "grid": [], "base": {},
                                                "runs": [{"run": "x", "trace": "../../etc/passwd"}]}))
    with pytest.raises(SweepIndexError, match="outside the folder"):
        load_sweep(out)


def test_diverged_runs_are_kept_and_hatched(tmp_path):
    from nnviz.render.sweep_figures import DIVERGED_HATCH, summary_figure
    from nnviz.sweeps.summary import cells_of, summary_lines

    t = sweep("sample131", grid={"lr": [0.3, 5.0]}, out=tmp_path / "s", jobs=1, steps=300, record="none")
    assert [r["status"] for r in t] == ["complete", "diverged"]
    assert t[1]["loss"] is None and t[1]["steps"] == 255 and "loss became inf at step 255" in t[1]["message"]
    c = cells_of(t, "loss")
    assert c.diverged.tolist() == [0, 1] and c.runs.tolist() == [1, 1]
    assert np.isnan(c.mean[1]) and c.mean[0] == t[0]["loss"]
    lines = summary_lines(t)
    assert lines[0].startswith(f"best final loss {t[0]['loss']:.4g} at (lr=0.3)") and "diverged: 1 cell (lr=5)" in lines
    fig = summary_figure(t, tmp_path / "s" / "summary.png", size=(640, 480))
    hatched = [p for ax in fig.axes for p in ax.patches if p.get_hatch() == DIVERGED_HATCH]
    assert len(hatched) == 1
    from PIL import Image

    assert Image.open(tmp_path / "s" / "summary.png").size == (640, 480)


# ---------------------------------------------------------------------------- backends
def test_local_pool_gives_the_same_runs_as_one_after_another(tmp_path):
    grid = {"lr": [0.1, 1.0], "hidden": [2, 8]}
    a = sweep("moons", grid=grid, seeds=2, out=tmp_path / "a", jobs=1, **TINY)
    b = sweep("moons", grid=grid, seeds=2, out=tmp_path / "b", jobs=2, **TINY)
    assert [r["run"] for r in a] == [r["run"] for r in b]
    for ra, rb in zip(a, b):
        with nnviz.load_trace(ra["trace"]) as ta, nnviz.load_trace(rb["trace"]) as tb:
            assert np.array_equal(ta.loss, tb.loss)                         # bit for bit
    assert len({r["pid"] for r in b}) == 2 and os.getpid() not in {r["pid"] for r in b}
    assert {r["pid"] for r in a} == {os.getpid()}


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_backend_on_a_local_cluster(tmp_path, dask_client):
    grid = {"lr": [0.1, 1.0]}
    local = sweep("moons", grid=grid, seeds=2, out=tmp_path / "local", jobs=1, **TINY)
    for ship in (None, True):                 # written by the workers / shipped back as bytes
        out = tmp_path / f"dask-{ship}"
        t = sweep("moons", grid=grid, seeds=2, out=out, backend="dask", scheduler=dask_client, ship=ship, **TINY)
        assert [r["status"] for r in t] == ["complete"] * 4
        assert {r["pid"] for r in t} <= {p for p in dask_client.run(os.getpid).values()}
        for ra, rb in zip(local, t):
            with nnviz.load_trace(ra["trace"]) as ta, nnviz.load_trace(rb["trace"]) as tb:
                assert np.array_equal(ta.loss, tb.loss)
        assert not (out / ".nnviz-sweep-probe").exists()
    # workers import this very nnviz
    assert set(dask_client.run(lambda: __import__("nnviz").__file__).values()) == {nnviz.__file__}


def test_unreachable_scheduler_is_one_line(tmp_path):
    pytest.importorskip("distributed")
    with pytest.raises(SweepError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 1 s"):
        sweep("moons", grid={"lr": [0.1]}, out=tmp_path / "s", backend="dask", scheduler="tcp://127.0.0.1:9",
              connect_timeout=1, **TINY)
    p = cli("sweep", "moons", "--grid", "lr=0.1", "--steps", 5, "--backend", "dask", "--scheduler",
            "tcp://127.0.0.1:9", "--timeout", 1, "-o", tmp_path / "c")
    assert p.returncode == 1 and last_line(p).startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")


# ---------------------------------------------------------------------------- the CLI
def test_cli_sweep_writes_index_and_figure_and_resumes(tmp_path):
    out = tmp_path / "s"
    p = cli("sweep", "moons", "--grid", "lr=0.01..1:3log", "--grid", "hidden=2,8", "--seeds", 2, "--steps", 20,
            "--record", "none", "--jobs", 2, "-o", out)
    assert p.returncode == 0, p.stderr
    assert "12 runs in" in p.stdout and "best final loss" in p.stdout and "summary.png" in p.stdout
    assert (out / "summary.png").stat().st_size > 10_000 and len(json.loads((out / "sweep.json").read_text())["runs"]) == 12
    stamps = sorted(os.stat(f).st_mtime_ns for f in out.glob("*.h5"))
    p = cli("sweep", "moons", "--grid", "lr=0.01..1:3log", "--grid", "hidden=2,8", "--seeds", 2, "--steps", 20,
            "--record", "none", "-o", out, "-q")
    assert p.returncode == 0 and sorted(os.stat(f).st_mtime_ns for f in out.glob("*.h5")) == stamps


@pytest.mark.parametrize("args, fragment", [
    (["--grid", "lrr=0.1"], "Error: unknown grid key 'lrr'; valid keys:"),
    (["--grid", "lr=abc"], "Error: bad value 'abc' for grid key 'train.lr': it takes a number"),
    (["--grid", "lr"], "bad --grid 'lr': write KEY=VALUES"),
    (["--grid", "lr=0.1", "--seeds", "x"], "is not a number of seeds"),
    ([], "Error: give at least one --grid KEY=VALUES"),
    (["--grid", "lr=0.1", "--scheduler", "tcp://x:1"], "Error: --scheduler needs --backend dask"),
])
def test_cli_bad_input_is_one_line(tmp_path, args, fragment):
    p = cli("sweep", "moons", *args, "-o", tmp_path / "s")
    assert p.returncode in (1, 2) and fragment in last_line(p), p.stderr
    assert not (tmp_path / "s").exists()


def _wait_for(pred, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def _done(out):
    try:
        return sum(r["status"] == "complete" for r in json.loads((out / "sweep.json").read_text())["runs"])
    except (OSError, ValueError):
        return 0


def test_a_killed_sweep_keeps_its_finished_runs_and_resumes(tmp_path):
    out = tmp_path / "s"
    args = ["sweep", "digits", "--grid", "lr=0.1,0.2,0.3,0.4", "--steps", 400, "--record", "none", "--jobs", 1,
            "-q", "-o", out]
    run = subprocess.Popen(CLI + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: _done(out) >= 1)
    run.send_signal(signal.SIGKILL)
    run.wait()
    index = json.loads((out / "sweep.json").read_text())
    finished = [r for r in index["runs"] if r["status"] == "complete"]
    assert 1 <= len(finished) < 4
    stamps = {r["trace"]: os.stat(out / r["trace"]).st_mtime_ns for r in finished}
    for r in finished:
        with nnviz.load_trace(out / r["trace"]) as tr:
            assert tr.status == "complete" and r["test_accuracy"] == float(tr.test_accuracy[-1])
    p = cli(*args)
    assert p.returncode == 0, p.stderr
    assert all(os.stat(out / t).st_mtime_ns == s for t, s in stamps.items())     # kept, not redone
    assert _done(out) == 4 and not list(out.glob("*.partial")) and not list(out.glob(".*lock"))


def test_a_worker_killed_for_real_is_retried(tmp_path):
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "s"
    args = ["sweep", "digits", "--grid", "lr=0.1,0.2,0.3,0.4", "--steps", 400, "--record", "none", "--jobs", 2,
            "-q", "-o", out]
    run = subprocess.Popen(CLI + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(run.pid)

    def workers():  # the pool's processes, forked by the forkserver (a child of the sweep)
        return [p for p in parent.children(recursive=True) if p.ppid() != run.pid]

    assert _wait_for(lambda: len(workers()) == 2 and list(out.glob("*.h5.partial")))
    killed = workers()[0]
    killed.send_signal(signal.SIGKILL)
    _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert "a worker process died; starting" in err and "Traceback" not in err
    t = load_sweep(out)
    assert [r["status"] for r in t] == ["complete"] * 4 and killed.pid not in {r["pid"] for r in t}


@pytest.fixture
def small_disk(tmpfs):
    return tmpfs("4m")


def test_a_full_disk_is_one_line_and_keeps_the_finished_runs(small_disk):
    out = small_disk / "s"
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * 2_000_000)
    # each trace holds 4 steps' tensors, about 0.75 MB: one or two fit beside the filler, not four
    args = ["sweep", "moons", "--grid", "lr=0.01..1:4log", "--steps", 60, "--record", "every:20", "--jobs", 1,
            "--no-figure", "-q", "-o", out]
    p = cli(*args)
    assert p.returncode == 1, p.stderr
    line = last_line(p)
    assert line.startswith("Error: ") and "runs are finished and kept in" in line and "run the same sweep again" in line
    assert "no space left on device" in line or "the disk has" in line   # mid-run, or refused up front
    index = json.loads((out / "sweep.json").read_text())
    finished = [r for r in index["runs"] if r["status"] == "complete"]
    assert 1 <= len(finished) < 4 and not list(out.glob("*.partial"))
    stamps = {}
    for r in finished:
        stamps[r["trace"]] = os.stat(out / r["trace"]).st_mtime_ns
        with nnviz.load_trace(out / r["trace"]) as tr:
            assert tr.status == "complete" and r["loss"] == float(tr.loss[-1])
    filler.unlink()                                                        # space again: the sweep resumes
    p = cli(*args)
    assert p.returncode == 0, p.stderr
    assert _done(out) == 4 and all(os.stat(out / t).st_mtime_ns == s for t, s in stamps.items())


# ---------------------------------------------------------------------------- presets and pictures
def test_seed000_lr_study_preset_is_the_convergence_study(tmp_path):
    from nnviz.exercises import convergence_study

    t = sweep("seed000-lr-study", out=tmp_path / "s", jobs=1)
    study = convergence_study("sample131", folder=tmp_path / "study")
    assert [r["train.lr"] for r in t] == study.lrs == [0.03, 0.1, 0.3, 1.0, 2.0, 5.0]
    assert [r["status"] for r in t] == ["complete"] * 5 + ["diverged"]
    assert [r["loss"] for r in t[:5]] == [float(tr.loss[-1]) for tr in study.traces[:5]]


def test_seed002_grid_preset_reduced(tmp_path):
    """The seed's grid at 1 epoch (14 steps) on two of its etas: the full 100-epoch grid is the
    `minutes` test of the README numbers."""
    p = cli("sweep", "seed002-grid", "--grid", "train.lr=0.1,1", "--grid", "train.l2=1e-7,1e-5", "--steps", 14,
            "-q", "-o", tmp_path / "g")
    assert p.returncode == 0, p.stderr
    t = load_sweep(tmp_path / "g")
    assert len(t) == 4 and t.index["display"]["train.lr"] == {"label": "η", "scale": 0.01}
    for r in t:
        with nnviz.load_trace(r["trace"]) as tr:
            assert tr.config["train"]["batch_size"] == 100 and tr.config["train"]["steps"] == 14
            assert r["test_accuracy"] == float(tr.test_accuracy[-1])
    from nnviz.sweeps.summary import summary_lines

    best = max(t, key=lambda r: r["test_accuracy"])
    line = summary_lines(t)[0]
    assert line.startswith(f"best test accuracy {best['test_accuracy']:.1%} ("
                           f"{round(best['test_accuracy'] * 359)} of 359 images)"), line
    assert f"η={best['train.lr'] / 100:g}" in line                        # shown in the seed's units


@pytest.fixture(scope="module")
def xor_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("xor") / "s"
    sweep("xor", grid={"lr": [0.05, 0.3], "hidden": [2, 4]}, seeds=2, out=out, jobs=1, steps=60)
    return out


@pytest.mark.parametrize("size", [(640, 480), (1280, 720), (1920, 1080)])
def test_summary_figure_text_is_legible_at_every_size(xor_sweep, size):
    """The sweep's summary still: no text under 2 % of the picture's height (a README or a slide)."""
    from matplotlib.text import Text

    from nnviz.render.sweep_figures import summary_figure
    from nnviz.sweeps import load_sweep

    fig = summary_figure(load_sweep(xor_sweep), size=size)
    fig.canvas.draw()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    px = [t.get_fontsize() * fig.dpi / 72 for t in texts]
    assert len(texts) > 10 and min(px) >= 0.02 * size[1] - 0.01, sorted(px)[:3]


@pytest.mark.parametrize("view", ["grid", "curves"])
def test_animate_sweep_folder(xor_sweep, tmp_path, view):
    from nnviz.export import read_gif_info

    out = tmp_path / f"{view}.gif"
    p = cli("animate", xor_sweep, "--view", view, "-o", out, "--size", "640x480", "--max-frames", 12, "--fps", 10, "-q")
    assert p.returncode == 0, p.stderr
    info = read_gif_info(out)
    assert tuple(info["size"]) == (640, 480) and info["n_frames"] >= 12


def test_sweep_movie_heatmap_is_the_metric_at_each_step(xor_sweep):
    from nnviz.render.sweep_movie import SweepHeatmap, build_sweep_layout

    t = load_sweep(xor_sweep)
    layout, steps = build_sweep_layout(t, "grid", size=(1280, 720))
    heat = [v for v in layout.views if isinstance(v, SweepHeatmap)][0]
    heat.prepare(steps)
    k = steps[len(steps) // 2]
    rows = [r for r in t if r["train.lr"] == 0.3 and r["model.hidden"] == [4]]
    values = []
    for r in rows:
        with nnviz.load_trace(r["trace"]) as tr:
            values.append(tr.loss[k])
    assert heat.mean[steps.index(k), 1, 1] == pytest.approx(np.mean(values), rel=1e-12)
    frame = layout.render(k)
    assert frame.shape == (720, 1280, 3) and frame.dtype == np.uint8


def test_animate_grid_refuses_what_it_cannot_draw(tmp_path):
    sweep("digits", grid={"lr": [0.1]}, out=tmp_path / "d", jobs=1, steps=3)
    p = cli("animate", tmp_path / "d", "--view", "grid", "-o", tmp_path / "d.gif")
    assert p.returncode == 1 and "use --view curves" in last_line(p)
    p = cli("animate", tmp_path / "d", "--view", "boundary", "-o", tmp_path / "d.gif")
    assert p.returncode == 1 and "a sweep folder is drawn with --view grid or --view curves" in last_line(p)
    assert not (tmp_path / "d.gif").exists()


def test_nnviz_sweep_is_the_public_entry(tmp_path):
    t = nnviz.sweep("moons", grid={"lr": "0.1..1:2log"}, out=tmp_path / "s", jobs=1, **TINY)
    assert [r["train.lr"] for r in t] == [0.1, 1.0] and nnviz.load_sweep(tmp_path / "s")[1]["run"] == "lr=1"


# ---------------------------------------------------------------------------- your own training function
def numpy_run(trace, seed, lr, hidden, steps=20, fail=None):
    """A hand-written numpy loop (full-batch gradient descent on moons) recorded by nnviz.Recorder."""
    if fail is not None and [lr, hidden] == fail:
        raise RuntimeError(f"no run at lr={lr}\nthis second line is not the message")
    from nnviz.data import moons

    d = moons(n=60, noise=0.1, seed=0, encoding="01")
    X, y = d.X, d.labels
    rng = np.random.default_rng(seed)
    W1, b1, W2, b2 = rng.normal(size=(2, hidden)), np.zeros(hidden), rng.normal(size=(hidden, 1)), np.zeros(1)
    with nnviz.Recorder(trace, X, y, sizes=[2, hidden, 1], activations=["tanh", "sigmoid"], loss="bce", lr=lr,
                        record="every:5", steps=steps) as rec:
        for k in range(steps + 1):
            rec.step(k, params=[(W1, b1), (W2, b2)])
            h = np.tanh(X @ W1 + b1)
            p = 1 / (1 + np.exp(-(h @ W2 + b2)))
            d2 = (p - y[:, None]) / len(X)
            d1 = (d2 @ W2.T) * (1 - h**2)
            W2, b2 = W2 - lr * h.T @ d2, b2 - lr * d2.sum(0)
            W1, b1 = W1 - lr * X.T @ d1, b1 - lr * d1.sum(0)


FN_GRID = {"lr": [0.1, 1.0], "hidden": [2, 4]}


def test_function_sweep_index_is_its_traces(tmp_path):
    t = sweep(numpy_run, grid=FN_GRID, seeds=2, out=tmp_path / "s", jobs=1)
    assert [r["run"] for r in t][:3] == ["lr=0.1_hidden=2_seed=0", "lr=0.1_hidden=2_seed=1", "lr=0.1_hidden=4_seed=0"]
    assert len(t) == 8 and {r["status"] for r in t} == {"complete"}
    index = json.loads((tmp_path / "s" / "sweep.json").read_text())
    assert index["base"] == {"name": "numpy_run", "function": "test_sweep:numpy_run", "arguments": {}}
    assert index["grid"] == [["lr", [0.1, 1.0]], ["hidden", [2, 4]]] and index["metric"] == "loss"
    for row, entry in zip(t, index["runs"]):
        with nnviz.load_trace(row["trace"]) as tr:
            assert tr.source == "numpy" and tr.sizes == [2, row["hidden"], 1]
            assert tr.config["train"]["lr"] == row["lr"] == entry["lr"]
            assert entry["loss"] == tr.loss[-1] and entry["accuracy"] == tr.accuracy[-1]   # read from the trace
            assert entry["steps"] == 20 and entry["test_loss"] is None
    seeds = {r["seed"]: r["loss"] for r in t if r["lr"] == 1.0 and r["hidden"] == 4}
    assert seeds[0] != seeds[1]                                              # the seed reaches the function
    csv = (tmp_path / "s" / "sweep.csv").read_text().splitlines()
    assert csv[0].startswith("run,lr,hidden,seed,status,loss") and len(csv) == 9
    from nnviz.render.sweep_figures import summary_figure

    summary_figure(load_sweep(tmp_path / "s"), tmp_path / "summary.png", size=(640, 480))
    import imageio.v3 as iio

    assert iio.imread(tmp_path / "summary.png").shape[:2] == (480, 640)


def test_function_sweep_resumes_grows_and_refuses_other_arguments(tmp_path):
    out = tmp_path / "s"
    first = sweep(numpy_run, grid=FN_GRID, out=out, jobs=1, steps=10)
    stamps = {r["run"]: Path(r["trace"]).stat().st_mtime_ns for r in first}
    again = sweep(numpy_run, grid={**FN_GRID, "hidden": [2, 4, 8]}, out=out, jobs=1, steps=10)
    assert len(again) == 6 and {r["status"] for r in again} == {"complete"}
    for r in again:
        if r["run"] in stamps:                                               # finished: kept, not run again
            assert Path(r["trace"]).stat().st_mtime_ns == stamps[r["run"]] and "pid" not in r
        else:
            assert r["hidden"] == 8 and r["pid"] == os.getpid()
    assert [r["loss"] for r in again if r["run"] in stamps] == [r["loss"] for r in first]
    with pytest.raises(SweepError, match=r"holds another sweep \(arguments.steps is 10 there, 20 here\)"):
        sweep(numpy_run, grid=FN_GRID, out=out, jobs=1, steps=20)


def test_a_function_that_raises_fails_its_cell_only(tmp_path, caplog):
    t = sweep(numpy_run, grid=FN_GRID, out=tmp_path / "s", jobs=2, fail=[1.0, 4])
    bad = [r for r in t if r["status"] == "failed"]
    assert [r["run"] for r in bad] == ["lr=1_hidden=4"]
    assert bad[0]["message"] == "RuntimeError: no run at lr=1.0"             # one line
    assert [r["status"] for r in t if r not in bad] == ["complete"] * 3
    assert not Path(bad[0]["trace"]).exists()
    index = json.loads((tmp_path / "s" / "sweep.json").read_text())
    assert [r["status"] for r in index["runs"]] == ["complete", "complete", "complete", "failed"]


def test_function_sweep_in_a_pool_is_the_same_as_one_after_another(tmp_path):
    a = sweep(numpy_run, grid=FN_GRID, seeds=2, out=tmp_path / "a", jobs=1)
    b = sweep(numpy_run, grid=FN_GRID, seeds=2, out=tmp_path / "b", jobs=2)
    assert [r["run"] for r in a] == [r["run"] for r in b]
    for ra, rb in zip(a, b):
        assert {k: ra[k] for k in ("loss", "accuracy", "steps")} == {k: rb[k] for k in ("loss", "accuracy", "steps")}
        with nnviz.load_trace(ra["trace"]) as ta, nnviz.load_trace(rb["trace"]) as tb:
            assert np.array_equal(ta.loss, tb.loss) and np.array_equal(ta.params(20)[0][0], tb.params(20)[0][0])
    assert len({r["pid"] for r in b}) == 2 and os.getpid() not in {r["pid"] for r in b}


def test_a_function_in_a_scripts_main_runs_in_the_pool(tmp_path):
    """A script without an ``if __name__ == "__main__"`` guard: forked workers do not run it again."""
    script = tmp_path / "my_grid.py"
    script.write_text(
        "import sys\nsys.path.insert(0, %r)\nimport nnviz\nfrom test_sweep import numpy_run\n"
        "print('script body ran', flush=True)\n"
        "def mine(trace, seed, lr):\n    numpy_run(trace, seed, lr, 3, steps=10)\n"
        "t = nnviz.sweep(mine, grid={'lr': [0.1, 0.5, 1.0]}, out=sys.argv[1], jobs=2)\n"
        "print([r['status'] for r in t], len({r['pid'] for r in t}))\n" % str(Path(__file__).parent))
    p = subprocess.run([sys.executable, str(script), str(tmp_path / "s")], capture_output=True, text=True,
                       timeout=300, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["script body ran", "['complete', 'complete', 'complete'] 2"]
    assert read_index(tmp_path / "s")["base"]["function"] == "__main__:mine"


def _not_at_module_level():
    def inner(trace, seed, lr):
        pass
    return inner


@pytest.mark.parametrize("fn, grid, kw, message", [
    (lambda trace, seed, lr: None, {"lr": [1]}, {}, "needs a module-level function"),
    (_not_at_module_level(), {"lr": [1]}, {}, "'_not_at_module_level.<locals>.inner' is not one"),
    (numpy_run, {"lr": [0.1], "width": [2]}, {}, "numpy_run(trace, seed, lr=..., width=...) does not fit its "
                                                 "signature"),
    (numpy_run, {"lr": "0.1,1"}, {"hidden": 2}, "grid key 'lr': give its values as a list"),
    (numpy_run, {"seed": [1, 2]}, {}, "grid key 'seed' must be a keyword argument name"),
    (numpy_run, {"lr": [0.1], "hidden": [2]}, {"hidden": 3}, "hidden is both a grid key and a fixed argument"),
    (numpy_run, {"lr": [0.1], "hidden": [2]}, {"steps": object()}, "argument 'steps'"),
])
def test_bad_function_sweeps_fail_before_any_run(tmp_path, fn, grid, kw, message):
    with pytest.raises(ConfigError) as e:
        sweep(fn, grid=grid, out=tmp_path / "s", jobs=1, **kw)
    assert message in str(e.value) and "\n" not in str(e.value), str(e.value)
    assert not (tmp_path / "s").exists()


def test_function_sweep_on_dask(tmp_path, dask_client):
    t = sweep(numpy_run, grid=FN_GRID, out=tmp_path / "d", backend="dask", scheduler=dask_client, steps=10)
    local = sweep(numpy_run, grid=FN_GRID, out=tmp_path / "l", jobs=1, steps=10)
    assert [r["status"] for r in t] == ["complete"] * 4
    assert [r["loss"] for r in t] == [r["loss"] for r in local]


def test_a_function_the_dask_workers_cannot_load_fails_in_one_line(tmp_path, dask_client):
    """A module the parent imported but the workers cannot: that run fails with one line, the worker lives."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "vanishing_module.py").write_text("def fn(trace, seed, lr):\n    pass\n")
    sys.path.insert(0, str(tmp_path / "pkg"))
    try:
        import vanishing_module
    finally:
        sys.path.remove(str(tmp_path / "pkg"))
    (tmp_path / "pkg" / "vanishing_module.py").unlink()
    try:
        t = sweep(vanishing_module.fn, grid={"lr": [0.1]}, out=tmp_path / "d", backend="dask", scheduler=dask_client)
    finally:
        del sys.modules["vanishing_module"]
    assert t[0]["status"] == "failed" and "\n" not in t[0]["message"]
    assert t[0]["message"].endswith("this worker cannot load the training function (ModuleNotFoundError: No module "
                                    "named 'vanishing_module'); its module must be importable on every worker")
    assert sweep(numpy_run, grid=FN_GRID, out=tmp_path / "ok", backend="dask", scheduler=dask_client,
                 steps=5)[0]["status"] == "complete"                        # the workers still run
