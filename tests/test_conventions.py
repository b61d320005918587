"""A CLI and package that behave as their users expect: one meaning per option name, no surprise
files (the trace cache), your own CSV from the command line, python -m nnviz, honest packaging."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import nnviz
from nnviz.cli import cli

ROOT = Path(__file__).resolve().parents[1]
POINTS = ROOT / "examples" / "points.csv"


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def test_steps_is_the_training_length_and_frames_the_selection_everywhere():
    for command in ("animate", "backprop", "frames", "train"):
        text = run(command, "--help").output
        assert "--steps N" in text and "Number of training steps." in text, command
        if command != "train":
            assert "--frames" in text and "--save-trace" in text, command
            assert "--trace " not in text
    r = run("animate", "xor", "--steps", "log2", "-o", "x.gif")
    assert r.exit_code == 2 and "use --frames log2" in r.output
    assert "[default: 1280x720]" in run("backprop", "--help").output     # the help says the real default
    scene = run("scene", "--help").output
    assert "--quality" in scene and "-q, --quality" not in scene


def test_frame_and_still_errors_name_the_option_the_user_gave(tmp_path, moons_trace):
    """A bad frame selection names --frames (not --steps, the training length); a still of a step the
    trace did not record names the nearest recorded ones."""
    tr = str(moons_trace.path)
    r = run("animate", tr, "--frames", "3:1:0", "-o", tmp_path / "x.gif")
    assert r.exit_code != 0 and "bad --frames '3:1:0'" in r.output and "--steps" not in r.output
    r = run("animate", tr, "--frames", "999999", "-o", tmp_path / "x.gif")
    assert r.exit_code != 0 and "--frames '999999' selects no recorded step" in r.output
    sparse = nnviz.train("xor", trace=tmp_path / "runs" / "xor.h5", steps=30, record="every:10")
    r = run("animate", sparse.path, "--step", 15, "-o", tmp_path / "x.png")    # scalars only at step 15
    assert r.exit_code != 0 and "--step 15 is not a recorded step (the nearest: 10 and 20)" in r.output
    r = run("animate", tr, "--step", int(moons_trace.all_steps[-1]) + 10, "-o", tmp_path / "x.png")
    assert r.exit_code != 0 and f"outside the run: its steps are 0 to {int(moons_trace.all_steps[-1])}" in r.output
    assert [p.name for p in tmp_path.iterdir()] == ["runs"]


def test_no_one_letter_long_options():
    import re

    for command in cli.commands.values():
        for param in command.params:
            for opt in getattr(param, "opts", []):
                assert not re.fullmatch(r"--\w", opt), f"{command.name}: {opt}"


def test_animate_leaves_only_what_was_asked_and_reuses_the_cached_trace(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "NNVIZ_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "nnviz", "animate", "xor", "--steps", "40", "--max-frames", "5", "--size", "320x240",
           "-q", "-o"]
    p = subprocess.run(cmd + [str(tmp_path / "a.gif")], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.gif", "cache"]       # no xor.h5 beside it
    (cached,) = cache.iterdir()
    stamp = cached.stat().st_mtime_ns
    p = subprocess.run(cmd + [str(tmp_path / "b.gif")], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert p.returncode == 0 and cached.stat().st_mtime_ns == stamp               # reused, not retrained
    p = subprocess.run(cmd[:-1] + ["--lr", "0.0777", "-o", str(tmp_path / "c.gif")], cwd=tmp_path, env=env,
                       capture_output=True, text=True)
    assert p.returncode == 0 and len(list(cache.iterdir())) == 2                  # another config, another run
    keep = tmp_path / "kept" / "xor.h5"
    r = run("animate", "xor", "--steps", "40", "--max-frames", "5", "--size", "320x240", "-q",
            "--save-trace", keep, "-o", tmp_path / "d.gif", env={"NNVIZ_CACHE": str(cache)})
    assert r.exit_code == 0, r.output
    with nnviz.load_trace(keep) as tr:
        assert tr.all_steps[-1] == 40
    r = run("animate", keep, "--steps", "5", "-o", tmp_path / "e.gif")
    assert r.exit_code != 0 and "recorded trace" in r.output


def test_train_without_a_path_writes_into_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NNVIZ_CACHE", str(tmp_path / "c"))
    monkeypatch.chdir(tmp_path)
    tr = nnviz.train("xor", steps=3)
    assert tr.path.parent == tmp_path / "c" and not (tmp_path / "run.h5").exists()


def test_your_own_csv_from_the_command_line(tmp_path):
    r = run("train", POINTS, "--hidden", "8,8", "--activation", "relu", "--steps", "30", "-q", "-o", tmp_path / "p.h5")
    assert r.exit_code == 0, r.output
    with nnviz.load_trace(tmp_path / "p.h5") as tr:
        assert tr.sizes == [2, 8, 8, 1] and tr.activation_names[:2] == ["relu", "relu"]
        assert tr.data.class_names == ["inside", "outside"] and len(tr.data.X) == 120
    r = run("animate", POINTS, "--steps", "30", "--max-frames", "4", "--size", "320x240", "-q", "-o", tmp_path / "p.gif")
    assert r.exit_code == 0, r.output
    reg = tmp_path / "wave.csv"
    reg.write_text("x,y\n" + "".join(f"{i / 50:.3f},{(i / 50) ** 2:.4f}\n" for i in range(-50, 51)))
    r = run("train", reg, "--target", "y", "--steps", "5", "-q", "-o", tmp_path / "w.h5")
    assert r.exit_code == 0, r.output
    with nnviz.load_trace(tmp_path / "w.h5") as tr:
        assert not tr.is_classifier                                              # a regression: the fit view
    r = run("train", POINTS, "--target", "nope", "-o", tmp_path / "x.h5")
    assert r.exit_code == 1 and "no column named 'nope'" in r.output
    r = run("train", "moons", "--target", "label", "-o", tmp_path / "x.h5")
    assert r.exit_code == 1 and "target column of a CSV" in r.output


def test_train_records_like_animate():
    r = run("train", "moons", "--dump-config")
    assert 'record = "auto"' in r.output


def test_python_dash_m_nnviz_and_the_license():
    p = subprocess.run([sys.executable, "-m", "nnviz", "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and nnviz.__version__ in p.stdout
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    text = (ROOT / "pyproject.toml").read_text()
    assert 'license = "MIT"' in text and 'license-files = ["LICENSE"]' in text


def test_progress_bars_only_on_a_terminal(tmp_path):
    """A log gets no progress bars (stderr is not a terminal here)."""
    p = subprocess.run([sys.executable, "-m", "nnviz", "animate", "xor", "--steps", "30", "--max-frames", "5",
                        "--size", "320x240", "-o", str(tmp_path / "x.gif")], capture_output=True, text=True,
                       cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "frame/s" not in p.stderr and "step/s" not in p.stderr and "\r" not in p.stderr


def test_mp4_is_tagged_bt709_with_a_keyframe_every_two_seconds(tmp_path, moons_trace):
    from nnviz.export.video import probe_video
    from nnviz.render import animate

    out = animate(moons_trace, tmp_path / "m.mp4", steps="0:120", size=(320, 240), fps=20)
    info = probe_video(out)
    assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p"
    assert info["color"].startswith("tv, bt709,")          # matrix, primaries and transfer: all BT.709
    gaps = np.diff(info["keyframe_times"] + [info["n_frames"] / info["fps"]])
    assert info["keyframe_times"][0] == 0 and gaps.max() <= 2.0 + 1e-9


def test_a_movie_that_would_be_too_short_says_so(tmp_path, caplog):
    import logging

    from nnviz.render import animate

    tr = nnviz.train("xor", trace=tmp_path / "few.h5", steps=30, record="none")
    with caplog.at_level(logging.WARNING, logger="nnviz"):
        animate(tr, tmp_path / "few.gif", size=(320, 240))
    assert "holds tensors for 2 step(s) only" in caplog.text and "--record auto" in caplog.text


def test_notebook_displays_carry_their_own_mime_types(tmp_path, moons_trace):
    import base64

    from nnviz.notebook import Animation

    gif = nnviz.animate(moons_trace, tmp_path / "m.gif", steps="0:20", size=(320, 240))
    bundle = gif._repr_mimebundle_()
    assert set(bundle) >= {"text/plain", "text/html", "image/gif"}
    assert base64.b64decode(bundle["image/gif"])[:6] == b"GIF89a"
    still = nnviz.animate(moons_trace, tmp_path / "m.png", steps="5", size=(320, 240))
    assert base64.b64decode(still._repr_mimebundle_()["image/png"])[:4] == b"\x89PNG"
    card = moons_trace._repr_html_()
    assert "2-50-1" in card and "<svg" in card and "final loss" in card
    assert isinstance(Animation(None, b"x", ".pdf")._repr_mimebundle_()["text/html"], str)


def test_shell_completion_knows_presets_and_views():
    env = {**os.environ, "_NNVIZ_COMPLETE": "bash_complete", "COMP_WORDS": "nnviz animate mo", "COMP_CWORD": "2"}
    p = subprocess.run([sys.executable, "-c", "from nnviz.cli import main; main()"], env=env, capture_output=True,
                       text=True)
    assert "plain,moons" in p.stdout.splitlines()
    env.update(COMP_WORDS="nnviz animate moons --view boundary,lo", COMP_CWORD="4")
    p = subprocess.run([sys.executable, "-c", "from nnviz.cli import main; main()"], env=env, capture_output=True,
                       text=True)
    assert "plain,boundary,loss" in p.stdout.splitlines()
