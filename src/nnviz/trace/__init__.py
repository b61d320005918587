"""Traces: recording schedules, the Recorder that writes every trace, and the read API.

The names load their modules when first used: reading a trace (``load_trace``) does not load the
Recorder, and with it the whole network package.
"""

from .._lazy import lazy_names

__all__ = ["Trace", "load_trace", "TraceError", "Recorder", "RecorderError", "TraceWriter", "SCHEMA_VERSION",
           "parse_schedule", "ScheduleError"]

#: public name -> the module of this package that defines it
_HOME = {"Trace": ".trace", "load_trace": ".trace", "TraceError": ".store", "TraceWriter": ".store",
         "SCHEMA_VERSION": ".store", "Recorder": ".recorder", "RecorderError": ".recorder",
         "parse_schedule": ".schedule", "ScheduleError": ".schedule"}


__getattr__, __dir__ = lazy_names(__name__, _HOME)
