"""Form and JSON input → checked job parameters → the workflows' request dataclasses.

Every field is checked before a job starts, by the same code the CLI uses (the request
dataclasses' own checks, the HGVS parser, the genome store's name rule), so a bad input is one
line on the form. Parameters are plain JSON (they travel to the job's child process and are
kept in the job folder); :func:`plan_request` and friends rebuild the request from them.
No field is ever a filesystem path: genomes are chosen by name from the server's genome store.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any

from vivo.core.errors import InputError

__all__ = [
    "MAX_TEXT",
    "car_params",
    "car_request",
    "cassette_params",
    "cassette_request",
    "edit_params",
    "edit_request",
    "genome_params",
    "guide_params",
    "guide_request",
    "offtarget_params",
    "plan_params",
    "plan_request",
    "trials_params",
    "trials_request",
]

MAX_TEXT = 200
_SPACER = re.compile(r"^[ACGTUNacgtun]{15,40}$")
Form = Mapping[str, Any]


def _text(form: Form, key: str, *, required: bool = False, label: str | None = None) -> str | None:
    raw = form.get(key)
    value = "" if raw is None else str(raw).strip()
    if len(value) > MAX_TEXT:
        raise InputError(
            f"{label or key} is too long ({len(value)} characters, at most {MAX_TEXT})"
        )
    if any(not c.isprintable() for c in value):
        raise InputError(f"{label or key} contains control characters")
    if required and not value:
        raise InputError(f"{label or key} is required")
    return value or None


def _number(
    form: Form, key: str, lo: float, hi: float, *, integer: bool = False, label: str | None = None
) -> Any:
    text = _text(form, key, label=label)
    if text is None:
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise InputError(f"{label or key} must be {kind}, got {text!r}") from None
    if (isinstance(value, float) and not math.isfinite(value)) or not lo <= value <= hi:
        raise InputError(f"{label or key} must be from {lo:g} to {hi:g}, got {text}")
    return value


def _choice(form: Form, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = _text(form, key) or default
    if value is not None and value not in choices:
        raise InputError(f"unknown {key} {value!r}", hint=f"choose from {', '.join(choices)}")
    return value


def annotated_genomes(home: str | None) -> list[str]:
    """Names of the genomes fetched with an annotation into the server's store (`vivo genome
    fetch NAME --annotation`): the genomes a plan can run on besides the bundled locus."""
    from vivo.workflows.genome_fetch import list_fetched

    return [f.name for f in list_fetched(home) if f.annotation is not None]


def _annotated(name: str | None, home: str | None) -> str | None:
    """``name`` if it is a genome fetched with its annotation on this server (never a path)."""
    if name is None:
        return None
    names = annotated_genomes(home)
    if name not in names:
        raise InputError(
            f"no annotated genome {name!r} on this server",
            hint=(f"annotated genomes: {', '.join(names)}" if names else "none: the server's "
                  "administrator adds one with `vivo genome fetch NAME --annotation`"),
        )  # fmt: skip
    return name


def _installed(name: str | None, home: str | None) -> str | None:
    """``name`` if it is a genome of the server's store (never a path)."""
    if name is None:
        return None
    from vivo.workflows.genome_index import list_genomes

    names = sorted({g.name for g in list_genomes(home)})
    if name not in names:
        raise InputError(
            f"no indexed genome {name!r} on this server",
            hint=f"installed: {', '.join(names)}" if names else "add one on the Genomes page",
        )
    return name


def _bool(form: Form, key: str) -> bool | None:
    value = _text(form, key)
    if value is None:
        return None
    if value.lower() in ("yes", "true", "on", "1"):
        return True
    if value.lower() in ("no", "false", "off", "0"):
        return False
    raise InputError(f"{key} must be yes or no, got {value!r}")


# ------------------------------------------------------------------------------------- plan
#: stands for the uploaded VCF until the job folder holds it (then its path, chosen by the server)
VCF_PENDING = "<uploaded VCF>"
ZYGOSITIES = ("unknown", "homozygous", "heterozygous", "hemizygous", "compound_heterozygous")


def plan_params(form: Form, *, home: str | None = None) -> dict[str, Any]:
    """Checked parameters of a plan (``vivo plan``) from a form or a JSON body."""
    params: dict[str, Any] = {
        "gene": _text(form, "gene") or "",
        "variant": _text(form, "variant"),
        "variant2": _text(form, "variant2", label="second variant"),
        "zygosity": _choice(form, "zygosity", ZYGOSITIES, "unknown"),
        "sex": _choice(form, "sex", ("unknown", "female", "male"), "unknown"),
        "disease": _text(form, "disease"),
        "tissue": _text(form, "tissue"),
        "age": _number(form, "age", 0, 120, label="age (years)"),
        "weight": _number(form, "weight", 0.5, 350, label="weight (kg)"),
        "anti_aav": _bool(form, "anti_aav"),
        "seed": _number(form, "seed", 0, 2**32 - 1, integer=True) or 0,
        **_genome(form, home),
        "offtarget_genome": _installed(_text(form, "offtarget_genome"), home),
        "offtarget_home": home,
        "vcf": VCF_PENDING if form.get("vcf") else None,
        "sample": _text(form, "sample"),
        "assembly": _choice(form, "assembly", ("GRCh38", "GRCh37"), None),
        "exons": _text(form, "exons", label="exons (e.g. 48-50)"),
        "exon_change": _choice(form, "exon_change", ("del", "dup"), "del"),
    }
    if params["vcf"] is None:
        params["sample"] = params["assembly"] = None  # they go with an uploaded VCF only
    if not params["gene"] and not params["disease"]:
        raise InputError("give a gene (e.g. HBB) or a disease", hint="e.g. HBB and c.20A>T")
    plan_request(params)  # the request's own checks
    _check_variants(params)
    return params


def _check_variants(params: dict[str, Any]) -> None:
    from vivo.knowledge.acquired import is_acquired
    from vivo.variants.hgvs import parse_hgvs
    from vivo.variants.uncertain import is_uncertain_hgvs, parse_uncertain

    if params["disease"] and is_acquired(params["disease"]):
        return  # the planner itself says why a variant does not belong to an acquired disease
    for key in ("variant", "variant2"):
        if params[key] and is_uncertain_hgvs(params[key]):  # exon deletions as reported
            parse_uncertain(params[key], gene=params["gene"] or None)
        elif params[key]:
            parse_hgvs(params[key], gene=params["gene"] or None)


def _store(home: str | None) -> str:
    """The server's genome store as a folder (given so that a fetched genome's name is never
    read as a file in the server's working folder)."""
    from vivo.io.places import genomes_home

    return str(genomes_home(home))


def plan_request(params: Mapping[str, Any]) -> Any:
    """The :class:`vivo.workflows.plan.PlanRequest` of checked plan parameters."""
    from vivo.planning import PatientFacts
    from vivo.workflows.plan import PlanRequest

    return PlanRequest(
        gene=params["gene"],
        variant=params["variant"],
        second_variant=params["variant2"],
        zygosity=params["zygosity"],
        disease=params["disease"],
        tissue=params["tissue"],
        seed=params["seed"],
        genome=params.get("genome"),
        genome_home=params.get("genome_home"),
        offtarget_genome=params["offtarget_genome"],
        offtarget_home=params["offtarget_home"],
        vcf=params.get("vcf"),
        sample=params.get("sample"),
        assembly=params.get("assembly"),
        exons=params.get("exons"),
        exon_change=params.get("exon_change") or "del",
        patient=PatientFacts(
            age_years=params["age"],
            weight_kg=params["weight"],
            sex=params["sex"],
            anti_aav_antibodies=params["anti_aav"],
        ),
    )


# ----------------------------------------------------------------------------------- design
def _nuclease(form: Form) -> str:
    from vivo.editing.nucleases import nuclease_names

    return _choice(form, "nuclease", tuple(nuclease_names()), "SpCas9") or "SpCas9"


def guide_params(form: Form, *, home: str | None = None) -> dict[str, Any]:
    """Checked parameters of ``vivo guides`` (bundled locus; a gene, exon, region or variant)."""
    params: dict[str, Any] = {
        "gene": _text(form, "gene"),
        "nuclease": _nuclease(form),
        "exon": _number(form, "exon", 1, 10_000, integer=True),
        "around": _text(form, "around"),
        "window_bp": _number(form, "window", 1, 100_000, integer=True) or 50,
        "region": _text(form, "region"),
        "top": _number(form, "top", 1, 1000, integer=True),
        **_genome(form, home),
        "offtarget_genome": _installed(_text(form, "offtarget_genome"), home),
        "offtarget_home": home,
    }
    if not (params["gene"] or params["region"]):
        raise InputError("give a gene (e.g. HBB) or a region (contig:start-end)")
    guide_request(params)
    return params


def guide_request(params: Mapping[str, Any]) -> Any:
    """The :class:`vivo.workflows.guides.GuideRequest` of checked parameters."""
    from vivo.workflows.guides import GuideRequest

    return GuideRequest(**params)


def _genome(form: Form, home: str | None) -> dict[str, Any]:
    """The ``genome`` field of a form: the bundled locus when empty, else a genome fetched with
    its annotation into the server's store (a name, never a path), with that store."""
    name = _annotated(_text(form, "genome"), home)
    return {"genome": name, "genome_home": _store(home) if name else None}


def edit_params(form: Form, *, home: str | None = None) -> dict[str, Any]:
    """Checked parameters of ``vivo edit`` (a variant, or a gene for a knockout)."""
    from vivo.workflows.edit import STRATEGIES

    params: dict[str, Any] = {
        "variant": _text(form, "variant", required=True, label="variant (or gene)"),
        "strategy": _choice(form, "strategy", STRATEGIES, "hdr"),
        "goal": _choice(form, "goal", ("correct", "introduce"), "correct"),
        "nuclease": _nuclease(form),
        "max_designs": _number(form, "max_designs", 1, 50, integer=True) or 10,
        **_genome(form, home),
    }
    if params["strategy"] != "knockout":
        from vivo.variants.hgvs import parse_hgvs
        from vivo.workflows.variants import check_variant_text

        words = check_variant_text(params["variant"]).replace(":", " ").split()
        parse_hgvs(words[-1], gene=words[0] if len(words) > 1 else None)
    edit_request(params, genbank_out=None)
    return params


def edit_request(params: Mapping[str, Any], *, genbank_out: str | None) -> Any:
    """The :class:`vivo.workflows.edit.EditRequest` (``genbank_out``: a path the job chose)."""
    from vivo.workflows.edit import EditRequest

    return EditRequest(**params, genbank_out=genbank_out)


def cassette_params(form: Form, *, home: str | None = None) -> dict[str, Any]:
    """Checked parameters of ``vivo cassette`` (a catalogued transgene, or a gene of an
    annotated fetched genome)."""
    params: dict[str, Any] = {
        "transgene": _text(form, "transgene", required=True),
        "variant": _text(form, "variant"),
        "vector": _text(form, "vector") or "AAV",
        "tissue": _text(form, "tissue"),
        "promoter": _text(form, "promoter"),
        "optimize": _bool(form, "optimize"),
        "seed": _number(form, "seed", 0, 2**32 - 1, integer=True) or 0,
        **_genome(form, home),
    }
    if params["genome"]:
        from vivo.workflows.cassette import bundled_transgene

        if bundled_transgene(params["transgene"]):
            raise InputError(
                f"{params['transgene']} is in vivo's transgene catalogue, whose CDS is used: "
                "a genome gives the CDS only of a gene vivo does not catalogue",
                hint="leave the genome empty, or name a gene of that genome",
            )
    cassette_request(params)
    return params


def cassette_request(params: Mapping[str, Any]) -> Any:
    """The :class:`vivo.workflows.cassette.CassetteRequest` of checked parameters."""
    from vivo.workflows.cassette import CassetteRequest

    return CassetteRequest(**params)


def car_params(form: Form, *, home: str | None = None) -> dict[str, Any]:
    """Checked parameters of ``vivo car`` (bundled binders and domains only: no files); every
    choice is one of ``vivo car design``'s option values."""
    from vivo.cells import car
    from vivo.workflows.car import VECTORS

    params: dict[str, Any] = {
        "target": _text(form, "target", required=True),
        "binder": _text(form, "binder"),
        "leader": _choice(form, "leader", tuple(car.LEADERS), "CD8a"),
        "hinge": _choice(form, "hinge", tuple(car.HINGES), "CD8a"),
        "tm": _choice(form, "tm", tuple(car.TMS), None),  # None: the hinge's own
        "costim": _choice(form, "costim", tuple(car.COSTIMS), "4-1BB"),
        "safety_switch": _choice(form, "safety_switch", tuple(car.SAFETY_SWITCHES), "none"),
        "skip": _choice(form, "skip", tuple(car.PEPTIDES_2A), "T2A"),
        "vector": _choice(form, "vector", VECTORS, "lentivirus"),
        "seed": _number(form, "seed", 0, 2**32 - 1, integer=True) or 0,
    }
    car_request(params)
    return params


def car_request(params: Mapping[str, Any]) -> Any:
    """The :class:`vivo.workflows.car.CarRequest` of checked parameters; its protein is designed
    here (fast), so an unknown target or binder, a segment vivo has not bundled or a refused
    combination is a 400 at submission, not a failed job."""
    from vivo.workflows.car import CarRequest, car_construct

    request = CarRequest(**params)
    car_construct(request)
    return request


# ------------------------------------------------------------------------------- off-targets
def offtarget_params(form: Form, *, home: str | None, max_guides: int) -> dict[str, Any]:
    """Checked parameters of ``vivo offtargets`` (pasted spacers, an installed genome)."""
    raw = str(form.get("guides") or "")
    guides = [g.strip() for g in re.split(r"[\s,;]+", raw) if g.strip()]
    if not guides:
        raise InputError("paste at least one guide spacer (e.g. 20 nt of ACGT)")
    if len(guides) > max_guides:
        raise InputError(f"{len(guides)} guides: at most {max_guides} per job on this server")
    bad = [g for g in guides if not _SPACER.match(g)]
    if bad:
        shown = bad[0][:40]
        raise InputError(f"{shown!r} is not a spacer", hint="15-40 letters A, C, G, T (U, N)")
    params: dict[str, Any] = {
        "genome": _installed(_text(form, "genome", required=True), home),
        "guides": [g.upper().replace("U", "T") for g in guides],
        "nuclease": _nuclease(form),
        "max_mismatches": _number(form, "mismatches", 0, 6, integer=True) or 0,
        "dna_bulges": _number(form, "dna_bulges", 0, 2, integer=True) or 0,
        "rna_bulges": _number(form, "rna_bulges", 0, 2, integer=True) or 0,
        "max_hits_per_guide": _number(form, "max_hits", 1, 100_000, integer=True) or 1000,
        "home": home,
    }
    if form.get("mismatches") in (None, ""):
        params["max_mismatches"] = 4
    from vivo.workflows.offtargets import OffTargetRequest

    checked: dict[str, Any] = {**params, "guides": tuple(params["guides"])}
    OffTargetRequest(**checked)
    return params


def genome_taken(name: str) -> InputError:
    """The error of a web upload whose genome name is installed or being indexed."""
    return InputError(
        f"a genome named {name!r} is already installed (or being indexed) on this server",
        hint="choose another name; the server's administrator can replace a genome "
        "with `vivo genome add` on the command line",
    )


def genome_params(form: Form, *, home: str | None, busy: Collection[str] = ()) -> dict[str, Any]:
    """Checked parameters of an index build (``vivo genome add NAME upload``). Over the web a
    genome is only ever added: a name that is installed (or whose folder exists, or that a
    job in ``busy`` is indexing now) is refused, so nobody reaching the server can replace an
    installed index (the CLI, run by the store's owner, may)."""
    from vivo.io.genome_store import GenomeStore, check_name

    name = check_name(_text(form, "name", required=True, label="genome name") or "")
    store = GenomeStore.at(home)
    if name in busy or name in store.names() or store.folder(name).exists():
        raise genome_taken(name)
    return {"name": name, "nuclease": _nuclease(form), "home": home}


# ------------------------------------------------------------------------------------ trials
TRIAL_MODES = ("cache", "offline", "online")


def _words(form: Form, key: str) -> tuple[str, ...]:
    text = _text(form, key) or ""
    return tuple(w.strip() for w in re.split(r"[,;]", text) if w.strip())


def trials_params(form: Form) -> dict[str, Any]:
    """Checked parameters of ``vivo trials`` (ClinicalTrials.gov, or the answer cached by an
    earlier search: ``cache`` never uses the network; ``online`` asks the service)."""
    params: dict[str, Any] = {
        "disease": _text(form, "disease") or "",
        "gene": _text(form, "gene") or "",
        "intervention": _text(form, "intervention") or "",
        "modalities": list(_words(form, "modality")),
        "age_years": _number(form, "age", 0, 120, label="age (years)"),
        "countries": list(_words(form, "countries")),
        "mode": _choice(form, "mode", TRIAL_MODES, "cache"),
        "max_studies": _number(form, "max_studies", 1, 1000, integer=True) or 500,
    }
    if not (params["disease"] or params["gene"] or params["intervention"]):
        raise InputError("give a disease, a gene or an intervention", hint="e.g. sickle cell")
    trials_request(params)
    return params


def trials_request(params: Mapping[str, Any]) -> Any:
    """The :class:`vivo.workflows.trials.TrialsRequest` (the server's own service URL)."""
    from vivo.workflows.trials import TrialsRequest

    lists = {k: tuple(params[k]) for k in ("modalities", "countries")}
    return TrialsRequest(**{**params, **lists})
