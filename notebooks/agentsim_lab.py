"""The agentsim labs' helper: run the simulator, read what it wrote, show it.

    import agentsim_lab as sim
    run = sim.run("scenarios/failover.json", seed=7)     # or a scenario as a dict
    run.exit_code, run.results                           # run --results (docs/results-format.md)
    df = run.trace()                                     # one row per trace record, fields as columns
    run.svg(hosts="agent-1,master-*")                    # the sequence diagram, inline
    sim.graph(), sim.explain()                           # the agent's startup graph and its tour

Paths are relative to the repository's root (`scenarios/...`, `notebooks/scenarios/...`).
The binary is $AGENTSIM if set, else build/cli/agentsim, else the ./agentsim wrapper (which
builds it first). Each run writes into a folder of its own under one temporary folder,
which is removed when the kernel (or the Python process) exits.
"""

import atexit
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every run's files go under one temporary folder, removed when the kernel exits.
_TMP = tempfile.mkdtemp(prefix="agentsim-lab-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)


def _workdir():
    return tempfile.mkdtemp(dir=_TMP)

__all__ = ["ROOT", "agentsim", "run", "Run", "load_scenario", "trace_frame", "graph", "graph_svg", "explain",
           "seconds", "ns"]


def agentsim():
    """The agentsim command to call, as a list."""
    if os.environ.get("AGENTSIM"):
        return [os.environ["AGENTSIM"]]
    built = ROOT / "build" / "cli" / "agentsim"
    if built.exists():
        return [str(built)]
    return [str(ROOT / "agentsim")]


def _call(args, check=True):
    proc = subprocess.run(agentsim() + [str(a) for a in args], cwd=ROOT, capture_output=True, text=True)
    if check and proc.returncode >= 2:
        raise RuntimeError(f"agentsim {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stderr}")
    return proc


_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "secs": 1.0, "mins": 60.0, "hrs": 3600.0, "days": 86400.0,
          "weeks": 604800.0}


def seconds(duration):
    """'2.5secs', '10mins', '150ms' (Mesos's duration syntax) in seconds, as a float."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*(ns|us|ms|secs|mins|hrs|days|weeks)\s*", str(duration))
    if not m:
        raise ValueError(f"not a Mesos duration: {duration!r} (e.g. '10secs', '2mins', '150ms')")
    return float(m.group(1)) * _UNITS[m.group(2)]


def ns(duration):
    """A Mesos duration in integer nanoseconds (the trace's `t`)."""
    return round(seconds(duration) * 1e9)


def load_scenario(path):
    """A scenario file as a dict, to change and run (`run(dict)`)."""
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def _scenario_file(scenario, workdir):
    if isinstance(scenario, dict):
        path = Path(workdir) / f"{scenario.get('name', 'scenario')}.json"
        path.write_text(json.dumps(scenario, indent=2), encoding="utf-8")
        return path
    return ROOT / scenario


class Run:
    """One `agentsim run`: its exit code, text output, results and trace."""

    def __init__(self, args, proc, workdir):
        self.args = args
        self.exit_code = proc.returncode
        self.output = proc.stdout
        self.errors = proc.stderr
        self.dir = Path(workdir)
        self.trace_path = self.dir / "run.jsonl"
        results = self.dir / "results.json"
        self.results = json.loads(results.read_text()) if results.exists() else None
        self._frame = None

    def __repr__(self):
        return f"<agentsim run {' '.join(self.args)}: exit {self.exit_code}>"

    def expectations(self):
        """The verdicts as a DataFrame: index, kind, summary, verdict, evidence, note."""
        import pandas as pd
        return pd.DataFrame(self.results["expectations"] if self.results else [])

    def held(self):
        """True when every expectation and invariant held (exit code 0)."""
        return self.exit_code == 0

    def trace(self):
        """The trace as a DataFrame (see trace_frame)."""
        if self._frame is None:
            self._frame = trace_frame(self.trace_path)
        return self._frame

    def view(self, fmt="text", **filters):
        """`agentsim view` of this run's trace as text (fmt text|mermaid|svg)."""
        out = self.dir / f"view.{fmt}"
        args = ["view", self.trace_path, "--format", fmt, "-o", out]
        for key, value in filters.items():
            args += [f"--{key}", value] if value is not True else [f"--{key}"]
        _call(args)
        return out.read_text(encoding="utf-8")

    def svg(self, **filters):
        """The sequence diagram, shown inline in the notebook (filters as `agentsim view`'s:
        hosts=, processes=, messages=, kinds=, from_=, to=)."""
        from IPython.display import SVG
        return SVG(self.view("svg", **{k.rstrip("_"): v for k, v in filters.items()}))


def run(scenario, seed=None, until=None, bug=None, extra=(), bad_input_ok=False):
    """Runs a scenario (a path from the repository's root, or a dict) with --trace and
    --results; never raises for exit 1 (an expectation failed), and for bad input (exit 2:
    the message is in `.errors`) only when bad_input_ok is false."""
    workdir = _workdir()
    path = _scenario_file(scenario, workdir)
    args = ["run", path, "--quiet", "--trace", Path(workdir) / "run.jsonl",
            "--results", Path(workdir) / "results.json"]
    if seed is not None:
        args += ["--seed", seed]
    if until is not None:
        args += ["--until", until]
    if bug is not None:
        args += ["--bug", bug]
    args += list(extra)
    proc = _call(args, check=not bad_input_ok)
    return Run([str(a) for a in args], proc, workdir)


_TOP = ("t", "seq", "msg", "duplicate", "armed", "kind", "process", "host", "name", "ref")
TRACE_FORMAT_VERSION = 3


def trace_frame(path):
    """A trace (JSON Lines, docs/trace-format.md) as a DataFrame: one row per record, the
    record's keys and its fields as columns (a field named like a key gets a `field_`
    prefix), plus `time`, the simulated time in seconds. The header's flags are in
    `frame.attrs['header']`; the end record a finished run writes last (when the run
    ended, `t`, and how many records precede it, `records`) is in `frame.attrs['end']`,
    not among the rows. A trace of another format version, or one without its end record
    (the run did not finish, or the file was cut short), raises ValueError."""
    import pandas as pd
    rows = []
    end = None
    with open(path, encoding="utf-8") as lines:
        header = json.loads(next(lines, "{}"))
        if header.get("format_version") != TRACE_FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported trace format version {header.get('format_version')} (this "
                             f"helper reads version {TRACE_FORMAT_VERSION}; docs/trace-format.md)")
        for number, line in enumerate(lines, start=2):
            if not line.strip():
                continue
            if end is not None:
                raise ValueError(f"{path}: line {number}: a record after the end record")
            record = json.loads(line)
            if record.get("kind") == "end":
                end = {"t": record["t"], "records": record["fields"]["records"]}
                if end["records"] != len(rows):
                    raise ValueError(f"{path}: line {number}: the end record counts {end['records']} records, "
                                     f"but {len(rows)} precede it")
                continue
            row = {k: record.get(k) for k in _TOP}
            for key, value in (record.get("fields") or {}).items():
                row[f"field_{key}" if key in _TOP else key] = value
            rows.append(row)
    if end is None:
        raise ValueError(f"{path}: the trace is truncated: it has no end record, which a finished run writes last "
                         "(the run did not finish, or the file was cut short; docs/trace-format.md)")
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame.insert(1, "time", frame["t"] / 1e9)
    frame.attrs["header"] = header
    frame.attrs["end"] = end
    return frame


def _scenario_arg(scenario):
    if isinstance(scenario, dict):
        return [_scenario_file(scenario, _workdir())]
    return [scenario] if scenario else []


def graph(scenario=None, agent=None):
    """The agent's startup graph as plain data (`agentsim graph --format json`); `scenario`
    a path or a dict, none for the default flags."""
    args = ["graph", "--format", "json"] + (["--agent", agent] if agent else []) + _scenario_arg(scenario)
    return json.loads(_call(args).stdout)


def graph_svg(scenario=None, agent=None):
    """The startup graph drawn by Graphviz's dot, inline."""
    from IPython.display import SVG
    args = ["graph", "--format", "dot"] + (["--agent", agent] if agent else []) + _scenario_arg(scenario)
    dot = _call(args).stdout
    drawn = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True)
    return SVG(drawn.stdout)


def explain(scenario=None, agent=None):
    """`agentsim explain`: the guided tour of the agent's main(), as text."""
    args = ["explain"] + (["--agent", agent] if agent else []) + _scenario_arg(scenario)
    return _call(args).stdout
