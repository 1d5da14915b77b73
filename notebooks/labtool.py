"""Builds, runs and grades the labs (`make-labs`, `run-labs`, `grade-labs` call this).

A lab's source is `notebooks/src/NAME.lab`: cells, each opened by a marker line
    %% md              a Markdown cell
    %% code            a code cell
    %% answer ID       a cell the student fills in (as handed out: blanks)
    %% check ID        the automatic check of exercise ID (calls labgrade.check)
The instructor's answers are apart, in `notebooks/answers/NAME.lab`: `%% answer ID`
cells only. The student's notebook is the source; the solved one is the source with each
answer cell replaced by the instructor's. Grading a submission is the same splice: the
student's answer cells (found by their ID in the cell metadata) go into a fresh copy of
the source, so editing a check cell changes nothing.
"""

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
ANSWERS = HERE / "answers"
# The labs run-labs executes and the tests run, in order. Lab 6 (the bug hunt) joins when
# `agentsim fuzz` lands (notebooks/README.md).
LABS = ["lab1-startup", "lab2-status-updates", "lab3-failover", "lab4-qos", "lab5-recovery", "lab6-bug-hunt"]
ALL_LABS = LABS

_MARKER = re.compile(r"^%% (md|code|answer|check)(?: (\S+))?\s*$")


def parse(path):
    """The cells of a .lab file: a list of (kind, id, text)."""
    cells, kind, ident, lines = [], None, None, []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        m = _MARKER.match(line)
        if m:
            if kind:
                cells.append((kind, ident, "\n".join(lines).strip("\n")))
            kind, ident, lines = m.group(1), m.group(2), []
            if kind in ("answer", "check") and not ident:
                raise SystemExit(f"{path}:{number}: '%% {kind}' needs an id")
        elif kind is None:
            if line.strip():
                raise SystemExit(f"{path}:{number}: text before the first '%% md|code|answer|check' marker")
        else:
            lines.append(line)
    if kind:
        cells.append((kind, ident, "\n".join(lines).strip("\n")))
    return cells


def answers_of(name):
    """The instructor's answers of a lab: {answer id: code}."""
    return {ident: text for kind, ident, text in parse(ANSWERS / f"{name}.lab") if kind == "answer"}


def build(name, answers=None):
    """The lab's notebook (nbformat), with `answers` ({id: code}) spliced into its answer cells."""
    import nbformat.v4 as v4
    cells, exercises, answer_ids = [], [], []
    for kind, ident, text in parse(SOURCES / f"{name}.lab"):
        if kind == "md":
            cells.append(v4.new_markdown_cell(text))
            continue
        if kind == "answer":
            answer_ids.append(ident)
            if answers is not None and ident in answers:
                text = answers[ident]
        if kind == "check":
            exercises.append(ident)
        cell = v4.new_code_cell(text)
        if kind in ("answer", "check"):
            cell.metadata["agentsim_lab"] = {kind: ident}
            cell.metadata["tags"] = [kind]
        cells.append(cell)
    for i, cell in enumerate(cells):
        cell["id"] = f"{name}-{i}"
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["agentsim_lab"] = {"lab": name, "exercises": exercises, "answers": answer_ids}
    return nb


def submitted_answers(nb):
    """The answer cells of a student's notebook: {id: code}."""
    found = {}
    for cell in nb.cells:
        ident = cell.get("metadata", {}).get("agentsim_lab", {}).get("answer")
        if ident and cell.cell_type == "code":
            found[ident] = cell.source
    return found


def execute(nb, cell_timeout=120):
    """Runs a notebook headless in notebooks/; returns (verdicts, errors, seconds):
    verdicts {exercise: (passed, message)} as labgrade recorded them (an exercise whose check
    never ran is failed), errors the cells outside answers that raised, and the reason the
    run stopped early (a cell over `cell_timeout` seconds, a kernel that died), if it did."""
    from nbclient import NotebookClient
    fd, results = tempfile.mkstemp(prefix="agentsim-lab-", suffix=".jsonl")
    os.close(fd)
    os.environ["AGENTSIM_LAB_RESULTS"] = results
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets ipykernel's debugger warning
    start = time.monotonic()
    stopped = []
    try:
        try:
            NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": str(HERE)}}).execute()
        except Exception as error:  # a cell over its timeout, a dead kernel: the rest is failed
            stopped.append(f"execution stopped: {type(error).__name__}: {str(error).strip()[:300]}")
        seconds = time.monotonic() - start
        recorded = {}
        for line in Path(results).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            recorded[r["exercise"]] = (r["passed"], r["message"])
    finally:
        os.environ.pop("AGENTSIM_LAB_RESULTS", None)
        os.unlink(results)
    verdicts = {ex: recorded.get(ex, (False, "its check cell did not run to the end"))
                for ex in nb.metadata["agentsim_lab"]["exercises"]}
    errors = stopped
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "answer" in cell.metadata.get("agentsim_lab", {}):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return verdicts, errors, seconds


def write(nb, path):
    import nbformat
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        nbformat.write(nb, out)


def student_path(name):
    return HERE / f"{name}.ipynb"


def lab_of(nb, path):
    """Which lab a submitted notebook is: its metadata, else its file name."""
    name = nb.metadata.get("agentsim_lab", {}).get("lab")
    if name in ALL_LABS:
        return name
    for lab in ALL_LABS:
        if Path(path).stem.startswith(lab.split("-")[0] + "-") or Path(path).stem == lab:
            return lab
    return None


def die(message):
    print(f"{Path(sys.argv[0]).name}: error: {message}", file=sys.stderr)
    sys.exit(2)
