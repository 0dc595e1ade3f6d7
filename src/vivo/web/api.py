"""The JSON API: the workflows as jobs (202 + a job id to poll), the knowledge base and the
genome store. Posts take ``application/json`` (or multipart with the ``X-Vivo-Client``
header), which a cross-site form cannot send: no CSRF token is needed here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from vivo.core.errors import InputError, VivoError
from vivo.web import forms
from vivo.web.jobs import Job, JobManager
from vivo.web.security import display_name, save_upload
from vivo.web.views import client_id, downloads, submit

__all__ = ["router"]


def _media_type(request: Request) -> str:
    """The request's media type: the Content-Type before any ``;`` parameters."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _json_only(request: Request) -> None:
    if _media_type(request) != "application/json":
        raise InputError("send the body as application/json")


def _home(request: Request) -> str | None:
    home = request.app.state.settings.genomes_home
    return str(home) if home else None


router = APIRouter(prefix="/api", tags=["api"])

Num = float | int | None
Text = str | None


class PlanIn(BaseModel):
    """A therapy question (as `vivo plan`) on the bundled beta-globin locus or a genome fetched
    with its annotation."""

    gene: Text = Field(None, description="gene symbol, e.g. HBB")
    variant: Text = Field(None, description="HGVS c. variant, e.g. c.20A>T")
    variant2: Text = Field(None, description="the other allele's variant")
    exons: Text = Field(None, description="whole exons deleted or duplicated, e.g. 48-50 (DMD)")
    exon_change: Text = Field(None, description="del (default) or dup")
    zygosity: Text = Field(None, description=", ".join(forms.ZYGOSITIES))
    sex: Text = Field(None, description="female or male")
    disease: Text = Field(None, description="disease name (default: from the genotype)")
    tissue: Text = Field(None, description="target tissue override")
    age: Num = Field(None, description="patient age, years")
    weight: Num = Field(None, description="patient weight, kg")
    anti_aav: bool | None = Field(None, description="pre-existing anti-AAV antibodies")
    seed: int | None = Field(None, description="random seed")
    genome: Text = Field(None, description="annotated fetched genome (default: bundled locus)")
    offtarget_genome: Text = Field(None, description="an installed genome (GET /api/genomes)")


class GuidesIn(BaseModel):
    """Guides in the bundled locus or an annotated fetched genome (as `vivo guides`)."""

    gene: Text = None
    nuclease: Text = None
    exon: int | None = None
    around: Text = Field(None, description="position or variant, e.g. c.20A>T")
    window: int | None = None
    region: Text = Field(None, description="contig:start-end (1-based)")
    top: int | None = None
    genome: Text = Field(None, description="annotated fetched genome (default: bundled locus)")
    offtarget_genome: Text = None


class EditIn(BaseModel):
    """Edit designs (as `vivo edit`)."""

    variant: str = Field(..., description="e.g. HBB c.20A>T (a gene for knockout)")
    strategy: Text = Field(None, description="hdr, base, prime or knockout")
    goal: Text = Field(None, description="correct or introduce")
    nuclease: Text = None
    max_designs: int | None = None
    genome: Text = Field(None, description="annotated fetched genome (default: bundled locus)")


class CassetteIn(BaseModel):
    """An expression cassette (as `vivo cassette`)."""

    transgene: str = Field(..., description="catalogued transgene, e.g. F9")
    variant: Text = None
    vector: Text = Field(None, description="e.g. AAV, LV")
    tissue: Text = None
    promoter: Text = None
    optimize: bool | None = None
    seed: int | None = None
    genome: Text = Field(None, description="annotated fetched genome giving a gene's CDS")


class CarIn(BaseModel):
    """A CAR construct (as `vivo car`, bundled binders and domains)."""

    target: str = Field(..., description="antigen, e.g. CD19")
    binder: Text = None
    leader: Text = Field(None, description="CD8a (default) or GM-CSFRa")
    hinge: Text = None
    tm: Text = Field(None, description="CD8a or CD28 (default: the hinge's own)")
    costim: Text = None
    safety_switch: Text = None
    skip: Text = Field(None, description="2A peptide before a co-expressed tag: T2A or P2A")
    vector: Text = None
    seed: int | None = None


class OffTargetsIn(BaseModel):
    """Off-target search of spacers in an installed genome (as `vivo offtargets`)."""

    genome: str
    guides: list[str] = Field(..., description="spacers, 15-40 nt")
    nuclease: Text = None
    mismatches: int | None = None
    dna_bulges: int | None = None
    rna_bulges: int | None = None
    max_hits: int | None = None


def _accepted(job: Job) -> JSONResponse:
    return JSONResponse(
        {"job": job.id, "status": job.status, "url": f"/api/jobs/{job.id}",
         "page": f"/jobs/{job.id}"},
        status_code=202,
    )  # fmt: skip


def _form(body: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump().items() if v is not None}


@router.get("/health", summary="server status")
def health(request: Request) -> dict[str, Any]:
    from vivo import __version__

    s = request.app.state.settings
    return {"status": "ok", "vivo_version": __version__, "workers": s.workers}


@router.post("/plan", status_code=202, summary="start a plan job (the dossier)")
def plan(request: Request, body: PlanIn) -> Response:
    _json_only(request)
    params = forms.plan_params(_form(body), home=_home(request))
    return _accepted(submit(request, "plan", params, f"plan {params['gene']}"))


@router.post("/plan/vcf", status_code=202, summary="start a plan job from a patient's VCF")
async def plan_vcf(
    request: Request,
    gene: Annotated[str, Form(description="gene symbol, e.g. HBB")],
    vcf: Annotated[UploadFile, File(description="the patient's VCF (plain or bgzip)")],
    sample: Annotated[str | None, Form(description="VCF sample (default: the only one)")] = None,
    assembly: Annotated[str | None, Form(description="GRCh38 or GRCh37")] = None,
    disease: Annotated[str | None, Form()] = None,
    tissue: Annotated[str | None, Form()] = None,
    age: Annotated[str | None, Form(description="years")] = None,
    weight: Annotated[str | None, Form(description="kg")] = None,
    sex: Annotated[str | None, Form()] = None,
    seed: Annotated[str | None, Form()] = None,
    offtarget_genome: Annotated[str | None, Form()] = None,
    x_vivo_client: Annotated[str | None, Header(description="required: CSRF guard")] = None,
) -> Response:
    if not x_vivo_client:
        raise InputError("multipart posts need the X-Vivo-Client header")
    form = {"gene": gene, "vcf": "uploaded", "sample": sample, "assembly": assembly,
            "disease": disease, "tissue": tissue, "age": age, "weight": weight, "sex": sex,
            "seed": seed, "offtarget_genome": offtarget_genome}  # fmt: skip
    params = await run_in_threadpool(forms.plan_params, form, home=_home(request))
    manager: JobManager = request.app.state.jobs
    title = f"plan {params['gene']} from {str(vcf.filename)[:60]}"
    job = manager.create("plan", title=title, client=client_id(request))
    try:
        limit = request.app.state.settings.max_upload_bytes
        path = await save_upload(vcf, job.inputs / "patient.vcf", kind="vcf", max_bytes=limit)
    except VivoError:
        manager.discard(job)
        raise
    params["vcf"], params["vcf_name"] = str(path), display_name(vcf, "patient.vcf")
    manager.start(job, params)
    return _accepted(job)


@router.post("/guides", status_code=202, summary="start a guide design job")
def guides(request: Request, body: GuidesIn) -> Response:
    _json_only(request)
    params = forms.guide_params(_form(body), home=_home(request))
    return _accepted(submit(request, "guides", params, f"guides {params['gene'] or ''}"))


@router.post("/edit", status_code=202, summary="start an edit design job")
def edit(request: Request, body: EditIn) -> Response:
    _json_only(request)
    params = forms.edit_params(_form(body), home=_home(request))
    return _accepted(submit(request, "edit", params, f"edit {params['variant']}"))


@router.post("/cassette", status_code=202, summary="start a cassette design job")
def cassette(request: Request, body: CassetteIn) -> Response:
    _json_only(request)
    params = forms.cassette_params(_form(body), home=_home(request))
    return _accepted(submit(request, "cassette", params, f"cassette {params['transgene']}"))


@router.post("/car", status_code=202, summary="start a CAR construct design job")
def car(request: Request, body: CarIn) -> Response:
    _json_only(request)
    params = forms.car_params(_form(body))
    return _accepted(submit(request, "car", params, f"CAR {params['target']}"))


@router.post("/offtargets", status_code=202, summary="start an off-target search job")
def offtargets(request: Request, body: OffTargetsIn) -> Response:
    _json_only(request)
    form = _form(body)
    form["guides"] = "\n".join(body.guides)
    max_guides = request.app.state.settings.max_guides
    params = forms.offtarget_params(form, home=_home(request), max_guides=max_guides)
    return _accepted(submit(request, "offtargets", params, f"off-targets in {params['genome']}"))


class TrialsIn(BaseModel):
    """A trial search (as `vivo trials`); mode ``cache`` (default) never uses the network."""

    disease: Text = None
    gene: Text = None
    intervention: Text = None
    modality: Text = Field(None, description="comma-separated modalities")
    age: Num = None
    countries: Text = Field(None, description="comma-separated countries")
    mode: Text = Field(None, description="cache, offline or online")
    max_studies: int | None = None


@router.post("/trials", status_code=202, summary="start a clinical-trials search job")
def trials(request: Request, body: TrialsIn) -> Response:
    _json_only(request)
    params = forms.trials_params(_form(body))
    return _accepted(submit(request, "trials", params, "trials"))


@router.get("/genomes", summary="installed genomes and their indexes")
def genomes(request: Request) -> dict[str, Any]:
    from vivo.workflows.genome_index import list_genomes

    items = []
    for g in list_genomes(_home(request)):
        d = g.to_dict()
        d.pop("path", None)
        items.append(d)
    annotated = forms.annotated_genomes(_home(request))
    return {"schema_version": "1", "genomes": items, "annotated": annotated}


@router.post("/genomes", status_code=202, summary="index an uploaded FASTA (a job)")
async def add_genome(
    request: Request,
    name: Annotated[str, Form(description="genome name: letters, digits, '.', '_', '-'")],
    fasta: Annotated[UploadFile, File(description="FASTA (.fa or .fa.gz)")],
    nuclease: Annotated[str, Form()] = "SpCas9",
    x_vivo_client: Annotated[str | None, Header(description="required: CSRF guard")] = None,
) -> Response:
    if not x_vivo_client:
        raise InputError("multipart posts need the X-Vivo-Client header")
    manager: JobManager = request.app.state.jobs
    form = {"name": name, "nuclease": nuclease}
    params = await run_in_threadpool(
        forms.genome_params, form, home=_home(request), busy=manager.indexing()
    )
    job = manager.create("genome", title=f"index {params['name']}", client=client_id(request))
    if params["name"] in manager.indexing(besides=job):  # a simultaneous upload of that name
        manager.discard(job)
        raise forms.genome_taken(params["name"])
    try:
        await save_upload(fasta, job.inputs / "genome.fa",
                          max_bytes=request.app.state.settings.max_upload_bytes)  # fmt: skip
    except VivoError:
        manager.discard(job)
        raise
    manager.start(job, params)
    return _accepted(job)


def _job(request: Request, job_id: str) -> Job:
    job: Job | None = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job (finished jobs are kept for a limited time)")
    return job


@router.get("/jobs/{job_id}", summary="a job's status, progress, streamed and final results")
def job(request: Request, job_id: str) -> dict[str, Any]:
    j = _job(request, job_id)
    files = downloads(request.app.state.jobs, j)
    urls = [dict(f, url=f"/api/jobs/{j.id}/files/{f['name']}") for f in files]
    return {**j.to_dict(), "partial": j.partial(), "result": j.result(), "files": urls}


@router.post("/jobs/{job_id}/cancel", summary="cancel a queued or running job")
def cancel(request: Request, job_id: str,
                 x_vivo_client: str | None = Header(None)) -> dict[str, Any]:  # fmt: skip
    if not x_vivo_client and _media_type(request) != "application/json":
        raise InputError("send the X-Vivo-Client header (or a JSON body) to cancel")
    j = _job(request, job_id)
    cancelled = request.app.state.jobs.cancel(j)
    return {"job": j.id, "cancelled": cancelled, "status": j.status}


@router.get("/jobs/{job_id}/files/{name:path}", summary="download a job's output file")
def job_file(request: Request, job_id: str, name: str) -> Response:
    j = _job(request, job_id)
    path = request.app.state.jobs.file(j, name)
    if path is None:
        raise HTTPException(404, "no such file in this job")
    return FileResponse(path, filename=path.name)


@router.get("/knowledge/products", summary="approved products, filtered")
def kb_products(modality: str = "", status: str = "", target: str = "", vector: str = "",
                      q: str = "") -> dict[str, Any]:  # fmt: skip
    from vivo.web.knowledge import products

    rows = products(modality=modality[:100], status=status[:100], target=target[:100],
                    vector=vector[:100], q=q[:100])  # fmt: skip
    return {"schema_version": "1", "products": rows}


@router.get("/knowledge/diseases", summary="diseases the planner knows")
def kb_diseases(q: str = "") -> dict[str, Any]:
    from vivo.web.knowledge import diseases

    return {"schema_version": "1", "diseases": diseases(q[:100])}


@router.get("/knowledge/glossary", summary="glossary terms (vivo explain)")
def kb_glossary(q: str = "") -> dict[str, Any]:
    from vivo.web.knowledge import glossary

    return {"schema_version": "1", "terms": glossary(q[:100])}


@router.get("/knowledge/explain/{term}", summary="one glossary term (vivo explain TERM)")
def kb_explain(term: str) -> dict[str, Any]:
    from vivo.knowledge import explain

    return {"schema_version": "1", "term": explain(term[:200]).to_dict()}
