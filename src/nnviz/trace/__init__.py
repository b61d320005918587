"""Traces: recording schedules, the trace file, and its read API."""

from .schedule import ScheduleError, parse_schedule
from .store import SCHEMA_VERSION, TraceError, TraceWriter
from .trace import Trace, load_trace

__all__ = ["Trace", "load_trace", "TraceError", "TraceWriter", "SCHEMA_VERSION", "parse_schedule",
           "ScheduleError"]
