"""Base editing: editors as data, guides placing the target base in the window, bystanders.

A base editor converts one base on the protospacer (PAM-containing) strand inside an
activity window: CBEs C->T (G->A seen on the other strand), ABEs A->G (T->C). For a desired
change vivo

1. checks which editors can make it exactly (and says why none can, e.g. the sickle T>A
   reversion is a transversion);
2. looks for *alternative* single-base edits in the same codon that an editor can make and
   that give the goal protein or a known benign protein variant (for HBB c.20A>T: the ABE
   edit of the sickle codon GTG to GCG, Hb G-Makassar, p.Glu7Ala vs the reference);
3. enumerates every guide of the editor's Cas variant that puts the target base in the
   window, lists every other editable base of the protospacer (a bystander) with its window
   class and consequence, and validates each design by applying it to the starting genome
   and translating.

Bystanders: every base the editor could convert on the protospacer (positions 1-20), not
only those in the activity window, each marked ``core`` (the high-activity window), ``edge``
(the extended window, lower activity) or ``outside`` (little activity expected). Newby et al.
2021 (Nature 595:295, Fig. 1a) show for their ABE8e-NRCH Makassar guide the target A7 and
three potential bystanders, two silent and one non-silent; on U01317.1 these are A9 (Pro6
CCT>CCC, silent), A12 (Thr5 ACT>ACC, silent) and A16 (Leu4 CTG>CCG, p.Leu4Pro, legacy
Leu3Pro), the last outside the 3-10 extended window. Each bystander's consequence comes from
translating it together with the target (the protein change it adds) and from
:func:`vivo.variants.consequence.predict_consequence` on its own (splice site, splice region,
UTR, intron, upstream), so a bystander that leaves the protein unchanged but hits a splice
site is not called silent.

Editors and known benign alleles are data (``vivo/editing/data/editors.toml``), each row
with its source.

Examples
--------
>>> from vivo.editing.edit_site import correction_site
>>> r = design_base_edits(correction_site("HBB c.20A>T"))
>>> r.exact_possible, r.designs[0].outcome, r.designs[0].editor.name
(False, 'benign alternative: Hb G-Makassar', 'ABE8e-NRCH')
>>> r.designs[0].validation.protein_vs_reference
('p.Glu7Ala',)
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import DataError, InputError
from vivo.core.seq import complement
from vivo.editing.edit_site import EditSite, EditValidation, codon_of
from vivo.editing.guides import Guide, find_guides
from vivo.editing.nucleases import Nuclease, custom_nuclease, get_nuclease
from vivo.genome.base import suggest
from vivo.variants.consequence import SEVERITY, predict_consequence
from vivo.variants.locate import GenomicChange, NormalizedChange, describe_coding

__all__ = [
    "BaseEditDesign",
    "BaseEditingResult",
    "BaseEditor",
    "BenignAllele",
    "Bystander",
    "benign_alleles",
    "design_base_edits",
    "editor_names",
    "get_editor",
]

EditorKind = Literal["CBE", "ABE"]


@dataclass(frozen=True, slots=True)
class BaseEditor:
    """A base editor: conversion on the protospacer strand, Cas variant and windows."""

    name: str
    kind: EditorKind
    converts: tuple[str, str]  # (from, to) on the protospacer strand, e.g. ("A", "G")
    nuclease: Nuclease
    window: tuple[int, int]  # protospacer positions, 1 = PAM-distal (inclusive)
    extended: tuple[int, int]
    source: str

    def can_make(self, ref: str, alt: str, strand: Strand) -> bool:
        """True if the plus-strand change ``ref>alt`` is this editor's conversion on ``strand``."""
        a, b = self.converts
        if strand is Strand.MINUS:
            a, b = complement(a), complement(b)
        return (ref.upper(), alt.upper()) == (a, b)


@dataclass(frozen=True, slots=True)
class BenignAllele:
    """A protein variant known to be benign, e.g. Hb G-Makassar (HBB p.Glu7Ala)."""

    gene: str
    protein: str
    name: str
    note: str
    source: str


@cache
def _table() -> dict[str, object]:
    try:
        raw = resources.files("vivo.editing").joinpath("data", "editors.toml").read_bytes()
    except FileNotFoundError as exc:  # pragma: no cover - packaging error
        raise DataError("editors.toml is missing from vivo.editing/data; reinstall vivo") from exc
    return tomllib.loads(raw.decode("utf-8"))


def _editor(row: dict[str, object]) -> BaseEditor:
    name = str(row["name"])
    if "pam" in row:
        nuc = custom_nuclease(
            name=f"SpCas9-{row['pam']}", pam=str(row["pam"]), pam_side="3prime", spacer_length=20
        )
    else:
        nuc = get_nuclease(str(row["nuclease"]))
    a, b = str(row["converts"]).split(">")
    win = row["window"]
    ext = row["extended"]
    assert isinstance(win, list) and isinstance(ext, list)
    return BaseEditor(
        name=name,
        kind="CBE" if row["kind"] == "CBE" else "ABE",
        converts=(a, b),
        nuclease=nuc,
        window=(int(win[0]), int(win[1])),
        extended=(int(ext[0]), int(ext[1])),
        source=str(row["source"]),
    )


@cache
def _editors() -> dict[str, BaseEditor]:
    rows = _table().get("editor", [])
    assert isinstance(rows, list)
    return {e.name: e for e in (_editor(r) for r in rows)}


def editor_names() -> list[str]:
    """Names of the bundled editors."""
    return list(_editors())


def get_editor(name: str) -> BaseEditor:
    """A bundled editor by name (case-insensitive)."""
    for key, editor in _editors().items():
        if key.lower() == name.lower():
            return editor
    raise InputError(f"unknown base editor {name!r}", hint=suggest(name, editor_names()))


@cache
def benign_alleles() -> tuple[BenignAllele, ...]:
    """Known benign protein variants (bundled table)."""
    rows = _table().get("benign_allele", [])
    assert isinstance(rows, list)
    return tuple(
        BenignAllele(
            str(r["gene"]), str(r["protein"]), str(r["name"]), str(r["note"]), str(r["source"])
        )
        for r in rows
    )


BystanderWindow = Literal["core", "edge", "outside"]

#: SO terms that leave protein and splicing alone (with an unchanged protein).
_SILENT_TERMS: Final = frozenset(
    {"synonymous_variant", "intron_variant", "upstream_gene_variant", "downstream_gene_variant"}
)


@dataclass(frozen=True, slots=True)
class Bystander:
    """An editable base of the protospacer other than the target, and what editing it does.

    ``protein_change`` lists the protein changes it adds to the target edit (``()`` when
    none); ``term`` is its own most severe SO term; ``consequence`` says both in words.
    """

    protospacer_position: int
    change: GenomicChange
    in_core_window: bool
    consequence: str
    window: BystanderWindow = "core"
    term: str = ""
    protein_change: tuple[str, ...] = ()
    hgvs_c: str = ""

    @property
    def silent(self) -> bool:
        """True when editing it changes neither the protein nor a splice or UTR element."""
        return not self.protein_change and self.term in _SILENT_TERMS

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "protospacer_position": self.protospacer_position,
            "change": self.change.to_vcf_like(),
            "hgvs_c": self.hgvs_c,
            "window": self.window,
            "consequence": self.consequence,
            "so_term": self.term,
            "protein_change": list(self.protein_change),
            "silent": self.silent,
        }


@dataclass(frozen=True, slots=True)
class BaseEditDesign:
    """One editor + guide placing a target base in the window."""

    editor: BaseEditor
    guide: Guide
    target: GenomicChange
    target_position: int  # protospacer position of the target base (1-based)
    outcome: str  # "exact", "restores goal protein", "benign alternative: <name>"
    bystanders: tuple[Bystander, ...]
    validation: EditValidation  # target base only
    validation_all_edited: EditValidation  # target + every core-window bystander
    rank: tuple[float, ...]

    @property
    def bystanders_in_window(self) -> tuple[Bystander, ...]:
        """Bystanders in the core or extended window (those expected to be edited)."""
        return tuple(b for b in self.bystanders if b.window != "outside")

    @property
    def non_silent_bystanders(self) -> tuple[Bystander, ...]:
        """Bystanders that change the protein, a splice element or a UTR (any window)."""
        return tuple(b for b in self.bystanders if not b.silent)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "editor": self.editor.name,
            "editor_kind": self.editor.kind,
            "pam_variant": self.editor.nuclease.name,
            "spacer": self.guide.spacer,
            "pam": self.guide.pam,
            "strand": str(self.guide.strand),
            "guide_id": self.guide.guide_id,
            "target_change": self.target.to_vcf_like(),
            "target_protospacer_position": self.target_position,
            "outcome": self.outcome,
            "protein_vs_reference": list(self.validation.protein_vs_reference),
            "reaches_goal": self.validation.reaches_goal,
            "bystanders": [b.to_dict() for b in self.bystanders],
            "protein_if_all_core_bystanders_edited": list(
                self.validation_all_edited.protein_vs_reference
            ),
        }


@dataclass(frozen=True, slots=True)
class BaseEditingResult:
    """All base-editing designs for a site, best first, or why there are none."""

    site: EditSite
    exact_possible: bool
    designs: tuple[BaseEditDesign, ...]
    notes: tuple[str, ...]

    @property
    def possible(self) -> bool:
        """True if at least one design reaches the goal or a known benign protein."""
        return bool(self.designs)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "site": self.site.to_dict(),
            "exact_possible": self.exact_possible,
            "possible": self.possible,
            "designs": [d.to_dict() for d in self.designs],
            "notes": list(self.notes),
        }


_PEAK: Final = (5, 7)


def _protospacer_position(guide: Guide, pos: int) -> int:
    if guide.strand is Strand.PLUS:
        return pos - guide.protospacer.start + 1
    return guide.protospacer.end - pos


def _candidates(site: EditSite, editors: list[BaseEditor]) -> list[tuple[GenomicChange, str]]:
    """Single-base edits an editor could make: the desired change and codon alternatives."""
    d = site.desired
    out: list[tuple[GenomicChange, str]] = []
    if len(d.ref) == len(d.alt) == 1:
        out.append((d, "exact"))
    codon = codon_of(site.start_genome, site.transcript, d.start) if len(d.ref) == 1 else None
    if codon is None:
        return out
    for pos in codon.positions:
        ref = site.start_genome.fetch_region(d.contig, pos, pos + 1).upper()
        for alt in "ACGT":
            change = GenomicChange(d.contig, pos, ref, alt)
            if alt == ref or change == d:
                continue
            if any(e.can_make(ref, alt, s) for e in editors for s in Strand):
                out.append((change, "alternative"))
    return out


def _classify(site: EditSite, v: EditValidation, kind: str) -> str | None:
    if kind == "exact":
        return "exact"
    if v.reaches_goal:
        return "restores goal protein"
    gene = site.transcript.gene_name.upper()
    for allele in benign_alleles():
        if allele.gene.upper() == gene and v.protein_vs_reference == (allele.protein,):
            return f"benign alternative: {allele.name}"
    return None


def _window(editor: BaseEditor, p: int) -> BystanderWindow:
    if editor.window[0] <= p <= editor.window[1]:
        return "core"
    return "edge" if editor.extended[0] <= p <= editor.extended[1] else "outside"


def _bystanders(
    site: EditSite, editor: BaseEditor, guide: Guide, target: GenomicChange
) -> list[tuple[int, GenomicChange, BystanderWindow]]:
    """Every base of the protospacer the editor converts, except the target."""
    found = []
    a, b = editor.converts
    if guide.strand is Strand.MINUS:
        a, b = complement(a), complement(b)
    for p in range(1, len(guide.protospacer) + 1):
        pos = (
            guide.protospacer.start + p - 1
            if guide.strand is Strand.PLUS
            else (guide.protospacer.end - p)
        )
        if pos == target.start:
            continue
        ref = site.start_genome.fetch_region(site.contig, pos, pos + 1).upper()
        if ref == a:
            found.append((p, GenomicChange(site.contig, pos, ref, b), _window(editor, p)))
    return found


def _protein_kind(diff: Sequence[str]) -> str:
    if any("Ter" in d or "length" in d for d in diff):
        return "protein truncated or extended"
    return "missense"


def _describe(site: EditSite, change: GenomicChange, diff: Sequence[str]) -> tuple[str, str, str]:
    """(SO term of the bystander alone, HGVS c., consequence in words)."""
    norm = NormalizedChange(change, "sub", Interval(change.start, change.end))
    tx = site.transcript
    terms = predict_consequence(norm, tx, site.start_genome).terms
    term = terms[0]
    hgvs = describe_coding(norm, tx)
    if diff:
        splice = [SEVERITY[t] for t in terms if t.startswith("splice")]
        text = f"{_protein_kind(diff)} {', '.join(diff)}" + "".join(f", {x}" for x in splice)
    elif term == "synonymous_variant":
        text = "silent (synonymous)"
    elif term in _SILENT_TERMS:
        text = f"silent ({SEVERITY[term]})"
    else:
        text = f"{SEVERITY[term]} (protein unchanged)"
    return term, hgvs, f"{text}; {hgvs}"


def _design(
    site: EditSite, editor: BaseEditor, guide: Guide, target: GenomicChange, outcome: str,
    validation: EditValidation,
) -> BaseEditDesign:  # fmt: skip
    tp = _protospacer_position(guide, target.start)
    raw = _bystanders(site, editor, guide, target)
    bystanders = []
    for p, change, window in raw:
        v = site.validate([target, change])
        diff = tuple(x for x in v.protein_vs_reference if x not in validation.protein_vs_reference)
        term, hgvs, text = _describe(site, change, diff)
        bystanders.append(Bystander(p, change, window == "core", text, window, term, diff, hgvs))
    core_changes = [c for _, c, window in raw if window == "core"]
    v_all = site.validate([target, *core_changes])
    harmful = sum(1 for b in bystanders if b.in_core_window and not b.silent)
    peak = 0 if _PEAK[0] <= tp <= _PEAK[1] else 1
    order = {"exact": 0, "restores goal protein": 1}.get(outcome, 2)
    in_window = sum(1 for b in bystanders if b.window != "outside")
    rank = (float(order), float(harmful), float(peak), float(in_window), -guide.pam_activity)
    return BaseEditDesign(
        editor, guide, target, tp, outcome, tuple(bystanders), validation, v_all, rank
    )


def _guides_for(site: EditSite, editor: BaseEditor, target: GenomicChange) -> list[Guide]:
    span = Interval(max(0, target.start - 30), target.start + 31)
    guides = find_guides(site.start_genome, Locus(site.contig, span), editor.nuclease)
    keep = []
    for g in guides:
        if not editor.can_make(target.ref, target.alt, g.strand):
            continue
        if not (g.protospacer.start <= target.start < g.protospacer.end):
            continue
        p = _protospacer_position(g, target.start)
        if editor.window[0] <= p <= editor.window[1]:
            keep.append(g)
    return keep


def design_base_edits(
    site: EditSite, *, editors: list[str] | None = None, max_designs: int = 50
) -> BaseEditingResult:
    """Base-editing designs for ``site`` (see :mod:`vivo.editing.base_editing`).

    Parameters
    ----------
    site:
        From :func:`~vivo.editing.edit_site.correction_site` or ``introduction_site``.
    editors:
        Editor names (default: all bundled editors).
    max_designs:
        Keep the best designs only.

    Returns
    -------
    BaseEditingResult
        Designs best first (exact > restores goal protein > known benign alternative; then
        fewer protein-changing core bystanders, target at the activity peak 5-7). When none
        is possible ``designs`` is empty and ``notes`` say why and what would work.
    """
    chosen = [get_editor(n) for n in editors] if editors else list(_editors().values())
    d = site.desired
    notes: list[str] = []
    exact = len(d.ref) == len(d.alt) == 1 and any(
        e.can_make(d.ref, d.alt, s) for e in chosen for s in Strand
    )
    if not exact:
        notes.append(_why_not_exact(d, chosen))
    designs: list[BaseEditDesign] = []
    for change, kind in _candidates(site, chosen):
        v = site.validate(change)
        outcome = _classify(site, v, kind)
        if outcome is None:
            continue
        for editor in chosen:
            for guide in _guides_for(site, editor, change):
                designs.append(_design(site, editor, guide, change, outcome, v))
    designs.sort(key=lambda x: x.rank)
    if not designs:
        notes.append(
            "no design possible: no editor/guide places an editable base whose conversion "
            "gives the goal protein or a known benign variant inside the activity window; "
            "consider prime editing or HDR"
        )
    return BaseEditingResult(site, exact, tuple(designs[:max_designs]), tuple(notes))


def _why_not_exact(d: GenomicChange, editors: list[BaseEditor]) -> str:
    if not (len(d.ref) == len(d.alt) == 1):
        return (
            f"the desired change {d.ref or '-'}>{d.alt or '-'} is not a single-base "
            "substitution; base editors make single-base transitions only (use prime editing "
            "or HDR)"
        )
    kinds = ", ".join(sorted({f"{e.kind} {e.converts[0]}>{e.converts[1]}" for e in editors}))
    transition = {d.ref, d.alt} in ({"A", "G"}, {"C", "T"})
    what = "a transition no chosen editor makes" if transition else "a transversion"
    return (
        f"the desired change {d.ref}>{d.alt} (plus strand) is {what}; the editors make "
        f"{kinds} on the protospacer strand (and the complements on the other); prime editing "
        "or HDR can make it exactly"
    )
