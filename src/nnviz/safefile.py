"""Writing files so that nothing is lost: refuse what is not a regular file, write beside, then rename.

The rules every nnviz output follows (traces and renders):

* Only a regular file is ever replaced. A directory, device, FIFO or socket at the output path is
  refused at once (``-o /dev/null`` never unlinks ``/dev/null``); a symbolic link is followed, and
  the file it points to is the one replaced.
* A new file is written beside the old one (a sibling with its own name) and renamed over it only
  when it is whole, so the previous file stays intact until then; a run that is killed leaves the
  previous file and, at most, the sibling.
* One writer per output: a second run writing the same path is refused (an ``fcntl`` lock that the
  kernel releases when the process dies, SIGKILL included).
* An I/O error (a full disk) becomes one line naming the file and saying what happened to the
  previous one; the sibling is removed.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

__all__ = ["OutputError", "check_output", "resolve_output", "OutputLock", "claim_output", "commit",
           "io_error_message", "free_bytes", "format_bytes", "check_step_pattern", "write_atomic"]


class OutputError(OSError):
    """An output that cannot or must not be written; the message is one line for the user."""


def resolve_output(path) -> Path:
    """The file a write to ``path`` replaces: ``path`` itself, or the target of a symbolic link."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_output(path, what="output") -> Path:
    """Refuse an output path that is not a regular file (or absent); returns the file to replace."""
    path = resolve_output(path)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # nothing there (a file in the way is said later)
        return path
    except OSError as e:
        raise OutputError(f"cannot write {what} {path}: {os.strerror(e.errno) if e.errno else e}") from None
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))
    for test, kind in kinds:
        if test(st.st_mode):
            raise OutputError(f"refusing to write {what} {path}: it is {kind}, not a regular file; choose a file name")
    return path


class OutputLock:
    """An exclusive lock on writing ``path``, held in a sibling ``.NAME.nnviz-lock`` file.

    ``acquire`` raises :class:`OutputError` if another process holds it. The lock file is
    removed by ``release`` (a killed run leaves it behind; the next writer reuses and removes it).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.lock_path = self.path.with_name(f".{self.path.name}.nnviz-lock")
        self.fd = None

    def acquire(self) -> "OutputLock":
        import fcntl

        for _ in range(10):  # the lock file may be unlinked by a finishing writer between open and lock
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise OutputError(f"another nnviz run is writing {self.path}; wait for it to end or "
                                  "choose another output") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self.fd = fd
                return self
            os.close(fd)
        raise OutputError(f"cannot lock {self.path} for writing")  # pragma: no cover

    def release(self):
        if self.fd is None:
            return
        try:
            os.unlink(self.lock_path)
        except OSError:
            pass
        os.close(self.fd)  # closing releases the lock
        self.fd = None

    def forget(self):
        """Close this process's copy of the lock's descriptor without releasing the lock: a forked
        child that has its own copy holds it until it releases it (:mod:`nnviz.trace.forked`)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def held_by_other(self) -> bool:
        """Whether another process holds the lock now (a run is writing this output)."""
        import fcntl

        try:
            fd = os.open(self.lock_path, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return False
        except OSError:
            return True
        finally:
            os.close(fd)


def claim_output(path: Path, stale: str, where: Path | None = None, what="output") -> OutputLock:
    """Before writing ``path``: refuse what is not a regular file, take its lock, and remove the
    temporary files (glob ``stale`` in ``where``, default the output's folder) that a killed earlier
    write to this output left behind; with the lock held, none of them can still be in use."""
    import shutil as _shutil

    path = check_output(path, what)
    lock = OutputLock(path).acquire()
    for old in (where or path.parent).glob(stale):
        try:
            _shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
        except OSError:
            pass
    return lock


def check_step_pattern(name: str) -> None:
    """A file name pattern may hold ``{step}`` with an integer format spec only (``{step:05d}``);
    anything else (``{step[0]}``, ``{step.real}``, a width of 10**9) is refused with one line."""
    import re
    import string

    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(name) if f is not None]
        specs = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(name) if f is not None]
    except ValueError as e:
        raise ValueError(f"bad file name pattern {name!r} ({e}); use e.g. name-{{step:05d}}.png") from None
    for field, spec, conv in specs:
        if field != "step" or conv is not None or not re.fullmatch(r"0?[1-9]?\d?d?", spec or ""):
            raise ValueError(f"bad file name pattern {name!r}: it may hold only {{step}} or {{step:0Nd}} "
                             "(N up to 99), e.g. name-{step:05d}.png")
    if not fields:
        raise ValueError(f"file name pattern {name!r} has no {{step}} field")


def commit(sibling: Path, path: Path) -> None:
    """Make ``sibling`` durable and rename it over ``path`` (atomic; readers of the old file keep it)."""
    fd = os.open(sibling, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(sibling, path)
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass


def io_error_message(e: BaseException, path: Path, previous: str) -> str:
    """One line for an I/O error while writing ``path``: the reason, and what became of the old file."""
    code = getattr(e, "errno", None)
    text = str(e)
    if code == errno.ENOSPC or "No space left" in text or "ENOSPC" in text:
        reason = "no space left on device"
    elif code == errno.EDQUOT:
        reason = "disk quota exceeded"
    elif code:
        reason = os.strerror(code).lower()
    else:
        reason = f"I/O error ({text.splitlines()[0] if text else type(e).__name__})"
    return f"{reason} writing {path}; {previous}"


def write_atomic(path, data: bytes, what="file") -> None:
    """Write ``data`` to ``path`` whole or not at all: a sibling, made durable, renamed over ``path``.

    An I/O error (a full disk) removes the sibling, leaves the previous file as it was, and raises
    :class:`OutputError` with one line saying so.
    """
    path = check_output(path, what)
    sibling = path.with_name(f".{path.name}.partial")
    try:
        with open(sibling, "wb") as fh:
            fh.write(data)
        commit(sibling, path)
    except OSError as e:
        try:
            sibling.unlink()
        except OSError:
            pass
        previous = f"the previous {what} is unchanged" if path.exists() else f"no {what} was written"
        err = OutputError(io_error_message(e, path, previous))
        err.errno = e.errno
        raise err from None


def free_bytes(path: Path) -> int:
    """Free space on the file system that holds ``path`` (its nearest existing parent)."""
    p = Path(path).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return shutil.disk_usage(p).free


def format_bytes(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} TB"  # pragma: no cover
