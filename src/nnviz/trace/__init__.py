"""Traces: recording schedules, the Recorder that writes every trace, and the read API."""

from .recorder import Recorder, RecorderError
from .schedule import ScheduleError, parse_schedule
from .store import SCHEMA_VERSION, TraceError, TraceWriter
from .trace import Trace, load_trace

__all__ = ["Trace", "load_trace", "TraceError", "Recorder", "RecorderError", "TraceWriter", "SCHEMA_VERSION",
           "parse_schedule", "ScheduleError"]
