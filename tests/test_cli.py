"""The command line: exit codes and one-line messages."""

import numpy as np
import pytest
from click.testing import CliRunner

import nnviz
from nnviz.cli import cli


def run(*args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)


def one_line_error(result, *fragments):
    assert result.exit_code != 0
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_presets_lists_groups_and_descriptions():
    r = run("presets")
    assert r.exit_code == 0
    assert "seed 003 moons homework" in r.output and "moons" in r.output and "xor-relu-2" in r.output


def test_train_and_info(tmp_path):
    out = tmp_path / "x.h5"
    r = run("train", "xor", "-o", out, "--steps", 25, "--lr", 0.1, "--seed", 3, "--record", "every:5", "-q")
    assert r.exit_code == 0, r.output
    tr = nnviz.load_trace(out)
    assert list(tr.steps) == [0, 5, 10, 15, 20, 25] and tr.config["init"]["seed"] == 3
    r = run("info", out)
    assert r.exit_code == 0
    assert "2-4-1" in r.output and "final loss" in r.output and f"{tr.loss[-1]:.6g}" in r.output


def test_unknown_preset_lists_valid_ones(tmp_path):
    one_line_error(run("train", "moonz", "-o", tmp_path / "a.h5"), "unknown preset 'moonz'", "did you mean 'moons'", "xor")


def test_malformed_toml_names_line(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[train]\nsteps = 10\nlr = = 0.1\n')
    one_line_error(run("train", cfg, "-o", tmp_path / "a.h5"), "bad.toml", "line 3")
    cfg.write_text('[train]\nlrr = 0.1\n')
    one_line_error(run("train", cfg, "-o", tmp_path / "a.h5"), "unknown key 'train.lrr'", "train.lr")


def test_dump_config_round_trips(tmp_path):
    r = run("train", "moons", "--dump-config")
    assert r.exit_code == 0
    cfg = tmp_path / "moons.toml"
    cfg.write_text(r.output.replace("steps = 128", "steps = 5"))
    r = run("train", cfg, "-o", tmp_path / "m.h5", "-q")
    assert r.exit_code == 0, r.output
    assert nnviz.load_trace(tmp_path / "m.h5").all_steps[-1] == 5


def test_unwritable_output_and_bad_record(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_line_error(run("train", "xor", "-o", blocker / "a.h5"), "cannot write trace")
    one_line_error(run("train", "xor", "-o", tmp_path / "a.h5", "--record", "sometimes"), "recording schedule")
    one_line_error(run("info", blocker), "not an nnviz trace")


def test_divergence_exits_nonzero_and_keeps_the_trace(tmp_path):
    out = tmp_path / "d.h5"
    r = run("train", "sin2x", "-o", out, "--lr", 5, "-q")
    one_line_error(r, "loss became", "try a smaller learning rate", str(out))
    assert nnviz.load_trace(out).status == "diverged"


def test_missing_output_folders_are_created(tmp_path):
    out = tmp_path / "new" / "deeper" / "x.h5"
    r = run("train", "xor", "-o", out, "--steps", 3, "-q")
    assert r.exit_code == 0, r.output
    assert nnviz.load_trace(out).all_steps[-1] == 3


def test_console_script_divergence_is_one_line_and_closed_pipes_are_quiet(tmp_path):
    """The real `nnviz` process: a diverging run prints one line on stderr (no log warning
    repeating it, no traceback); `nnviz info ... | head -1` ends without an error message."""
    import subprocess
    import sys

    nnviz_cmd = [sys.executable, "-c", "from nnviz.cli import main; main()"]
    out = tmp_path / "d.h5"
    p = subprocess.run(nnviz_cmd + ["train", "sin2x", "-o", str(out), "--lr", "5", "-q"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1
    assert p.stderr.strip().splitlines() == [p.stderr.strip()], p.stderr
    assert p.stderr.startswith("Error: loss became") and str(out) in p.stderr
    info = subprocess.Popen(nnviz_cmd + ["info", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = info.stdout.readline()
    info.stdout.close()              # like `| head -1`
    err = info.stderr.read().decode()
    info.wait(timeout=60)
    assert b"file" in first and "Error" not in err and "Traceback" not in err


def test_animate_a_preset_into_a_new_frames_folder(tmp_path):
    """The README's `nnviz animate moons --frames log2 -o 'frames/moons-{step:03d}.png'`: the
    new folder holds the frames and nothing else (the trace trained first is in the cache)."""
    pattern = tmp_path / "frames" / "xor-{step:03d}.png"
    r = run("animate", "xor", "--frames", "0,1,3", "-o", pattern)
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (tmp_path / "frames").iterdir())
    assert names == ["xor-000.png", "xor-001.png", "xor-003.png"]


def test_each_command_is_loaded_from_the_module_named_for_it():
    """COMMAND_MODULES names every command's module (a command missing from it would not be found)."""
    import importlib

    from nnviz.cli.common import COMMAND_MODULES

    modules = sorted(set(COMMAND_MODULES.values()))
    for m in modules:
        importlib.import_module(f"nnviz.cli.{m}")
    assert set(cli.commands) == set(COMMAND_MODULES)
    for name, command in cli.commands.items():
        assert command.callback.__module__ == f"nnviz.cli.{COMMAND_MODULES[name]}", name


def test_a_command_loads_its_own_module_only_and_the_process_leaves_matplotlib_working(tmp_path):
    """`nnviz animate` imports no other command's module, nor scipy, sklearn or torch; the start-up
    tuning (nnviz.cli.startup) leaves matplotlib drawing the same pixels."""
    import subprocess
    import sys

    code = ("import sys, numpy as np; from nnviz.cli import main\n"
            "sys.argv = ['nnviz', 'animate', 'xor', '--steps', '8', '-o', 'x.png', '-q']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "mods = sorted(m for m in sys.modules if m.startswith('nnviz.cli.') or m.split('.')[0] in "
            "('scipy', 'sklearn', 'torch'))\n"
            "import matplotlib.lines\n"
            "print(mods, matplotlib.lines.Line2D.set.__doc__)\n")
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split("]")[0] + "]" == "['nnviz.cli.animate_cmds', 'nnviz.cli.common', 'nnviz.cli.startup']"
    assert p.stdout.strip().endswith("None")  # no property table was built
    r = run("animate", "xor", "--steps", "8", "-o", tmp_path / "y.png", "-q")  # this process: matplotlib untouched
    assert r.exit_code == 0, r.output
    import imageio.v3 as iio

    assert np.array_equal(iio.imread(tmp_path / "x.png"), iio.imread(tmp_path / "y.png"))
