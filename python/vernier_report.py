"""Report metrics to Vernier from a training program, as METRIC lines on standard output.

    import vernier_report

    for epoch in range(1, epochs + 1):
        ...
        vernier_report.report(epoch, val_loss=val_loss, acc=acc)   # METRIC step=3 val_loss=0.52 acc=0.81
    vernier_report.final(val_loss=val_loss)                        # METRIC val_loss=0.4213

Vernier puts the folder holding this file on PYTHONPATH for every command trial, so
``import vernier_report`` works without installing anything. It has no dependencies and runs on
Python 3.8 and later. Names that are not Python identifiers (``val/loss``) go through a dict:
``report(3, **{"val/loss": 0.52})``.
"""

import math
import re
import sys

__all__ = ["report", "final", "format_line"]

# The METRIC protocol's names: a letter or '_' first, then letters, digits, '_', '.', '-', '/'.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*\Z")


def report(step, **metrics):
    """Print intermediate values at ``step`` (a whole number >= 0), for pruning and learning curves.

    ``report(3, val_loss=0.52, acc=0.81)`` prints ``METRIC step=3 val_loss=0.52 acc=0.81``.
    Intermediate values never complete a trial: call :func:`final` at the end.
    """
    _emit(format_line(metrics, step=step))


def final(**metrics):
    """Print final values: ``final(val_loss=0.42)`` prints ``METRIC val_loss=0.42``. The last value printed per name wins."""
    _emit(format_line(metrics))


def format_line(metrics, step=None):
    """The METRIC line for a mapping of metric names to numbers, with ``step`` for intermediate values."""
    if not metrics:
        raise ValueError("no metrics given; write e.g. report(3, val_loss=0.52) or final(val_loss=0.42)")
    parts = ["METRIC"]
    if step is not None:
        parts.append("step=" + _format_step(step))
    for name, value in metrics.items():
        if not isinstance(name, str) or name == "step" or not _NAME.match(name):
            raise ValueError(
                "%r is not a metric name: start with a letter or '_', continue with letters, digits, "
                "'_', '.', '-' or '/'; 'step' is reserved" % (name,))
        parts.append("%s=%s" % (name, _format_value(name, value)))
    return " ".join(parts)


def _format_step(step):
    if isinstance(step, bool):
        raise TypeError("step must be a whole number >= 0, got %r" % (step,))
    try:
        whole = int(step)
    except (TypeError, ValueError):
        raise TypeError("step must be a whole number >= 0, got %r" % (step,)) from None
    if whole != step or whole < 0:
        raise ValueError("step must be a whole number >= 0, got %r" % (step,))
    return str(whole)


def _format_value(name, value):
    # bool is an int, and a string would parse: both are mistakes rather than metrics.
    if isinstance(value, (bool, str, bytes)):
        raise TypeError("the value of %r must be a number, got %r" % (name, value))
    try:
        number = float(value)  # also numpy and torch scalars
    except (TypeError, ValueError):
        raise TypeError("the value of %r must be a number, got %r" % (name, value)) from None
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return repr(number)


def _emit(line):
    out = sys.stdout
    out.write(line + "\n")
    out.flush()
