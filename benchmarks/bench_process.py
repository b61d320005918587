"""Whole-process speed as the user feels it: ``nnviz animate trace.h5 -o x.gif`` against the
hand-written FuncAnimation script (``funcanimation_baseline.py``), each a fresh Python process,
interleaved, best of ``--repeat``; the ratio is the baseline's time over nnviz's.

Also in this one run:

* ``--before SRC``: the same command with another nnviz source tree first on ``PYTHONPATH`` (e.g. the
  main branch's ``src``), so "before" and "after" are timed under the same load;
* the GIF's size and its PSNR against the RGB frames it encodes (decoded with Pillow), and the
  size of a 301-frame moons GIF (``--long``);
* ``--digits``: ``nnviz animate digits -o digits.gif``, training included.

nnviz's modules are compiled to bytecode first (``compileall``, as ``pip install`` does), so that
no run pays for compiling them (about 0.1 s a run with ``PYTHONDONTWRITEBYTECODE`` set and no
``__pycache__``); ``--no-compile`` leaves them as they are.

    .venv/bin/python benchmarks/bench_process.py [--repeat 3] [--before ../main/src] [--long] [--digits]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE.parent / "src"


def _env(src):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MPLBACKEND"] = "Agg"
    return env


def _nnviz(*args):
    return [sys.executable, "-c", "import sys; from nnviz.cli import main; sys.argv[0] = 'nnviz'; main()", *args]


def timed(cmd, env, cwd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def psnr(gif: Path, trace_path: Path, steps, size=(640, 480)) -> float:
    """PSNR (dB) of the GIF's decoded frames against nnviz's own RGB frames of the same steps."""
    import numpy as np
    from PIL import Image

    import nnviz
    from nnviz.render import build_layout

    tr = nnviz.load_trace(trace_path)
    ref = (f for _, f in build_layout([tr], size=size).frames(steps))
    se, n = 0.0, 0
    with Image.open(gif) as im:
        for i, want in enumerate(ref):
            im.seek(i)
            got = np.asarray(im.convert("RGB"), dtype=np.float64)
            se += float(((got - want) ** 2).sum())
            n += want.size
    mse = se / n
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", default=None, help="another nnviz src folder to time the same way")
    ap.add_argument("--long", action="store_true", help="also a 301-frame moons GIF: size and PSNR")
    ap.add_argument("--digits", action="store_true", help="also `nnviz animate digits` (training included)")
    ap.add_argument("--no-compile", action="store_true", help="do not compile nnviz's modules to bytecode first")
    args = ap.parse_args(argv)
    if not args.no_compile:
        import compileall

        for src in [SRC] + ([Path(args.before)] if args.before else []):
            compileall.compile_dir(str(Path(src) / "nnviz"), quiet=1)
    tmp = Path(tempfile.mkdtemp(prefix="nnviz-bench-process-"))
    after = _env(SRC)
    subprocess.run(_nnviz("train", "moons", "--record", "all", "-q", "-o", "moons.h5"), env=after, cwd=tmp,
                   check=True)
    n = args.frames
    steps = f"0:{n - 1}"
    runs = {"baseline": ([sys.executable, str(HERE / "funcanimation_baseline.py"), "moons.h5", "base.gif",
                          "--frames", str(n)], after),
            "nnviz": (_nnviz("animate", "moons.h5", "-o", "after.gif", "--frames", steps, "-q"), after)}
    if args.before:
        runs["nnviz before"] = (_nnviz("animate", "moons.h5", "-o", "before.gif", "--frames", steps, "-q"),
                                _env(Path(args.before).resolve()))
    times = {k: [] for k in runs}
    for _ in range(args.repeat):  # interleaved: the machine's load hits every contender alike
        for name, (cmd, env) in runs.items():
            times[name].append(timed(cmd, env, tmp))
    best = {k: min(v) for k, v in times.items()}
    print(f"moons (seed 003), {n} frames at 640x480, boundary + loss, whole process, best of {args.repeat}")
    for name, t in best.items():
        ratio = "" if name == "baseline" else f"   x{best['baseline'] / t:.1f} faster than the baseline"
        print(f"  {name:<13} {t:6.2f} s{ratio}   (runs: {', '.join(f'{x:.2f}' for x in times[name])})")
    sys.path.insert(0, str(SRC))
    for gif in ("base.gif", "after.gif") + (("before.gif",) if args.before else ()):
        size = (tmp / gif).stat().st_size
        extra = f", PSNR {psnr(tmp / gif, tmp / 'moons.h5', list(range(n))):.1f} dB vs nnviz's RGB frames" \
            if gif != "base.gif" else ""
        print(f"  {gif:<11} {size / 1e6:.3f} MB{extra}")
    if args.long:
        subprocess.run(_nnviz("train", "moons", "--steps", "300", "--record", "all", "-q", "-o", "moons300.h5"),
                       env=after, cwd=tmp, check=True)
        for label, env in [("after", after)] + ([("before", _env(Path(args.before).resolve()))] if args.before else []):
            t = timed(_nnviz("animate", "moons300.h5", "-o", f"long-{label}.gif", "--max-frames", "301", "-q"),
                      env, tmp)
            gif = tmp / f"long-{label}.gif"
            print(f"  301 frames ({label}): {gif.stat().st_size / 1e6:.3f} MB in {t:.2f} s, "
                  f"PSNR {psnr(gif, tmp / 'moons300.h5', list(range(301))):.1f} dB")
    if args.digits:
        for label, env in [("after", after)] + ([("before", _env(Path(args.before).resolve()))] if args.before else []):
            cache = tmp / f"cache-{label}"  # an empty trace cache: the preset is trained in this run
            t = timed(_nnviz("animate", "digits", "-o", f"digits-{label}.gif", "-q"), {**env, "NNVIZ_CACHE": str(cache)},
                      tmp)
            print(f"  nnviz animate digits -o digits.gif ({label}, training included): {t:.1f} s")
    return best


if __name__ == "__main__":
    main()
