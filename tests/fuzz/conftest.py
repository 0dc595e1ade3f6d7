"""Fuzz harness: run ``vivo`` in-process in a throw-away folder and check the promises.

The promises (issue 13): every run exits 0 or 2; no traceback; on exit 2 stderr is one line
starting ``vivo: error:``; and a run that exits 2 leaves no file behind.

Tests draw their arguments from :class:`Harness` strategies with ``st.data()``. Paths are drawn
as tokens (``@in_file``, ``@proc``, ``@broken:truncated.fa.gz`` ...) that :meth:`Harness.path`
turns into real paths inside each example's sandbox, so every kind of path is tried: a new
file, an existing file, an existing folder, a path inside a file, ``/proc``, an over-long name,
unicode, a user's non-empty folder, and the corrupt fixtures of ``tests/data/broken``.

Example counts: ``VIVO_FUZZ_EXAMPLES`` (default 200) is the budget of the whole suite, spread
evenly over its tests, e.g. ``VIVO_FUZZ_EXAMPLES=10000 pytest tests/fuzz`` for a long run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

BROKEN = Path(__file__).resolve().parents[1] / "data" / "broken"
N_FUZZ_TESTS = 19  # tests in tests/fuzz; the example budget is spread over them
BUDGET = int(os.environ.get("VIVO_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=max(2, BUDGET // N_FUZZ_TESTS),
    deadline=None,
    derandomize=BUDGET <= 400,  # CI: the same cases every run; long runs explore
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
    database=None,
)
"""Hypothesis settings of every fuzz test (see the module doc); test modules get them with
``settings.get_profile("vivo-fuzz")`` (registered, never loaded: other tests keep theirs)."""
settings.register_profile("vivo-fuzz", FUZZ)

OUTPUT_TOKENS = (
    "@new",
    "@new_deep",
    "@existing_file",
    "@dir",
    "@in_file",
    "@in_file_deep",
    "@proc",
    "@sys",
    "@dev_null",
    "@empty",
    "@long",
    "@unicode",
    "@user_dir",
    "@vivo_dir",
    "@dot",
)
BROKEN_FILES = tuple(sorted(p.name for p in BROKEN.iterdir() if p.name != "README.md"))
INPUT_TOKENS = (
    "@missing",
    "@dir",
    "@empty",
    "@proc_file",
    "@unicode_missing",
    *(f"@broken:{name}" for name in BROKEN_FILES),
)
NUMBER_WORDS = (
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-1e309",
    "1e-320",
    "-0",
    "0",
    "0x10",
    "1_000",
    "",
    " ",
    "١٢",
    "1e3",
    "3.5",
    "-3.5",
    "+7",
    "9" * 5000,
    str(2**63),
    str(-(2**63)),
    str(2**64 + 1),
    "1/2",
    "½",
)
_COMMANDS = (
    "variant",
    "locus",
    "guides",
    "nucleases",
    "edit",
    "inherit",
    "cassette",
    "kb",
    "explain",
    "plan",
    "simulate",
    "genome",
    "offtargets",
    "rna",
    "trials",
    "cache",
    "car",
    "hla",
    "cells",
)
_SAFE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")


Opt = tuple[str, Any, tuple[str, ...]]
"""An option spec: flag, strategy of its value (None: a bare flag), good values."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run did."""

    args: tuple[str, ...]
    code: int | None
    out: str
    err: str
    crash: str | None  # a traceback that escaped main()


class Harness:
    """Strategies for arguments, a sandbox per example, and the checks."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runs = 0
        self.codes: Counter[str] = Counter()  # "variant 2" -> runs
        self.errors: Counter[str] = Counter()  # start of each error line -> runs

    # ------------------------------------------------------------------ strategies
    def text(self, *valid: str, max_size: int = 40) -> st.SearchStrategy[str]:
        """Known-good words, random unicode, long strings and option-like junk."""
        choices: list[st.SearchStrategy[str]] = [
            st.text(_SAFE, max_size=max_size),
            st.sampled_from(
                [
                    "A" * 10_000,
                    "é" * 300,
                    "😀🧬",
                    "--help",
                    "-x",
                    "../..",
                    "%s%n",
                    "HBB\tc.20A>T",
                    "'; DROP TABLE",
                    "HBB:c.20A>T",
                    " ",
                ]
            ),
        ]
        if valid:  # two thirds of the draws are good values, so the work behind them runs too
            choices[:0] = [st.sampled_from(valid)] * 4
        return _pick(choices)

    def number(
        self, lo: float = 0, hi: float = 100, *, integer: bool = True
    ) -> st.SearchStrategy[str]:
        """A numeric option's text: in range (kept small: fast), out of range, nan/inf, junk."""
        inside = (
            st.integers(int(lo), int(hi)).map(str)
            if integer
            else st.floats(lo, hi, allow_nan=False).map(repr)
        )
        return _pick(
            [
                inside,
                inside,
                st.integers(-(10**30), 10**30).map(str),
                st.floats(allow_nan=True, allow_infinity=True).map(repr),
                st.sampled_from(NUMBER_WORDS),
                st.text(_SAFE, max_size=6),
            ]
        )

    # ---------------------------------------------------------------- option specs
    # An option spec is (flag, strategy or None for a bare flag, good values).
    def t(self, flag: str, *valid: str) -> Opt:
        """A text option: good values ``valid``, drawn among unicode and junk."""
        return (flag, self.text(*valid), valid)

    def n(self, flag: str, lo: float, hi: float, *, integer: bool = True) -> Opt:
        """A numeric option whose good values lie in ``[lo, hi]``."""
        good = (str(int(lo)), str(int(hi))) if integer else (repr(float(lo)), repr(float(hi)))
        return (flag, self.number(lo, hi, integer=integer), good)

    def out(self, flag: str) -> Opt:
        """An output path option (every kind of path; good: new files)."""
        return (flag, self.output(), ("@new", "@new_deep", "@unicode"))

    def inp(self, flag: str, *good: str) -> Opt:
        """An input path option (missing, folders, broken fixtures; good: ``good``)."""
        return (flag, self.input(), good)

    @staticmethod
    def flag(flag: str) -> Opt:
        return (flag, None, ())

    def options(self, data: st.DataObject, box: Path, spec: list[Opt]) -> list[str]:
        """Options drawn from ``spec`` (path tokens resolved), in a drawn order.

        Half the examples are *single-fault*: one option gets any value and the others only
        good values, so a bad value is met by the code behind the option rather than stopped
        by another option's check; the other half draws every option freely.
        """
        single = data.draw(st.booleans(), label="single fault")
        target = data.draw(st.integers(0, len(spec) - 1), label="fault") if spec else -1
        groups: list[list[str]] = []
        for i, (flag, strategy, good) in enumerate(spec):
            if i != target and data.draw(st.integers(0, 9), label=f"use {flag}") >= 4:
                continue
            if strategy is None:
                groups.append([flag])
                continue
            if single and i != target:
                if not good:
                    continue
                strategy = st.sampled_from(good)
            value = data.draw(strategy, label=flag)
            suffix = {"--genbank": ".gb", "--plot": ".png"}.get(flag, ".tsv")
            groups.append([flag, self.path(value, box, suffix)])
        order = data.draw(st.permutations(groups), label="order") if len(groups) < 8 else groups
        return [token for group in order for token in group]

    def output(self) -> st.SearchStrategy[str]:
        return st.sampled_from(OUTPUT_TOKENS)

    def input(self, *extra: str) -> st.SearchStrategy[str]:
        return st.sampled_from(INPUT_TOKENS + extra)

    # --------------------------------------------------------------------- sandbox
    @contextlib.contextmanager
    def sandbox(self) -> Iterator[Path]:
        box = Path(tempfile.mkdtemp(prefix="fuzz-", dir=self.root))
        (box / "existing.tsv").write_text("keep me\n")
        (box / "adir").mkdir()
        (box / "afile.txt").write_text("a file\n")
        (box / "user_folder").mkdir()
        (box / "user_folder" / "thesis.tex").write_text("precious\n")
        (box / "vivo_folder").mkdir()
        (box / "vivo_folder" / ".vivo-output").write_text("")
        (box / "vivo_folder" / "old.gb").write_text("old\n")
        (box / "inputs").mkdir()
        try:
            yield box
        finally:
            shutil.rmtree(box, ignore_errors=True)

    def path(self, token: str, box: Path, suffix: str = ".tsv") -> str:
        """The real path for a path token (other strings are returned as they are)."""
        if token.startswith("@broken:"):
            name = token.split(":", 1)[1]
            target = box / "inputs" / name
            if not target.exists():
                shutil.copy(BROKEN / name, target)
            return str(target)
        table = {
            "@new": box / f"out{suffix}",
            "@new_deep": box / "new" / "deeper" / f"out{suffix}",
            "@existing_file": box / "existing.tsv",
            "@dir": box / "adir",
            "@in_file": box / "afile.txt" / f"sub{suffix}",
            "@in_file_deep": box / "afile.txt" / "a" / f"b{suffix}",
            "@proc": Path(f"/proc/vivo-fuzz/x{suffix}"),
            "@sys": Path(f"/sys/vivo-fuzz{suffix}"),
            "@dev_null": Path("/dev/null"),
            "@long": box / ("x" * 300 + suffix),
            "@unicode": box / f"données été 😀{suffix}",
            "@user_dir": box / "user_folder",
            "@vivo_dir": box / "vivo_folder",
            "@dot": Path("."),
            "@missing": box / "missing" / f"none{suffix}",
            "@unicode_missing": box / f"nïx 😀{suffix}",
            "@proc_file": Path("/proc/self/status"),
        }
        if token == "@empty":
            return ""
        return str(table[token]) if token in table else token

    # ---------------------------------------------------------------- run + check
    def run(self, args: list[str], box: Path) -> Outcome:
        from vivo.cli.main import main

        out, err = io.StringIO(), io.StringIO()
        code: int | None = None
        crash = None
        cwd = Path.cwd()
        old_home = os.environ.get("VIVO_HOME")
        os.environ["VIVO_HOME"] = str(box / "home")
        os.chdir(box)
        self.runs += 1
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            crash = traceback.format_exc()
        finally:
            os.chdir(cwd)
            if old_home is None:
                os.environ.pop("VIVO_HOME", None)
            else:
                os.environ["VIVO_HOME"] = old_home
        name = args[0] if args and args[0] in _COMMANDS else "-"
        if name in ("kb", "simulate", "genome") and len(args) > 1:
            name += " " + args[1][:12]
        self.codes[f"{name} {code if crash is None else 'crash'}"] += 1
        if code == 2:
            self.errors[err.getvalue().strip()[:100]] += 1
        return Outcome(tuple(args), code, out.getvalue(), err.getvalue(), crash)

    def check(self, args: list[str], box: Path) -> Outcome:
        """Run ``vivo ARGS`` in ``box`` and assert the promises."""
        before = _listing(box)
        res = self.run(args, box)
        shown = " ".join(repr(a)[:80] for a in args)
        assert res.crash is None, f"vivo {shown}: exception escaped main()\n{res.crash}"
        assert res.code in (0, 2), f"vivo {shown}: exit {res.code}\n{res.err[-2000:]}"
        for stream in (res.out, res.err):
            assert "Traceback (most recent call last)" not in stream, f"vivo {shown}\n{stream}"
        if res.code == 2:
            lines = [line for line in res.err.splitlines() if line.strip()]
            assert lines and lines[0].startswith("vivo: error:"), f"vivo {shown}\n{res.err}"
            assert len(lines) == 1, f"vivo {shown}: more than one line on stderr\n{res.err}"
            left = sorted(set(_listing(box)) - set(before))
            assert not left, f"vivo {shown}: exit 2 but left files behind: {left[:5]}"
        return res


def _pick(choices: list[st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """One of ``choices`` with equal weights (``st.one_of`` favours its first branches while it
    explores, which starved the good values); shrinks toward the first choice."""
    return st.integers(0, len(choices) - 1).flatmap(lambda i: choices[i])


def _listing(box: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(box):
        rel = os.path.relpath(dirpath, box)
        found += [os.path.join(rel, n) for n in dirnames + filenames]
    return found


@pytest.fixture(scope="session")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """The harness; with ``VIVO_FUZZ_REPORT=FILE`` its run counts are written there as JSON."""
    h = Harness(tmp_path_factory.mktemp("fuzz"))
    yield h
    report = os.environ.get("VIVO_FUZZ_REPORT")
    if report:
        payload = {
            "runs": h.runs,
            "exit_codes": dict(sorted(h.codes.items())),
            "error_kinds": dict(h.errors.most_common()),
        }
        Path(report).write_text(json.dumps(payload, indent=1) + "\n")
