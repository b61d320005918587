"""Run every benchmark in this folder, one after the other, each in its own process.

    .venv/bin/python benchmarks/run_all.py            # all of them (a few minutes on 2 cores)
    .venv/bin/python benchmarks/run_all.py render     # only bench_render.py

Each benchmark prints its own numbers (times and ratios against its baseline, measured in that
one process). ``bench_scenes.py`` is skipped when manim is not installed. Run on an idle machine:
the ratios are robust to load, absolute times are not.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["process", "render", "writers", "backprop", "trace", "integrations", "keras", "sweep", "scenes"]
ARGS = {"trace": ["--quick"]}


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or ORDER
    unknown = [n for n in names if not (HERE / f"bench_{n}.py").exists()]
    if unknown:
        print(f"no benchmark {', '.join(unknown)}; choose from: {', '.join(ORDER)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        if name == "scenes" and importlib.util.find_spec("manim") is None:
            print("== bench_scenes.py: skipped (manim is not installed)\n", flush=True)
            continue
        print(f"== bench_{name}.py", flush=True)
        t = time.perf_counter()
        rc = subprocess.call([sys.executable, str(HERE / f"bench_{name}.py"), *ARGS.get(name, [])])
        print(f"   ({time.perf_counter() - t:.0f} s{'' if rc == 0 else f', exit status {rc}'})\n", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
