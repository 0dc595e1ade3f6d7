"""CAR and TCR construct design: a cited library of protein segments and their assembly.

A second-generation CAR is one polypeptide, N- to C-terminus: signal peptide, binder (scFv
VL-linker-VH or VH-linker-VL, or a single VHH), hinge, transmembrane domain, costimulatory
domain, CD3ζ activation domain; optionally followed by a 2A peptide (T2A or P2A) and a safety switch
(EGFRt with its own leader). A TCR construct is the β and α chains (each with its own leader)
joined by a 2A peptide.

Every bundled segment (``data/car_domains.toml``) states its UniProt (or RefSeq) residues and
is bundled only when at least two independent public sources agree letter by letter (see
``data/SOURCES.md`` and docs/models/car_design.md). A segment that failed that rule is listed
as *unbundled*; asking for it raises :class:`~vivo.core.errors.InputError` with a hint to
supply it as a FASTA record (``user_domains``). Binders are the bundled ones (FMC63, ide-cel,
m971) or the user's own VH/VL/VHH; an unknown binder is never invented.

This module is pure: no file I/O beyond the package data, no DNA. The vector is assembled by
:mod:`vivo.workflows.car` with :mod:`vivo.delivery`.

Examples
--------
>>> c = design_car(CarSpec(target="CD19", binder="FMC63"))
>>> [s.key for s in c.segments][:4]
['CD8a_leader', 'FMC63_VL', 'Whitlow_linker', 'FMC63_VH']
>>> c.protein.startswith("MALPVTALLLPLALLLHAARP") and c.protein.endswith("MQALPPR")
True
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final, Literal

from vivo.core.errors import DataError, InputError
from vivo.core.seq import validate_protein

__all__ = [
    "BINDER_FORMATS",
    "COSTIMS",
    "HINGES",
    "LEADERS",
    "LINKERS",
    "PEPTIDES_2A",
    "SAFETY_SWITCHES",
    "TMS",
    "Binder",
    "CarConstruct",
    "CarSpec",
    "Domain",
    "Segment",
    "design_car",
    "design_tcr",
    "get_binder",
    "get_domain",
    "list_binders",
    "list_domains",
    "make_binder",
    "make_domain",
    "unbundled_domains",
]

BinderFormat = Literal["scfv-vl-vh", "scfv-vh-vl", "vhh"]
BINDER_FORMATS: Final[tuple[str, ...]] = ("scfv-vl-vh", "scfv-vh-vl", "vhh")
#: option value → domain key (``None``: no such segment).
HINGES: Final[dict[str, str]] = {"CD8a": "CD8a_hinge", "CD28": "CD28_hinge",
                                 "IgG4-short": "IgG4-short", "IgG4-long": "IgG4-long"}  # fmt: skip
TMS: Final[dict[str, str]] = {"CD8a": "CD8a_tm", "CD28": "CD28_tm"}
COSTIMS: Final[dict[str, str | None]] = {"4-1BB": "4-1BB_costim", "CD28": "CD28_costim",
                                         "none": None}  # fmt: skip
SAFETY_SWITCHES: Final[dict[str, str | None]] = {"none": None, "EGFRt": "EGFRt",
                                                 "iCasp9": "iCasp9"}  # fmt: skip
LEADERS: Final[dict[str, str]] = {"CD8a": "CD8a_leader", "GM-CSFRa": "GMCSFRa_leader"}
LINKERS: Final[dict[str, str]] = {"Whitlow": "Whitlow_linker", "G4S3": "G4S3_linker"}
#: ribosome-skipping 2A peptide between the co-expressed proteins (option value → domain key).
PEPTIDES_2A: Final[dict[str, str]] = {"T2A": "T2A", "P2A": "P2A"}
_TM_FOR_HINGE: Final[dict[str, str]] = {"CD8a": "CD8a", "CD28": "CD28", "IgG4-short": "CD28",
                                        "IgG4-long": "CD28"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Domain:
    """One protein segment with its provenance (``residues`` 1-based, inclusive, as text)."""

    key: str
    name: str
    kind: str
    sequence: str
    uniprot: str = ""
    residues: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""

    @property
    def length_aa(self) -> int:
        """Length in residues."""
        return len(self.sequence)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view (sources expanded to their text)."""
        refs = _library()["sources"]
        return {
            "key": self.key, "name": self.name, "kind": self.kind,
            "length_aa": self.length_aa, "uniprot": self.uniprot, "residues": self.residues,
            "sources": [refs.get(s, s) for s in self.sources], "notes": self.notes,
            "sequence": self.sequence,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Binder:
    """An antigen-binding domain: scFv (VH + VL) or a single-domain VHH."""

    name: str
    target: str
    vh: Domain | None = None
    vl: Domain | None = None
    vhh: Domain | None = None
    sources: tuple[str, ...] = ()
    verification: str = ""
    notes: str = ""

    @property
    def is_vhh(self) -> bool:
        """True for a single-domain binder."""
        return self.vhh is not None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view."""
        refs = _library()["sources"]
        return {
            "name": self.name, "target": self.target,
            "format": "vhh" if self.is_vhh else "scfv",
            "sources": [refs.get(s, s) for s in self.sources],
            "verification": self.verification, "notes": self.notes,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Segment:
    """A domain placed in a construct protein (0-based half-open residues)."""

    domain: Domain
    start: int
    end: int

    @property
    def key(self) -> str:
        """The domain key."""
        return self.domain.key

    def to_dict(self) -> dict[str, object]:
        """JSON-ready view (1-based inclusive residue numbers)."""
        d = self.domain
        return {
            "key": d.key,
            "name": d.name,
            "kind": d.kind,
            "start_aa_1based": self.start + 1,
            "end_aa_1based": self.end,
            "uniprot": d.uniprot,
            "residues": d.residues,
        }


@dataclass(frozen=True, slots=True)
class CarSpec:
    """What CAR to build (option values as on the command line)."""

    target: str
    binder: str | Binder | None = None
    format: str = "scfv-vl-vh"
    leader: str = "CD8a"
    linker: str = "Whitlow"
    hinge: str = "CD8a"
    tm: str | None = None
    costim: str = "4-1BB"
    safety_switch: str = "none"
    skip: str = "T2A"
    name: str | None = None


@dataclass(frozen=True, slots=True)
class CarConstruct:
    """An assembled protein: ordered segments and the polypeptide (no stop)."""

    name: str
    kind: Literal["CAR", "TCR"]
    target: str
    segments: tuple[Segment, ...]
    binder: Binder | None = None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def protein(self) -> str:
        """The full polypeptide (single letter, no stop)."""
        return "".join(s.domain.sequence for s in self.segments)

    @property
    def length_aa(self) -> int:
        """Length in residues."""
        return self.segments[-1].end if self.segments else 0

    def segment(self, key: str) -> Segment:
        """The first segment with domain ``key``."""
        for s in self.segments:
            if s.key == key:
                return s
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {
            "name": self.name, "kind": self.kind, "target": self.target,
            "length_aa": self.length_aa, "options": dict(self.options),
            "binder": self.binder.to_dict() if self.binder else None,
            "segments": [s.to_dict() for s in self.segments],
            "domains": {s.key: s.domain.to_dict() for s in self.segments},
            "protein": self.protein,
        }  # fmt: skip


# --------------------------------------------------------------------------------- library


@cache
def _library() -> dict[str, Any]:
    root = resources.files("vivo.cells") / "data"
    try:
        data = tomllib.loads((root / "car_domains.toml").read_text(encoding="utf-8"))
        fasta = (root / "car_binders.fa").read_text(encoding="utf-8")
    except (OSError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - broken install
        raise DataError(f"vivo.cells CAR data unreadable: {exc}") from exc
    domains = {k: _domain(k, v) for k, v in data["domains"].items()}
    chains = _parse_fasta(fasta)
    sources = {k: v["text"] for k, v in data["sources"].items()}
    binders = {k: _binder(k, v, chains) for k, v in data["binders"].items()}
    return {"domains": domains, "unbundled": data.get("unbundled", {}), "sources": sources,
            "binders": binders}  # fmt: skip


def _domain(key: str, meta: Mapping[str, Any]) -> Domain:
    sources = tuple(meta.get("sources", ()))
    if len(sources) < 2:  # pragma: no cover - guarded by tests/cells/test_car.py
        raise DataError(f"bundled CAR domain {key!r} has fewer than two sources")
    return Domain(key, meta["name"], meta["kind"], meta["sequence"], meta.get("uniprot", ""),
                  meta.get("residues", ""), sources, meta.get("notes", ""))  # fmt: skip


def _parse_fasta(text: str) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    name = ""
    for line in text.splitlines():
        if line.startswith(">"):
            name = line[1:].split()[0]
            out[name] = []
        elif line.strip():
            out[name].append(line.strip())
    return {k: "".join(v) for k, v in out.items()}


def _binder(name: str, meta: Mapping[str, Any], chains: Mapping[str, str]) -> Binder:
    def chain(role: str) -> Domain | None:
        rec = meta.get(role)
        if rec is None:
            return None
        return Domain(rec, f"{name} {role.upper()}", role, chains[rec], "", "",
                      tuple(meta["sources"]), meta.get("notes", ""))  # fmt: skip

    return Binder(name, meta["target"], chain("vh"), chain("vl"), chain("vhh"),
                  tuple(meta["sources"]), meta.get("verification", ""),
                  meta.get("notes", ""))  # fmt: skip


def list_domains() -> list[Domain]:
    """Every bundled segment."""
    return list(_library()["domains"].values())


def unbundled_domains() -> dict[str, str]:
    """Segments vivo could not source (key → reason)."""
    return {k: v["reason"] for k, v in _library()["unbundled"].items()}


def list_binders(*, target: str | None = None) -> list[Binder]:
    """Bundled binders, optionally for one target (case-insensitive)."""
    out = list(_library()["binders"].values())
    if target is not None:
        out = [b for b in out if b.target.lower() == target.strip().lower()]
    return out


def get_domain(key: str, user_domains: Mapping[str, Domain] | None = None) -> Domain:
    """The segment ``key``: a user-supplied one first, then the bundled library.

    Raises
    ------
    InputError
        When ``key`` is unbundled (the reason is given) or unknown.
    """
    user = {k.lower(): v for k, v in (user_domains or {}).items()}
    if key.lower() in user:
        return user[key.lower()]
    lib = _library()
    if key in lib["domains"]:
        return lib["domains"][key]  # type: ignore[no-any-return]
    if key in lib["unbundled"]:
        raise InputError(
            f"the {key} segment is not bundled: {lib['unbundled'][key]['reason']}",
            hint=f"supply it as a protein FASTA record named '{key}' with --domains FILE.fa",
        )
    raise InputError(f"unknown CAR segment {key!r}",
                     hint=f"bundled: {', '.join(lib['domains'])}")  # fmt: skip


def get_binder(name: str) -> Binder:
    """A bundled binder by name (case-insensitive)."""
    for key, b in _library()["binders"].items():
        if key.lower() == name.strip().lower():
            return b  # type: ignore[no-any-return]
    known = ", ".join(_library()["binders"])
    raise InputError(
        f"unknown binder {name!r}: vivo bundles only binders with a citable public sequence "
        f"({known})",
        hint="give your own with --binder FILE.fa (protein records named VH and VL, or VHH)",
    )


def make_domain(key: str, sequence: str, *, kind: str = "user", source: str = "user") -> Domain:
    """A user-supplied segment (validated protein, no stop inside)."""
    seq = validate_protein(sequence.strip().rstrip("*"), what=f"segment {key!r}")
    if not seq:
        raise InputError(f"segment {key!r} is empty")
    if "*" in seq:
        raise InputError(f"segment {key!r} has an internal stop (*) at {seq.index('*') + 1}")
    if len(seq) >= 20 and set(seq) <= set("ACGTUN"):
        raise InputError(f"segment {key!r} looks like DNA, not protein",
                         hint="give the amino-acid sequence (one-letter codes)")  # fmt: skip
    if "X" in seq:
        raise InputError(f"segment {key!r} has an unknown residue X at {seq.index('X') + 1}",
                         hint="give every residue")  # fmt: skip
    return Domain(key, key, kind, seq, "", "user-supplied", (source,), "")


def make_binder(
    name: str,
    *,
    target: str,
    vh: str | None = None,
    vl: str | None = None,
    vhh: str | None = None,
    source: str = "user",
) -> Binder:
    """A user binder: ``vh`` and ``vl`` (scFv) or ``vhh`` (single domain), validated."""
    if vhh and (vh or vl):
        raise InputError("a binder is either VH + VL (scFv) or one VHH, not both")
    if not vhh and not (vh and vl):
        raise InputError(
            "a binder needs both VH and VL (scFv) or one VHH",
            hint="FASTA records named VH and VL, or a single record named VHH",
        )
    for label, seq in (("VH", vh), ("VL", vl), ("VHH", vhh)):
        if seq is not None and len(seq.strip().rstrip("*")) < 80:
            raise InputError(
                f"{label} of binder {name!r} is {len(seq.strip())} aa; a variable "
                "domain is ~105-130 aa",
                hint="give the whole variable domain",
            )

    def dom(label: str, seq: str | None) -> Domain | None:
        if seq is None:
            return None
        d = make_domain(f"{name}_{label}", seq, kind=label.lower(), source=source)
        return Domain(d.key, f"{name} {label}", label.lower(), d.sequence, "", "user-supplied",
                      (source,))  # fmt: skip

    return Binder(name, target, dom("VH", vh), dom("VL", vl), dom("VHH", vhh), (source,),
                  "user-supplied")  # fmt: skip


# -------------------------------------------------------------------------------- assembly


def _canon(option: str, value: str, table: Mapping[str, Any]) -> str:
    for k in table:
        if k.lower() == value.strip().lower():
            return k
    raise InputError(f"unknown {option} {value!r}", hint=f"choose from: {', '.join(table)}")


def _choice(option: str, value: str, table: Mapping[str, Any]) -> Any:
    return table[_canon(option, value, table)]


def _resolve_binder(spec: CarSpec) -> Binder:
    if isinstance(spec.binder, Binder):
        return spec.binder
    if spec.binder is not None:
        b = get_binder(spec.binder)
        if b.target.lower() != spec.target.strip().lower():
            raise InputError(f"binder {b.name} binds {b.target}, not {spec.target}",
                             hint=f"use --target {b.target} or another binder")  # fmt: skip
        return b
    found = list_binders(target=spec.target)
    if not found:
        known = sorted({b.target for b in list_binders()})
        raise InputError(
            f"no bundled binder for target {spec.target!r} (bundled targets: {', '.join(known)})",
            hint="give your own with --binder FILE.fa (protein records named VH and VL, or VHH)",
        )
    return found[0]


def _binder_domains(binder: Binder, fmt: str, linker: Domain) -> list[Domain]:
    fmt = _choice("--format", fmt, {f: f for f in BINDER_FORMATS})
    if fmt == "vhh":
        if binder.vhh is None:
            raise InputError(f"binder {binder.name} is an scFv, not a VHH",
                             hint="use --format scfv-vl-vh or scfv-vh-vl")  # fmt: skip
        return [binder.vhh]
    if binder.vh is None or binder.vl is None:
        raise InputError(f"binder {binder.name} is a single-domain VHH", hint="use --format vhh")
    first, second = (binder.vl, binder.vh) if fmt == "scfv-vl-vh" else (binder.vh, binder.vl)
    return [first, linker, second]


def _place(domains: list[Domain]) -> tuple[Segment, ...]:
    out, pos = [], 0
    for d in domains:
        out.append(Segment(d, pos, pos + d.length_aa))
        pos += d.length_aa
    return tuple(out)


def design_car(spec: CarSpec, *, user_domains: Mapping[str, Domain] | None = None) -> CarConstruct:
    """Assemble a CAR protein from ``spec`` (see the module doc for the order).

    ``user_domains`` (key → :class:`Domain`, e.g. from a FASTA) supply or override segments by
    key (``IgG4-long``, ``iCasp9``, ``CD3z`` ...). ``spec.skip`` (``T2A`` or ``P2A``) is the 2A
    peptide placed before the safety switch's protein.

    Raises
    ------
    InputError
        For an unknown option value, an unbundled segment not supplied, or a binder/target
        mismatch.
    """
    if not spec.target.strip():
        raise InputError("name the target antigen, e.g. --target CD19")

    def dom(key: str) -> Domain:
        return get_domain(key, user_domains)

    binder = _resolve_binder(spec)
    hinge_opt = _canon("--hinge", spec.hinge, HINGES)
    hinge = HINGES[hinge_opt]
    tm = _choice("--tm", spec.tm or _TM_FOR_HINGE[hinge_opt], TMS)
    costim = _choice("--costim", spec.costim, COSTIMS)
    switch = _choice("--safety-switch", spec.safety_switch, SAFETY_SWITCHES)
    skip_opt = _canon("--2a", spec.skip, PEPTIDES_2A)
    if switch is None and skip_opt != "T2A":  # T2A is the default, unused without a switch
        raise InputError(f"--2a {skip_opt} needs a protein to co-express after the CAR",
                         hint="add --safety-switch EGFRt (or iCasp9 with --domains)")  # fmt: skip
    leader = dom(_choice("--leader", spec.leader, LEADERS))
    linker = dom(_choice("--linker", spec.linker, LINKERS))
    parts = [leader, *_binder_domains(binder, spec.format, linker), dom(hinge), dom(tm)]
    parts += [dom(costim)] if costim else []
    parts.append(dom("CD3z"))
    if switch == "EGFRt":
        parts += [dom(PEPTIDES_2A[skip_opt]), dom("GMCSFRa_leader"), dom("EGFRt")]
    elif switch == "iCasp9":
        icasp = dom("iCasp9")
        if not icasp.sequence.startswith("M"):
            raise InputError("the iCasp9 record must start with its own Met (it is translated "
                             f"first, before {skip_opt} and the CAR)")  # fmt: skip
        parts = [icasp, dom(PEPTIDES_2A[skip_opt]), *parts]
    opts = {"binder": binder.name, "format": spec.format, "leader": spec.leader,
            "linker": spec.linker, "hinge": spec.hinge, "tm": tm.split("_")[0],
            "costim": spec.costim, "safety_switch": spec.safety_switch,
            "2a": skip_opt if switch else None}  # fmt: skip
    tail = {"EGFRt": "-EGFRt", "iCasp9": "-iCasp9"}.get(switch or "", "")
    name = spec.name or f"{spec.target}-{binder.name}-{spec.costim}z{tail}".replace("none", "")
    return CarConstruct(name, "CAR", spec.target, _place(parts), binder, opts)


def design_tcr(
    alpha: str,
    beta: str,
    *,
    target: str = "TCR",
    order: str = "beta-alpha",
    skip: str = "T2A",
    name: str | None = None,
) -> CarConstruct:
    """Join user TCR chains (each with its own leader, starting with Met) by a 2A peptide.

    ``order`` is ``beta-alpha`` (default, the usual TCR-T layout) or ``alpha-beta``; ``skip``
    is ``T2A`` (default) or ``P2A``.
    """
    chains = {"alpha": make_domain("TCR_alpha", alpha, kind="tcr_chain", source="user"),
              "beta": make_domain("TCR_beta", beta, kind="tcr_chain", source="user")}  # fmt: skip
    for label, d in chains.items():
        if not d.sequence.startswith("M"):
            raise InputError(f"the TCR {label} chain must start with Met (include its leader)")
        if d.length_aa < 200:
            raise InputError(
                f"the TCR {label} chain is {d.length_aa} aa; a full chain with "
                "leader, variable and constant region is ~250-320 aa",
                hint="give the full-length chain, not only the CDR3 or V region",
            )
    first, second = _choice("--order", order, {"beta-alpha": ("beta", "alpha"),
                                              "alpha-beta": ("alpha", "beta")})  # fmt: skip
    skip_opt = _canon("--2a", skip, PEPTIDES_2A)
    parts = [chains[first], get_domain(PEPTIDES_2A[skip_opt]), chains[second]]
    label = name or f"{target}-TCR"
    return CarConstruct(label, "TCR", target, _place(parts), None,
                        {"order": order, "2a": skip_opt})  # fmt: skip
