import os
import subprocess
import tempfile

import matplotlib

matplotlib.use("Agg")
# nnviz's trace cache in a folder of the test run's own (subprocesses inherit it), never ~/.cache
os.environ["NNVIZ_CACHE"] = tempfile.mkdtemp(prefix="nnviz-test-cache-")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def moons_trace(tmp_path_factory):
    """The seed-003 moons run with every step recorded (shared, read-only)."""
    import nnviz

    path = tmp_path_factory.mktemp("traces") / "moons.h5"
    return nnviz.train("moons", trace=path, record="all")


def _fill(path):
    """Write zeros to ``path`` until its disk is full."""
    with open(path, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass


@pytest.fixture
def fill_disk():
    """``fill_disk(path)``: a file of zeros at ``path`` that takes all the room left on its disk."""
    return _fill


@pytest.fixture
def tmpfs(tmp_path):
    """``tmpfs("16m")``: a fresh tmpfs of that size mounted in the test's folder (a disk that fills up
    for real); skips without root. Unmounted after the test."""
    mounted = []

    def mount(size):
        mnt = tmp_path / f"tmpfs{len(mounted)}"
        mnt.mkdir()
        if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                                               capture_output=True).returncode:
            pytest.skip("mounting a small tmpfs needs root")
        mounted.append(mnt)
        return mnt

    yield mount
    for mnt in mounted:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
