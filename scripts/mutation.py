"""Mutation testing of the value logic, one module at a time (``make mutation``).

For each module below, mutmut plants one-line bugs in it and runs that module's own fast
tests against each; a mutant the tests do not notice "survives". Each module runs in its
own scratch folder (build/mutation/<name>/) holding links to the project and a setup.cfg
that names the module and its tests, so one run never mixes with another's results, and
at most two test processes run at a time (the machine is shared).

    .venv/bin/python scripts/mutation.py               # every module
    .venv/bin/python scripts/mutation.py duration notes  # some of them

It prints, per module, the mutants killed and the score, and lists the survivors (see them
with ``cd build/mutation/<name> && ../../../.venv/bin/mutmut show <mutant>``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
LINKED = ["journal", "tests", "templates", "static", "migrations", "roadbook_cli"]

# module name -> (files to mutate, the tests that hold its values)
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "duration": (["journal/entries/duration.py"], ["tests/test_duration.py"]),
    "notes": (["journal/entries/notes.py"], ["tests/test_notes.py"]),
    "streaks": (["journal/insights/streaks.py"], ["tests/test_insights.py"]),
    "ranges": (["journal/insights/ranges.py"], ["tests/test_insights.py"]),
    "clock": (
        ["journal/clock.py"],
        ["tests/test_clock.py", "tests/test_user_days.py", "tests/test_insights.py"],
    ),
    "throttle": (["journal/auth/throttle.py"], ["tests/test_login_throttle.py"]),
    "records": (["journal/transfer/records.py"], ["tests/test_transfer_records.py"]),
    # The formats package (journal/transfer/formats/) in three groups, so each run stays short.
    # The json group leaves out the generated round trips (tests/test_transfer_roundtrip.py):
    # two minutes a run on a busy machine, paid by every mutant that survives the others.
    "formats-jrnl": (
        ["journal/transfer/formats/jrnl_format.py"],
        ["tests/test_transfer_import.py", "tests/test_transfer_formats.py"],
    ),
    "formats-text": (
        [
            "journal/transfer/formats/csv_format.py",
            "journal/transfer/formats/markdown_format.py",
            "journal/transfer/formats/markdown_blocks.py",
        ],
        [
            "tests/test_transfer_csv_markdown.py",
            "tests/test_transfer_formats.py",
            "tests/test_transfer_roundtrip.py",
        ],
    ),
    "formats-json": (
        [
            "journal/transfer/formats/__init__.py",
            "journal/transfer/formats/json_format.py",
            "journal/transfer/formats/zip_format.py",
        ],
        [
            "tests/test_transfer_json_zip.py",
            "tests/test_transfer_formats.py",
            "tests/test_export_fixture.py",
        ],
    ),
}


def setup_cfg(files: list[str], tests: list[str]) -> str:
    lines = ["[mutmut]", "source_paths=", *(f"    {path}" for path in files)]
    lines += ["also_copy=", *(f"    {path}" for path in [*LINKED, "pyproject.toml"])]
    lines += ["pytest_add_cli_args_test_selection=", *(f"    {path}" for path in tests)]
    # Tests that bound time are left out: under mutmut's tracing they measure mutmut.
    lines += ["pytest_add_cli_args=", "    -p", "    no:cacheprovider", "    -q", "    -k"]
    lines += ["    not bounded_time and not linear_time"]
    return "\n".join(lines) + "\n"


def run(name: str, max_children: int) -> tuple[int, int, list[str]]:
    files, tests = MODULES[name]
    work = ROOT / "build" / "mutation" / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for part in [*LINKED, "pyproject.toml"]:
        (work / part).symlink_to(ROOT / part)
    (work / "setup.cfg").write_text(setup_cfg(files, tests))
    with open(work / "run.log", "w") as log:  # its progress display, kept out of sight
        subprocess.run(
            [str(MUTMUT), "run", "--max-children", str(max_children)],
            cwd=work,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if "failed to collect stats" in (work / "run.log").read_text(errors="replace"):
        sys.exit(f"{name}: its tests fail before any mutation: see {work / 'run.log'}")
    results = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    statuses = re.findall(r"^\s*(\S+): (\S.*)$", results, re.MULTILINE)
    killed = sum(1 for _, status in statuses if status == "killed")
    survived = [mutant for mutant, status in statuses if status != "killed"]
    return killed, len(statuses), survived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", choices=[[], *MODULES], default=[])
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args()
    scores = []
    for name in args.modules or MODULES:
        killed, total, survived = run(name, args.max_children)
        score = 100 * killed / total if total else 0
        lines = [f"{name:10} {killed:4} of {total:4} killed  {score:5.1f} %"]
        lines += [f"    not killed: {mutant}" for mutant in survived]
        print("\n".join(lines), flush=True)
        scores += lines
    (ROOT / "build" / "mutation" / "scores.txt").write_text("\n".join(scores) + "\n")


if __name__ == "__main__":
    main()
