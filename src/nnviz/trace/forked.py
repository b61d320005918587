"""A Recorder in a child process: a framework's training loop hands each step over and goes on.

Recording a step evaluates the network on all of the recorded data (the loss and accuracy a trace
holds at every step) and, where tensors are recorded, backpropagates: for seed 002's digits
network trained by Keras in minibatches of 100, about 0.8 ms a step beside Keras's own 1.4 ms, so
that ``fit`` takes about twice as long. :class:`ForkedRecorder` keeps the same Recorder, with the same
calls in the same order, in a child forked when training begins (:mod:`nnviz.forked`); each step's
parameters travel through shared memory as one float64 vector, and on a machine with a second
core the recording runs beside the training. The trace is the one the Recorder writes in the
training process.

Differences, all of timing: an error of the recording (the disk full, the trace's size cap)
reaches the training loop at its next step, and a run whose loss stopped being finite is reported
(:attr:`ForkedRecorder.stopped`) a few updates after the step that diverged; nothing after that
step is recorded either way. If the training process is killed, the child writes every step it
was handed to ``NAME.partial`` and closes it, marked interrupted, beside the previous ``NAME``,
which it leaves as it was (a killed nnviz run leaves the same, with the steps up to its last
flush). Where ``fork`` cannot be used (not Linux, or a process
with threads, such as a notebook's kernel: :func:`nnviz.forked.can_fork`), or ``NNVIZ_NO_FORK``
is set, :func:`open_recorder` gives the Recorder itself, in the training process.
"""

from __future__ import annotations

import numpy as np

from ..forked import ChildError, ForkedWorker, can_fork
from ..nn.threads import load_controller
from .recorder import Recorder, RecorderError

__all__ = ["ForkedRecorder", "StepLayout", "open_recorder"]

KILLED = "the training process was killed; every step it handed over is here"


def _plain(recorder, k, params, grads, loss, lr) -> bool:
    return recorder.step(k, params, grads=grads, loss=loss, lr=lr)


class StepLayout:
    """One step ``(k, params, grads, loss, lr)`` as one float64 vector, and back.

    Parameters
    ----------
    params : list of (W, b)
        Parameters of the network in nnviz's layout (``b`` may be None); only their shapes are kept.
    """

    _HEAD = 4  # k, lr, loss, 1.0 if gradients follow

    def __init__(self, params):
        self.shapes = [(np.shape(W), None if b is None else np.shape(b)) for W, b in params]
        self.n_params = sum(int(np.prod(w)) + (0 if b is None else int(np.prod(b))) for w, b in self.shapes)
        self.size = self._HEAD + 2 * self.n_params

    def pack(self, k, params, grads=None, loss=None, lr=None) -> np.ndarray:
        v = np.empty(self.size)
        v[:self._HEAD] = (k, np.nan if lr is None else lr, np.nan if loss is None else loss, grads is not None)
        self._fill(v[self._HEAD:self._HEAD + self.n_params], params)
        if grads is not None:
            self._fill(v[self._HEAD + self.n_params:], grads)
        return v

    def _fill(self, out, pairs):
        i = 0
        for (W, b), (ws, bs) in zip(pairs, self.shapes):
            for a, s in ((W, ws), (b, bs)):
                if s is not None:
                    n = int(np.prod(s))
                    out[i:i + n] = np.asarray(a, dtype=float).reshape(-1)
                    i += n

    def _pairs(self, flat):
        out, i = [], 0
        for ws, bs in self.shapes:
            pair = []
            for s in (ws, bs):
                if s is None:
                    pair.append(None)
                else:
                    n = int(np.prod(s))
                    pair.append(flat[i:i + n].reshape(s))
                    i += n
            out.append(tuple(pair))
        return out

    def unpack(self, v):
        """``(k, params, grads, loss, lr)`` of a packed step (None where nothing was given)."""
        k, lr, loss, has_grads = v[:self._HEAD]
        params = self._pairs(v[self._HEAD:self._HEAD + self.n_params])
        grads = self._pairs(v[self._HEAD + self.n_params:]) if has_grads else None
        return int(k), params, grads, None if np.isnan(loss) else float(loss), None if np.isnan(lr) else float(lr)


class ForkedRecorder:
    """A :class:`~nnviz.trace.Recorder` made and fed in a child process.

    Parameters
    ----------
    recorder : nnviz.trace.Recorder
        Made with ``open=False``: its checks done, its data prepared and its output claimed (the
        lock: another writer is refused) here, before training. The child, which inherits the
        lock, opens the file; an error of that (an I/O error) is raised by the next :meth:`step`.
    params : list of (W, b)
        The network's parameters in nnviz's layout (their shapes fix the steps' layout).
    record : callable, optional
        ``record(recorder, k, params, grads, loss, lr) -> bool``, run in the child for each step;
        default ``recorder.step(k, params, grads=grads, loss=loss, lr=lr)``.
    interrupted : str
        The trace's message if training ends before :meth:`close` (an error, Ctrl-C, a kill).
    slots : int
        Steps that may wait for the child (the training loop waits when they are all taken).
    """

    def __init__(self, recorder, params, record=None, interrupted="training stopped before its end", slots=64):
        self.layout = StepLayout(params)
        self._recorder, self._record, self._interrupted = recorder, record or _plain, interrupted
        load_controller()  # found once in this process, not again in each child (nnviz.nn.threads)
        try:
            self._worker = ForkedWorker((self.layout.size,), self._work, self._finish, slots=slots,
                                        dtype=np.float64, start=self._start, what="recorder", keep_on_sigint=True)
        except BaseException:
            recorder.close()  # (never opened: lets its claim go)
            raise
        # the lock is the child's now: this process lets go of its copy of it without releasing it
        # (a lock taken with flock holds while any copy of its descriptor is open)
        recorder._claim.forget()

    # -- child ---------------------------------------------------------------
    def _start(self):
        self._recorder.open()

    def _work(self, v):
        return self._record(self._recorder, *self.layout.unpack(v))

    def _finish(self, why):
        if why == "close":
            self._recorder.close()
        elif why == "abort":  # an error or Ctrl-C in training: its steps replace the old trace, as in-process
            self._recorder.close("interrupted", self._interrupted)
        else:  # the training process was killed: the old trace stays, these steps are in NAME.partial
            self._recorder.close("interrupted", KILLED, commit=False)

    # -- parent --------------------------------------------------------------
    @property
    def stopped(self) -> bool:
        """True once a step's loss was not finite (the child stops recording there)."""
        return self._worker.stopped

    def step(self, k, params, grads=None, loss=None, lr=None) -> bool:
        """Hand step ``k`` to the child; False once the run is known to have diverged."""
        try:
            self._worker.submit(self.layout.pack(k, params, grads, loss, lr))
        except ChildError as e:
            raise _recorder_error(e) from None
        return not self._worker.stopped

    def close(self, status=None, message=None):
        """Wait until every step is recorded and the trace closed. ``status="interrupted"`` closes
        it as interrupted (with the constructor's ``interrupted`` message), never raising."""
        if status == "interrupted":
            self._worker.abort()
            return
        try:
            self._worker.close()
        except ChildError as e:
            raise _recorder_error(e) from None


def _recorder_error(e: ChildError) -> Exception:
    """The recording process's error as the in-process Recorder raises it: a refusal as a
    RecorderError, an I/O error (a full disk) as an OSError, each with its own one line."""
    if e.kind == "RecorderError":
        return RecorderError(e.text)
    if e.kind in ("OSError", "OutputError"):
        return OSError(e.text)
    return e


def open_recorder(recorder, params, record=None, interrupted="training stopped before its end"):
    """The unopened ``recorder`` (``Recorder(..., open=False)``) opened in a :class:`ForkedRecorder`
    where the process can fork, else opened here.

    Either has ``step(k, params, grads, loss, lr) -> bool`` (``record`` runs it) and
    ``close(status=None, message=None)``.
    """
    if can_fork(alone=True):
        return ForkedRecorder(recorder, params, record, interrupted)
    recorder.open()
    return _Inline(recorder, record or _plain, interrupted)


class _Inline:
    """The Recorder in this process, with :class:`ForkedRecorder`'s calls."""

    def __init__(self, recorder, record, interrupted):
        self.recorder, self._record, self._interrupted = recorder, record, interrupted

    @property
    def stopped(self) -> bool:
        return self.recorder.diverged_at is not None

    def step(self, k, params, grads=None, loss=None, lr=None) -> bool:
        return self._record(self.recorder, k, params, grads, loss, lr)

    def close(self, status=None, message=None):
        if status == "interrupted" and message is None:
            message = self._interrupted
        self.recorder.close(status, message)
