"""What a job does, in its own process: call one workflow and write its files.

:func:`child_main` is the target of the job's process (see :mod:`vivo.web.jobs`). Each task
takes the checked parameters (:mod:`vivo.web.forms`), the job folder and a progress callback,
calls the workflow the CLI calls, writes the outputs under ``<job>/out`` and returns the
JSON-ready summary saved as ``result.json``. Paths inside results are made relative to ``out``.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from vivo.core.errors import VivoError
from vivo.io.atomic import write_text_atomic

__all__ = ["TASKS", "child_main"]

Progress = Callable[[str, int, int, str], None]
INTERNAL = "internal error: the job failed (the details are in the server's job log)"


class _Reporter:
    """``progress(what, done, total, unit)`` written to ``progress.json`` (at most 5 per s)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.last = 0.0

    def __call__(self, what: str, done: int, total: int, unit: str) -> None:
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        doc = {"what": what, "done": done, "total": total, "unit": unit}
        write_text_atomic(self.path, json.dumps(doc))


def child_main(kind: str, params: dict[str, Any], folder: str) -> None:
    """Run task ``kind``; exit status 0 with ``result.json``, else 1 with ``error.json``."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    job = Path(folder)
    out = job / "out"
    out.mkdir(exist_ok=True)
    report = _Reporter(job / "progress.json")
    try:
        result = TASKS[kind](params, job, report)
        result = _scrub(result, _shown_paths(params, job))
        text = json.dumps(_relative(result, str(out) + os.sep), default=str, allow_nan=False)
        write_text_atomic(job / "result.json", text)
    except VivoError as exc:
        message = _scrub(_one_line(str(exc)), _shown_paths(params, job))
        write_text_atomic(job / "error.json", json.dumps({"message": message}))
        sys.exit(1)
    except Exception:
        write_text_atomic(job / "log.txt", traceback.format_exc())
        write_text_atomic(job / "error.json", json.dumps({"message": INTERNAL}))
        sys.exit(1)


def _shown_paths(params: dict[str, Any], job: Path) -> list[tuple[str, str]]:
    """(server path, what the user is shown instead), longest first: an uploaded VCF is shown
    by the name the user gave it; anything under the job folder as ``job``; the server's genome
    store (a fetched genome's files and the off-target indexes) as ``genome store``."""
    pairs = []
    if params.get("vcf"):
        pairs.append((str(params["vcf"]), str(params.get("vcf_name") or "patient.vcf")))
    pairs.append((str(job), "job"))
    from vivo.io.places import genomes_home

    for home in {params.get("offtarget_home"), params.get("home"), params.get("genome_home")}:
        with contextlib.suppress(OSError, ValueError):
            store = genomes_home(home)
            pairs += [(str(store.resolve()), "genome store"), (str(store), "genome store")]
    return sorted(set(pairs), key=lambda p: -len(p[0]))


def _scrub(value: Any, paths: list[tuple[str, str]]) -> Any:
    """``value`` (strings, dicts, lists) with every server path replaced by its shown name."""
    if isinstance(value, str):
        for path, shown in paths:
            value = value.replace(path, shown)
        return value
    if isinstance(value, dict):
        return {k: _scrub(v, paths) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(v, paths) for v in value]
    return value


def _scrub_files(folder: Path, paths: list[tuple[str, str]]) -> None:
    """Last guard: no server path in the text files under ``folder`` (escaped as JSON or
    HTML where the file is one)."""
    import html

    for f in sorted(folder.rglob("*")):
        if not f.is_file() or f.suffix not in {".json", ".html", ".tsv", ".bed", ".txt"}:
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        if not any(p in text for p, _ in paths):
            continue
        for path, shown in paths:
            if f.suffix == ".json":
                shown = json.dumps(shown)[1:-1]
            elif f.suffix == ".html":
                shown = html.escape(shown)
            text = text.replace(path, shown)
        write_text_atomic(f, text)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:1000]


def _relative(value: Any, prefix: str) -> Any:
    """``value`` with every string that is a path under ``out`` made relative to it."""
    if isinstance(value, str):
        return value[len(prefix) :] if value.startswith(prefix) else value
    if isinstance(value, dict):
        return {k: _relative(v, prefix) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_relative(v, prefix) for v in value]
    return value


# -------------------------------------------------------------------------------------- plan
def plan_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo plan``: the dossier (plan.json, report.html), design tables (TSV), sites (BED)
    and the GenBank files of the plan's cassette designs."""
    import dataclasses

    from vivo.web.forms import plan_request
    from vivo.workflows.plan import run_plan, write_dossier

    result = run_plan(plan_request(params), progress=progress)
    out = job / "out"
    paths = _shown_paths(params, job)  # the dossier names the upload, never the server path
    result = dataclasses.replace(
        result, variant=_scrub(result.variant, paths), provenance=_scrub(result.provenance, paths)
    )
    write_dossier(result, out / "dossier")
    _scrub_files(out / "dossier", paths)
    data = result.to_dict()
    write_text_atomic(out / "sections.tsv", _sections_tsv(data))
    write_text_atomic(out / "sites.bed", _sites_bed(data))
    progress("GenBank files of the cassette designs", 0, 1, "")
    genbank = _cassette_genbank(data, out / "genbank", seed=int(params.get("seed") or 0))
    return {"kind": "plan", "dossier": "dossier/plan.json", "genbank": genbank}


def _cell(value: Any) -> str:
    return " ".join(str("" if value is None else value).split())


def _sections_tsv(data: dict[str, Any]) -> str:
    """Every design table of the dossier, one row per design, with its option and engine."""
    from vivo.io.tsv import format_tsv

    rows = [
        (s["option_id"], s["engine"], _cell(s["title"]),
         " ".join(f"{c}={_cell(v)}" for c, v in zip(s["columns"], row, strict=False)))
        for s in data["sections"]
        for row in s["rows"]
    ]  # fmt: skip
    return format_tsv(("option_id", "engine", "section", "column_values"), rows)


def _sites_bed(data: dict[str, Any]) -> str:
    """BED6 of the positions the dossier's tables give (guide cut sites, off-target sites):
    one base at each 1-based position, named by spacer and option."""
    from vivo.io.bed import BedRecord, format_bed

    genome = data["provenance"]["genome"]["name"]
    records = []
    for s in data["sections"]:
        cols = s["columns"]
        for row in s["rows"]:
            rec = dict(zip(cols, row, strict=False))
            spacer, strand = rec.get("spacer"), rec.get("strand", ".")
            pos = rec.get("cut (1-based)") or rec.get("site (1-based)")
            contig = genome
            if isinstance(pos, str) and ":" in pos:
                contig, _, pos = pos.rpartition(":")
            if spacer is None or not str(pos).isdigit():
                continue
            start = int(str(pos)) - 1
            name = f"{s['option_id']}:{s['engine']}:{spacer}"
            records.append(BedRecord(contig, start, start + 1, name, 0, strand or "."))
    return format_bed(
        records, track="vivo plan", description="guide cut sites and off-target sites"
    )


def _cassette_genbank(data: dict[str, Any], folder: Path, *, seed: int) -> list[str]:
    """GenBank (and FASTA, report) of each cassette design of the feasible options, made by
    the cassette workflow with the request the dossier used."""
    from vivo.workflows.cassette import CassetteRequest, design_construct

    written: list[str] = []
    done: set[tuple[Any, ...]] = set()
    for option in data["plan"]["options"]:
        if option["feasibility"] == "impossible":
            continue
        for d in option["designs"]:
            p = d.get("params", {})
            key = (d.get("gene"), p.get("transgene_variant"), p.get("vector"), p.get("tissue"))
            if d.get("engine") != "cassette" or key in done:
                continue
            done.add(key)
            req = CassetteRequest(transgene=key[0], variant=key[1], vector=key[2] or "AAV",
                                  tissue=key[3], seed=seed)  # fmt: skip
            try:
                res = design_construct(req, outdir=folder / f"{option['id']}", figures=False)
            except VivoError:
                continue  # the dossier's cassette section already says why
            written += [str(v) for k, v in res.files.items() if k == "genbank"]
    return written


# ------------------------------------------------------------------------------------ design
def guides_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo guides``: ranked guides (TSV, BED, JSON)."""
    from vivo.web.forms import guide_request
    from vivo.workflows.guides import design_guides, write_guides

    progress("finding and scoring guides", 0, 1, "")
    result = design_guides(guide_request(params))
    out = job / "out"
    for fmt in ("tsv", "bed", "json"):
        write_guides(result, out / f"guides.{fmt}")
    return {"kind": "guides", **result.to_dict()}


def edit_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo edit``: HDR donors (with GenBank), base edits, pegRNAs or knockout guides."""
    from vivo.web.forms import edit_request
    from vivo.workflows.edit import run_edit

    progress(f"designing {params['strategy']} edits", 0, 1, "")
    out = job / "out"
    gb = str(out / "donor.gb") if params["strategy"] == "hdr" else None
    result = run_edit(edit_request(params, genbank_out=gb))
    doc = result.to_dict()
    write_text_atomic(out / "edit.json", json.dumps(doc, indent=1, default=str) + "\n")
    return {"kind": "edit", **doc}


def cassette_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo cassette``: the construct, its checks, GenBank/FASTA and maps."""
    from vivo.web.forms import cassette_request
    from vivo.workflows.cassette import design_construct

    progress("designing the cassette", 0, 1, "")
    result = design_construct(cassette_request(params), outdir=job / "out" / "construct")
    return {"kind": "cassette", **result.to_dict()}


def car_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo car``: a CAR construct, checks, GenBank and map."""
    from vivo.web.forms import car_request
    from vivo.workflows.car import design_car_construct

    progress("designing the CAR construct", 0, 1, "")
    result = design_car_construct(car_request(params), outdir=job / "out" / "construct")
    return {"kind": "car", **result.to_dict()}


# ------------------------------------------------------------------------------- off-targets
BATCH = 4


def offtargets_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo offtargets`` in batches of guides; each finished batch is added to
    ``partial.json`` (the page shows it at once); all sites as TSV, BED and JSON at the end."""
    from vivo.workflows.offtargets import (
        OffTargetRequest,
        OffTargetRun,
        run_offtargets,
        write_sites,
    )

    guides = list(params["guides"])
    done: list[Any] = []
    summaries: list[dict[str, Any]] = []
    provenance: dict[str, object] = {}
    for i in range(0, len(guides), BATCH):
        batch = tuple(guides[i : i + BATCH])
        progress(f"guides {i + 1}-{i + len(batch)} of {len(guides)}", i, len(guides), "guides")
        req = OffTargetRequest(**{**params, "guides": batch})
        run = run_offtargets(req)
        provenance = run.provenance
        done += run.guides
        summaries += [_guide_summary(g) for g in run.guides]
        doc = {"guides": summaries, "done": len(done), "total": len(guides)}
        write_text_atomic(job / "partial.json", json.dumps(doc, default=str))
    run = OffTargetRun(tuple(done), provenance)
    out = job / "out"
    fmts: tuple[Literal["tsv", "bed", "json"], ...] = ("tsv", "bed", "json")
    for fmt in fmts:
        write_sites(run, out / f"offtargets.{fmt}", fmt)
    progress("done", len(guides), len(guides), "guides")
    return {"kind": "offtargets", "guides": summaries, "provenance": provenance}


def _guide_summary(g: Any) -> dict[str, Any]:
    s = dict(g.summary())
    s["top_sites"] = [x.to_dict() for x in sorted(g.sites(), key=lambda x: -(x.cfd or 0))[:10]]
    return s


# ----------------------------------------------------------------------------------- genomes
def genome_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo genome add NAME FILE``: index an uploaded FASTA in the server's genome store."""
    from vivo.workflows.genome_index import build_genome_index

    source = job / "input" / "genome.fa"
    info = build_genome_index(params["name"], source, nucleases=(params["nuclease"],),
                              home=params["home"], progress=progress)  # fmt: skip
    doc = info.to_dict()
    doc.pop("path", None)
    doc["source"] = "uploaded FASTA"
    return {"kind": "genome", "genome": doc}


# ------------------------------------------------------------------------------------ trials
def trials_task(params: dict[str, Any], job: Path, progress: Progress) -> dict[str, Any]:
    """``vivo trials``: studies from ClinicalTrials.gov or the cache, filtered by vivo."""
    from vivo.web.forms import trials_request
    from vivo.workflows.trials import find_trials

    def fetched(done: int, total: int | None) -> None:
        progress("fetching studies", done, total or max(done, 1), "studies")

    result = find_trials(trials_request(params), progress=fetched)
    doc = result.to_dict()
    write_text_atomic(job / "out" / "trials.json", json.dumps(doc, indent=1) + "\n")
    from vivo.io.tsv import write_tsv

    cols = ("nct_id", "title", "status", "phases", "modality", "conditions", "url")
    rows = []
    for s in doc["studies"]:
        row = {**s, "modality": s["modality"]["modality"]}
        rows.append([_cell(",".join(map(str, row[c])) if isinstance(row.get(c), list)
                           else row.get(c)) for c in cols])  # fmt: skip
    write_tsv(cols, rows, job / "out" / "trials.tsv")
    return {"kind": "trials", **doc}


TASKS: dict[str, Callable[[dict[str, Any], Path, Progress], dict[str, Any]]] = {
    "plan": plan_task,
    "guides": guides_task,
    "edit": edit_task,
    "cassette": cassette_task,
    "car": car_task,
    "offtargets": offtargets_task,
    "genome": genome_task,
    "trials": trials_task,
}
