"""Every example command of README.md, run on the demo corpus, checked against what the README says.

Usage: python bench/readme_examples.py [--only TEXT] [--keep DIR] [--json]

Two kinds of example:
- the terminal sessions (```console blocks and plain blocks of `$ archivist ...` lines): each
  command runs in a scratch folder where `archivist/demo_data` is the built-in corpus and
  `archivist` is this checkout (`python -m archivist`); its documented output lines must appear
  in order in what it printed (stdout, then stderr), and its exit code must be the one shown
  (`; echo $?`), else 0. A `chat` session gets its `> ` lines as input;
- the example column of the Commands table: run against the demo store (ARCHIVIST_DB), exit 0.
Written output is compared loosely where it cannot repeat: "..." and "…" match anything, and
so do timings, rates, clock times and dates of runs (see `loose`). A command that needs what the
demo does not have (another archive, a model checkpoint, a server, an hour of evals) is listed as
skipped, with why. Prints one line per example (ok / FAIL / skip) and a JSON summary with --json;
exit 1 when an example fails.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# what the demo cannot give a command: (pattern in the command, why it is skipped)
NEEDS = [(r"mail\.db|enron\.db|~/|\bbig/|notes\.csv|mail/ ", "another archive than the demo"),
         (r"tiny-mamba2|--model \S|mamba2|--base-url", "a model checkpoint or server the demo does not ship"),
         (r"\beval run\b", "an eval run (minutes to an hour)"),
         (r"\beval report\b", "stored eval results"),
         (r"--install-completion", "changes the user's shell"),
         (r"\bingest\b.*--text-field|summary\.md", "files that are not in the demo"),
         (r"\bjq\b", "jq")]
SPINNER = re.compile(r"^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]")
TIMING = re.compile(r"\d[\d,]*(?:\.\d+)?\s?(?:s|ms|/s|msg/s|chunks/s|min)\b|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?"
                    r"(?:\+00:00)?|\b\d+ B\b|\(\d[\d.]*/s\)")


@dataclass
class Example:
    command: str
    expected: list[str] = field(default_factory=list)
    rc: int = 0
    stdin: str = ""
    source: str = "session"
    status: str = ""
    why: str = ""


def loose(line: str) -> str:
    """A line with what cannot repeat run to run (timings, rates, times of day) made uniform."""
    return " ".join(TIMING.sub("<t>", line).split())


def matches(expected: str, actual: str) -> bool:
    """expected (a README line, "..." or "…" standing for anything) matches actual."""
    parts = [re.escape(p) for p in re.split(r"\s*(?:\.\.\.|…)\s*", loose(expected))]
    return re.fullmatch(r".*".join(parts), loose(actual)) is not None


def session_examples(text: str) -> list[Example]:
    """The `$ archivist ...` commands of the README's code blocks and the lines shown after each."""
    out: list[Example] = []
    for block in code_blocks(text):
        current: Example | None = None
        for line in block:
            if line.startswith("$ "):
                cmd = re.sub(r"\s{2,}#.*$", "", line[2:]).rstrip()
                while cmd.endswith("\\"):
                    cmd = cmd[:-1]
                current = Example(cmd) if cmd.startswith("archivist") else None
                if current:
                    out.append(current)
            elif current is not None and line.strip():
                if line.startswith("> "):
                    current.stdin += line[2:] + "\n"
                if re.fullmatch(r"\d+", line.strip()) and "echo $?" in current.command:
                    current.rc = int(line.strip())
                    continue
                current.expected.append(re.sub(r"\s{2,}\(status line.*\)$", "", line))
    return out


def code_blocks(text: str) -> list[list[str]]:
    """The lines of each fenced code block (```console, ```sh, ```)."""
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def table_examples(text: str) -> list[Example]:
    """The example column of the Commands table: `archivist ...` in backticks."""
    out = []
    for row in re.findall(r"^\| `[^|]+` \| (.+?) \| ", text, re.M):
        for cmd in re.findall(r"`(archivist [^`]+)`", row):
            out.append(Example(cmd, source="table"))
    return out


def skip_reason(ex: Example) -> str:
    return next((why for pattern, why in NEEDS if re.search(pattern, ex.command)), "")


def shim(folder: Path) -> dict:
    """An environment whose `archivist` is this checkout, in a scratch folder with the demo data."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "archivist"
    exe.write_text(f"#!/bin/sh\nexec {sys.executable} -m archivist \"$@\"\n")
    exe.chmod(0o755)
    (folder / "archivist").mkdir()
    (folder / "archivist" / "demo_data").symlink_to(ROOT / "archivist" / "demo_data")
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
            "ARCHIVIST_CONFIG": "", "COLUMNS": "200", "XDG_STATE_HOME": str(folder / "state")}


def run(ex: Example, folder: Path, env: dict) -> None:
    started = time.perf_counter()
    shown, rc = (in_terminal if ex.source == "session" else piped)(ex, folder, env)
    if "echo $?" in ex.command:
        rc = int(shown.pop()) if shown and shown[-1].strip().isdigit() else -1
    problems = [] if rc == ex.rc else [f"exit {rc}, the README says {ex.rc}"]
    at = 0
    for want in ex.expected:
        if SPINNER.match(want) or want.strip() in ("...", "…"):
            continue
        hit = next((i for i in range(at, len(shown)) if matches(want, shown[i])), None)
        if hit is None:
            problems.append(f"not printed: {want!r}")
            break
        at = hit + 1
    ex.status = "FAIL" if problems else "ok"
    ex.why = "; ".join(problems) + (f" (printed: {' | '.join(shown[:6])[:400]})" if problems else "")
    ex.why += f" [{time.perf_counter() - started:.1f}s]"


def piped(ex: Example, folder: Path, env: dict) -> tuple[list[str], int]:
    """(the lines a command printed, stdout then stderr, and its exit code), run with pipes."""
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", ex.command], cwd=folder, env=env,
                          input=ex.stdin, capture_output=True, text=True, timeout=900)
    return [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()], proc.returncode


def in_terminal(ex: Example, folder: Path, env: dict) -> tuple[list[str], int]:
    """The same in a terminal (a pty, as the README's sessions were typed): what it showed, in
    order, and its exit code; a chat gets its questions when it prompts."""
    import pexpect
    child = pexpect.spawn("bash", ["-c", ex.command], cwd=str(folder), encoding="utf-8", timeout=900,
                          env={**env, "TERM": "dumb", "NO_COLOR": "1"}, dimensions=(50, 200))
    seen = []
    for line in ex.stdin.splitlines():
        if child.expect_exact(["> ", pexpect.EOF]) == 1:  # it ended without asking
            break
        seen += [child.before, child.after]
        child.sendline(line)
    child.expect(pexpect.EOF)
    child.close()
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(seen) + (child.before or ""))
    return [line.rstrip("\r") for line in text.splitlines() if line.strip()], child.exitstatus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="run only the examples whose command holds this text")
    ap.add_argument("--keep", type=Path, help="scratch folder to use and keep (default: a temporary one)")
    ap.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    args = ap.parse_args()
    text = README.read_text()
    examples = session_examples(text) + table_examples(text)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="readme-examples-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = shim(folder)
    # the table's examples run on the demo store the sessions build (ARCHIVIST_DB)
    table_env = {**env, "ARCHIVIST_DB": str(folder / "demo.db")}
    for ex in examples:
        builds = "ingest archivist/demo_data" in ex.command  # the store every other example reads
        if args.only and args.only not in ex.command and not builds:
            ex.status, ex.why = "skip", "not selected (--only)"
        elif (why := skip_reason(ex)):
            ex.status, ex.why = "skip", f"needs {why}"
        else:
            run(ex, folder, table_env if ex.source == "table" else env)
        print(f"{ex.status:<4}  {ex.source:<7} {ex.command}" + (f"\n      {ex.why}" if ex.status != "ok" else
                                                                 f"  {ex.why}"), flush=True)
    failed = [e for e in examples if e.status == "FAIL"]
    summary = {"examples": len(examples), "ok": sum(e.status == "ok" for e in examples),
               "failed": len(failed), "skipped": sum(e.status == "skip" for e in examples)}
    print(json.dumps({**summary, "results": [asdict(e) for e in examples]}) if args.json else summary)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
