"""The HTML pages: Plan, Design, Off-targets, Knowledge, Genomes, Jobs, and the offline API
reference at ``/docs``. Forms post with a CSRF token; a bad input re-renders the form with a
one-line error and the values typed (escaped)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vivo.core.errors import VivoError
from vivo.web import forms
from vivo.web.jobs import FINISHED, Job, JobManager
from vivo.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    REPORT_CSP,
    check_csrf,
    display_name,
    has_file,
    save_upload,
)
from vivo.web.views import (
    client_id,
    downloads,
    one_line,
    plan_view,
    records_table,
    render,
    submit,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _home(request: Request) -> str | None:
    home = request.app.state.settings.genomes_home
    return str(home) if home else None


def _genomes(request: Request) -> list[Any]:
    from vivo.workflows.genome_index import list_genomes

    return list_genomes(_home(request))


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    check_csrf(request.cookies.get(CSRF_COOKIE), form.get(CSRF_FIELD))
    return {k: v for k, v in form.items() if k != CSRF_FIELD}


def _values(form: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _to_job(job: Job) -> Response:
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/")
async def index() -> Response:
    return RedirectResponse("/plan", status_code=307)


# -------------------------------------------------------------------------------------- plan
@router.get("/plan")
def plan_form(request: Request) -> Response:
    return render(request, "plan.html.j2", values={}, error="", genomes=_genomes(request),
                  annotated=forms.annotated_genomes(_home(request)),
                  zygosities=forms.ZYGOSITIES)  # fmt: skip


@router.post("/plan")
async def plan_submit(request: Request) -> Response:
    form = await _form(request)
    upload = form.pop("vcf", None)
    if has_file(upload):
        form["vcf"] = "uploaded"
    manager: JobManager = request.app.state.jobs
    try:
        params = await run_in_threadpool(forms.plan_params, form, home=_home(request))
        variants = " + ".join(v for v in (params["variant"], params["variant2"]) if v)
        if params["vcf"]:
            variants = f"from {str(upload.filename)[:60]}"
        title = f"plan {params['gene'] or params['disease']} {variants}".strip()
        job = manager.create("plan", title=title, client=client_id(request))
    except VivoError as exc:
        return _plan_page(request, form, exc)
    if params["vcf"]:
        try:
            limit = request.app.state.settings.max_upload_bytes
            target = job.inputs / "patient.vcf"
            path = await save_upload(upload, target, kind="vcf", max_bytes=limit)
        except VivoError as exc:
            manager.discard(job)
            return _plan_page(request, form, exc)
        params["vcf"], params["vcf_name"] = str(path), display_name(upload, "patient.vcf")
    manager.start(job, params)
    return _to_job(job)


def _plan_page(request: Request, form: dict[str, Any], exc: VivoError) -> Response:
    return render(request, "plan.html.j2", status_code=400, values=_values(form),
                  error=one_line(str(exc)), genomes=_genomes(request),
                  annotated=forms.annotated_genomes(_home(request)),
                  zygosities=forms.ZYGOSITIES)  # fmt: skip


# ------------------------------------------------------------------------------------ design
DESIGN_FORMS: dict[str, tuple[Callable[..., dict[str, Any]], str]] = {
    "guides": (forms.guide_params, "guides {gene}"),
    "edit": (forms.edit_params, "{strategy} edit {variant}"),
    "cassette": (forms.cassette_params, "cassette {transgene} ({vector})"),
    "car": (forms.car_params, "CAR {target}"),
}


def _design_page(request: Request, *, status: int = 200, which: str = "guides",
                 values: dict[str, str] | None = None, error: str = "") -> Response:  # fmt: skip
    from vivo.editing.nucleases import nuclease_names
    from vivo.workflows.edit import STRATEGIES

    return render(request, "design.html.j2", status_code=status, which=which,
                  values=values or {}, error=error, genomes=_genomes(request),
                  nucleases=nuclease_names(), strategies=STRATEGIES, car=_car_choices(),
                  annotated=forms.annotated_genomes(_home(request)))  # fmt: skip


def _car_choices() -> dict[str, list[str]]:
    """The CAR form's choices: the option values of `vivo car design` (vivo.cells.car)."""
    from vivo.cells import car
    from vivo.workflows.car import VECTORS

    missing = car.unbundled_domains()  # the web takes no user FASTA: offer what is bundled

    def bundled(options: dict[str, str | None]) -> list[str]:
        return [k for k, key in options.items() if key is None or key not in missing]

    return {"leaders": bundled(dict(car.LEADERS)), "hinges": bundled(dict(car.HINGES)),
            "tms": bundled(dict(car.TMS)), "costims": bundled(car.COSTIMS),
            "switches": bundled(car.SAFETY_SWITCHES), "peptides_2a": bundled(dict(car.PEPTIDES_2A)),
            "vectors": list(VECTORS)}  # fmt: skip


@router.get("/design")
def design_form(request: Request) -> Response:
    return _design_page(request)


@router.post("/design/{kind}")
async def design_submit(request: Request, kind: str) -> Response:
    if kind not in DESIGN_FORMS:
        raise HTTPException(404, "no such design form")
    form = await _form(request)
    return await run_in_threadpool(_design_submit, request, kind, form)


def _design_submit(request: Request, kind: str, form: dict[str, Any]) -> Response:
    make, title = DESIGN_FORMS[kind]
    try:
        params = make(form, home=_home(request))
        text = title.format_map({k: v if v is not None else "" for k, v in params.items()})
        return _to_job(submit(request, kind, params, text))
    except VivoError as exc:
        return _design_page(request, status=400, which=kind, values=_values(form),
                            error=one_line(str(exc)))  # fmt: skip


# ------------------------------------------------------------------------------- off-targets
def _offtarget_page(request: Request, *, status: int = 200, values: dict[str, str] | None = None,
                    error: str = "") -> Response:  # fmt: skip
    from vivo.editing.nucleases import nuclease_names

    return render(request, "offtargets.html.j2", status_code=status, values=values or {},
                  error=error, genomes=_genomes(request), nucleases=nuclease_names())  # fmt: skip


@router.get("/offtargets")
def offtarget_form(request: Request) -> Response:
    return _offtarget_page(request)


@router.post("/offtargets")
async def offtarget_submit(request: Request) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_offtarget_submit, request, form)


def _offtarget_submit(request: Request, form: dict[str, Any]) -> Response:
    settings = request.app.state.settings
    try:
        params = forms.offtarget_params(form, home=_home(request), max_guides=settings.max_guides)
        title = f"off-targets of {len(params['guides'])} guides in {params['genome']}"
        return _to_job(submit(request, "offtargets", params, title))
    except VivoError as exc:
        return _offtarget_page(request, status=400, values=_values(form), error=one_line(str(exc)))


# ------------------------------------------------------------------------------------ trials
def _trials_page(request: Request, *, status: int = 200, values: dict[str, str] | None = None,
                 error: str = "") -> Response:  # fmt: skip
    from vivo.knowledge.trials import MODALITIES

    return render(request, "trials.html.j2", status_code=status, values=values or {},
                  error=error, modalities=MODALITIES, modes=forms.TRIAL_MODES)  # fmt: skip


@router.get("/trials")
def trials_form(request: Request) -> Response:
    return _trials_page(request)


@router.post("/trials")
async def trials_submit(request: Request) -> Response:
    form = await _form(request)
    try:
        params = await run_in_threadpool(forms.trials_params, form)
        what = params["disease"] or params["gene"] or params["intervention"]
        return _to_job(submit(request, "trials", params, f"trials: {what}"))
    except VivoError as exc:
        return _trials_page(request, status=400, values=_values(form), error=one_line(str(exc)))


# --------------------------------------------------------------------------------- knowledge
@router.get("/knowledge")
def knowledge(request: Request) -> Response:
    from vivo.knowledge import MODALITIES
    from vivo.web.knowledge import diseases, glossary, product_filters, products

    q = {k: (request.query_params.get(k) or "").strip()[:100]
         for k in ("modality", "status", "target", "vector", "q")}  # fmt: skip
    return render(request, "knowledge.html.j2", q=q, products=products(**q),
                  diseases=diseases(q["q"]), terms=glossary(q["q"]), modalities=MODALITIES,
                  filters=product_filters())  # fmt: skip


# ----------------------------------------------------------------------------------- genomes
def _genome_page(request: Request, *, status: int = 200, values: dict[str, str] | None = None,
                 error: str = "") -> Response:  # fmt: skip
    from vivo.editing.nucleases import nuclease_names

    return render(request, "genomes.html.j2", status_code=status, genomes=_genomes(request),
                  values=values or {}, error=error, nucleases=nuclease_names())  # fmt: skip


@router.get("/genomes")
def genomes(request: Request) -> Response:
    return _genome_page(request)


@router.post("/genomes")
async def genome_submit(request: Request) -> Response:
    form = await _form(request)
    manager: JobManager = request.app.state.jobs
    try:
        params = await run_in_threadpool(
            forms.genome_params, form, home=_home(request), busy=manager.indexing()
        )
        job = manager.create("genome", title=f"index {params['name']}", client=client_id(request))
        if params["name"] in manager.indexing(besides=job):  # a simultaneous upload
            manager.discard(job)
            raise forms.genome_taken(params["name"])
    except VivoError as exc:
        return _genome_page(request, status=400, values=_values(form), error=one_line(str(exc)))
    try:
        await save_upload(form.get("fasta"), job.inputs / "genome.fa",
                          max_bytes=request.app.state.settings.max_upload_bytes)  # fmt: skip
    except VivoError as exc:
        manager.discard(job)
        return _genome_page(request, status=400, values=_values(form), error=one_line(str(exc)))
    manager.start(job, params)
    return _to_job(job)


# -------------------------------------------------------------------------------------- jobs
def _job(request: Request, job_id: str) -> Job:
    job: Job | None = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, "no such job (finished jobs are kept for a limited time)")
    return job


@router.get("/jobs")
def jobs(request: Request) -> Response:
    mine = [j for j in request.app.state.jobs.jobs() if j.client == client_id(request)]
    return render(request, "jobs.html.j2", jobs=mine[:200])


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    job = _job(request, job_id)
    manager: JobManager = request.app.state.jobs
    context: dict[str, Any] = {
        "job": job,
        "finished": job.status in FINISHED,
        "files": downloads(manager, job),
        "result": job.result(),
        "partial": job.partial(),
        "records_table": records_table,
    }
    if job.status == "done" and job.kind == "plan":
        context["plan"] = plan_view(job)
    return render(request, "job.html.j2", **context)


@router.post("/jobs/{job_id}/cancel")
async def job_cancel(request: Request, job_id: str) -> Response:
    await _form(request)
    job = _job(request, job_id)
    await run_in_threadpool(request.app.state.jobs.cancel, job)
    return _to_job(job)


@router.get("/jobs/{job_id}/files/{name:path}")
def job_file(request: Request, job_id: str, name: str) -> Response:
    job = _job(request, job_id)
    path = request.app.state.jobs.file(job, name)
    if path is None:
        raise HTTPException(404, "no such file in this job")
    inline = path.suffix in (".svg", ".png")
    return FileResponse(path, filename=None if inline else path.name,
                        media_type="image/svg+xml" if path.suffix == ".svg" else None,
                        headers={"Content-Security-Policy": REPORT_CSP})  # fmt: skip


@router.get("/jobs/{job_id}/report")
def job_report(request: Request, job_id: str) -> Response:
    job = _job(request, job_id)
    path = request.app.state.jobs.file(job, "dossier/report.html")
    if path is None:
        raise HTTPException(404, "this job has no dossier")
    return FileResponse(path, media_type="text/html",
                        headers={"Content-Security-Policy": REPORT_CSP})  # fmt: skip


# ------------------------------------------------------------------------------------ API doc
@router.get("/docs")
def api_docs(request: Request) -> Response:
    from vivo.web.apidoc import endpoints

    return render(request, "docs.html.j2", endpoints=endpoints(request.app.openapi()))
