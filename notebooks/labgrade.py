"""Automatic checks for the agentsim labs.

A lab's check cell calls `check("ex1", fn)`: `fn` runs the exercise's checks, which
raise `CheckFailed` with a message that says what was expected and what the student's
answer (or scenario) gave. `check` never raises: it prints the verdict, so the rest of
the notebook still runs, and appends it as one JSON line to the file named by the
environment variable AGENTSIM_LAB_RESULTS when that is set (this is how
`notebooks/run-labs` and `notebooks/grade-labs` learn each exercise's verdict).
"""

import json
import math
import os

__all__ = ["CheckFailed", "check", "checker", "answered", "expect_equal", "expect_close", "expect_true",
           "expect_set", "NOT_ANSWERED"]


class CheckFailed(Exception):
    """An exercise's answer is wrong (or missing); the message tells the student why."""


NOT_ANSWERED = None  # what every answer cell holds as handed out


def answered(value, name, kind="a value"):
    """Fails the check when the student has not filled in `name` yet."""
    if value is NOT_ANSWERED or value is Ellipsis:
        what = "returns None" if name.endswith(")") else "is still None"
        raise CheckFailed(f"not answered yet: `{name}` {what}; fill in the answer cell above ({kind})")
    return value


def _show(number):
    """A number as a person writes it: 600, not 600.0000000000001."""
    try:
        return f"{float(number):.10g}"
    except (TypeError, ValueError):
        return repr(number)


def expect_equal(got, want, what):
    if got != want:
        raise CheckFailed(f"{what}: expected {want!r}, your answer gave {got!r}")


def expect_close(got, want, what, tolerance):
    try:
        ok = math.isclose(float(got), float(want), abs_tol=tolerance)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what}: expected a number near {_show(want)}, your answer gave {got!r}") from None
    if not ok:
        raise CheckFailed(f"{what}: expected {_show(want)} (within {tolerance}), your answer gave {_show(got)}")


def expect_set(got, want, what):
    try:
        got_set = set(got)
    except TypeError:
        raise CheckFailed(f"{what}: expected a collection {sorted(want)!r}, your answer gave {got!r}") from None
    if got_set != set(want):
        missing = sorted(set(want) - got_set)
        extra = sorted(got_set - set(want))
        parts = []
        if missing:
            parts.append(f"missing {missing!r}")
        if extra:
            parts.append(f"not expected {extra!r}")
        raise CheckFailed(f"{what}: expected {sorted(want)!r}, your answer gave {sorted(got_set)!r} "
                          f"({'; '.join(parts)})")


def expect_true(condition, message):
    if not condition:
        raise CheckFailed(message)


def _record(lab, exercise, passed, message):
    path = os.environ.get("AGENTSIM_LAB_RESULTS")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps({"lab": lab, "exercise": exercise, "passed": passed, "message": message}) + "\n")


def check(lab, exercise, fn):
    """Runs `fn`; prints and records PASSED or FAILED with the reason. Returns whether it passed."""
    try:
        fn()
    except CheckFailed as failure:
        passed, message = False, str(failure)
    except NameError as error:
        passed, message = False, f"an answer is missing ({error}): run the answer cell above first"
    except Exception as error:  # the student's code broke: say how, keep the notebook running
        passed, message = False, f"your answer raised {type(error).__name__}: {error}"
    else:
        passed, message = True, ""
    if passed:
        print(f"PASSED {lab} {exercise}")
    else:
        print(f"FAILED {lab} {exercise}: {message}")
    _record(lab, exercise, passed, message)
    return passed


def checker(lab):
    """The check function of one lab: `check = checker("lab1")`, then `check("ex1", fn)`."""
    return lambda exercise, fn: check(lab, exercise, fn)
