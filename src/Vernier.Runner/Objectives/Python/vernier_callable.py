"""Vernier's bridge for Python callables: runs one trial of ``objective: { callable: "module:function" }``.

    python3 vernier_callable.py MODULE:FUNCTION METRIC [METRIC ...]   run the trial
    python3 vernier_callable.py --check MODULE:FUNCTION               check that the module can be found

Vernier starts it once per trial, in the objective's working directory, with the trial's
parameters in the JSON file named by VERNIER_PARAMS_FILE. It imports the module (the working
directory first on sys.path), calls the function with the parameters as a dict (and a trial
object when the function takes a second argument or a ``trial`` keyword), and prints the result
as METRIC lines. Errors go to standard error with a non-zero exit code.
"""

import sys

if sys.version_info < (3, 8):
    sys.stderr.write("vernier: Python callables need Python 3.8 or later; this is %s (%s)\n" % (sys.version.split()[0], sys.executable))
    sys.exit(2)

import importlib
import importlib.util
import inspect
import json
import os
import traceback

import vernier_report  # next to this file; imported before the working directory goes on sys.path

USAGE = "usage: vernier_callable.py MODULE:FUNCTION METRIC [METRIC ...] | --check MODULE:FUNCTION"


class Trial:
    """What a callable may take besides its parameters: the trial's number, parameters and folders, and ``report``."""

    def __init__(self, number, params, metric):
        self.number = number
        self.params = params
        self.dir = os.environ.get("VERNIER_TRIAL_DIR")
        self.checkpoint_dir = os.environ.get("VERNIER_CHECKPOINT_DIR")
        self._metric = metric

    def report(self, step, value=None, **metrics):
        """Intermediate values at ``step``: ``trial.report(3, 0.52)`` for the objective metric, or ``trial.report(3, loss=0.52, acc=0.8)``.

        The pruner sees the objective metric's values; if it stops the trial, the process receives SIGTERM.
        """
        if value is not None:
            if self._metric in metrics:
                raise TypeError("report() got the objective metric %r twice" % self._metric)
            metrics = dict(metrics)
            metrics[self._metric] = value
        vernier_report.report(step, **metrics)

    def __repr__(self):
        return "Trial(number=%r, params=%r)" % (self.number, self.params)


class CallableError(Exception):
    """A mistake in the callable or its result, reported without a traceback."""


def fail(message, code=2):
    sys.stderr.write("vernier: " + message + "\n")
    sys.stderr.flush()
    sys.exit(code)


def split(spec):
    module, sep, function = spec.rpartition(":")
    if not sep or not module or not function:
        fail("callable %r must look like \"package.module:function\"" % spec)
    return module, function


def put_working_directory_first():
    cwd = os.getcwd()
    sys.path[:] = [cwd] + [p for p in sys.path if p not in ("", cwd)]


def missing_module(module, error):
    # The module itself (or a package above it) is missing, as opposed to a missing import inside it.
    return error.name is not None and (module == error.name or module.startswith(error.name + "."))


def not_found_message(module, spec):
    return ("cannot import module %r for callable %r: no file %s.py (or package %s/) in the working directory %s, "
            "and no such module installed for %s" % (module, spec, module.replace(".", "/"), module.replace(".", "/"), os.getcwd(), sys.executable))


def check(spec):
    module, _ = split(spec)
    put_working_directory_first()
    try:
        found = importlib.util.find_spec(module)
    except ModuleNotFoundError as e:
        if missing_module(module, e):
            fail(not_found_message(module, spec))
        raise
    if found is None:
        fail(not_found_message(module, spec))
    print("ok %s %s" % (sys.executable, sys.version.split()[0]))


def load(spec):
    module_name, function_name = split(spec)
    put_working_directory_first()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if missing_module(module_name, e):
            fail(not_found_message(module_name, spec))
        raise
    function = getattr(module, function_name, None)
    if function is None:
        names = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)
        fail("module %r (%s) has no function %r%s" % (
            module_name, getattr(module, "__file__", "?"), function_name, "; it defines: " + ", ".join(names) if names else ""))
    if not callable(function):
        fail("%r in module %r is a %s, not a function" % (function_name, module_name, type(function).__name__))
    return function


def call(function, params, trial):
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return function(params)
    parameters = list(signature.parameters.values())
    if any(p.name == "trial" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in parameters[1:]):
        return function(params, trial=trial)
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters):
        return function(params, trial)
    return function(params)


def number(value, what):
    if isinstance(value, (bool, str, bytes)) or value is None:
        raise CallableError("%s must be a number, got %r" % (what, value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CallableError("%s must be a number, got %s %r" % (what, type(value).__name__, value)) from None


def metric_lines(result, metrics, spec):
    """The METRIC lines for what the function returned."""
    expected = "a number (the metric '%s')" % metrics[0] if len(metrics) == 1 else "a dict or tuple of %s" % ", ".join(metrics)
    if isinstance(result, dict):
        if not result:
            raise CallableError("%s returned an empty dict; return {%s}" % (spec, ", ".join("'%s': ..." % m for m in metrics)))
        return [vernier_report.format_line({str(k): number(v, "the value of %r" % k)}) for k, v in result.items()]
    if isinstance(result, (tuple, list)):
        if len(result) != len(metrics):
            raise CallableError("%s returned %d values for %d metric(s) (%s); return %s" % (spec, len(result), len(metrics), ", ".join(metrics), expected))
        return [vernier_report.format_line({m: number(v, "value %d of the result" % (i + 1))}) for i, (m, v) in enumerate(zip(metrics, result))]
    if result is None:
        raise CallableError("%s returned None; return %s, or a dict of metrics" % (spec, expected))
    if len(metrics) > 1:
        raise CallableError("%s returned one number, but the objective has %d metrics (%s); return a dict or a tuple" % (spec, len(metrics), ", ".join(metrics)))
    try:
        value = number(result, "the result")
    except CallableError:
        raise CallableError("%s returned %s %r; return %s, or a dict of metrics" % (spec, type(result).__name__, result, expected)) from None
    return [vernier_report.format_line({metrics[0]: value})]


def run(spec, metrics):
    path = os.environ.get("VERNIER_PARAMS_FILE")
    if not path:
        fail("VERNIER_PARAMS_FILE is not set: this bridge is started by vernier for each trial")
    with open(path, encoding="utf-8") as f:
        params = json.load(f)
    function = load(spec)
    trial = Trial(int(os.environ.get("VERNIER_TRIAL_NUMBER", "0")), dict(params), metrics[0])
    result = call(function, params, trial)
    if inspect.isawaitable(result):
        import asyncio

        async def wait(awaitable):
            return await awaitable

        result = asyncio.run(wait(result))
    try:
        lines = metric_lines(result, metrics, spec)
    except (CallableError, ValueError, TypeError) as e:
        fail(str(e), code=1)
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.flush()


def main(argv):
    if len(argv) == 2 and argv[0] == "--check":
        check(argv[1])
    elif len(argv) >= 2 and not argv[0].startswith("-"):
        run(argv[0], argv[1:])
    else:
        fail(USAGE)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except SystemExit:
        raise
    except BaseException:
        # The trial fails with the last lines of stderr as its reason: the traceback's end says what went wrong.
        kind, error, frames = sys.exc_info()
        inner = frames
        while inner is not None and inner.tb_frame.f_code.co_filename == __file__:
            inner = inner.tb_next  # the bridge's own frames say nothing about the user's error
        traceback.print_exception(kind, error, inner or frames)
        sys.stderr.flush()
        sys.exit(1)
