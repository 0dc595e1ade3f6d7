"""`vivo genome fetch`: a reference genome (and its annotation) downloaded into the store.

genomepy (the optional extra ``vivo[fetch]``, MIT licence; Frölich *et al.* 2023,
doi:10.1093/bioinformatics/btad119) knows the providers' catalogues and layouts: it turns an
assembly name into the download links of UCSC, Ensembl, NCBI or GENCODE (or takes a URL and
finds the annotation next to it). vivo then downloads the files itself, so that it can

* show progress (bytes),
* check each file against the checksum list the provider publishes next to it
  (``md5sum.txt`` at UCSC, ``md5checksums.txt`` at NCBI, ``MD5SUMS`` at GENCODE, ``CHECKSUMS``
  with BSD ``sum`` values at Ensembl) and record its SHA-256,
* keep nothing partial: files are downloaded into a staging folder of the genome store and
  renamed into place only when every file is complete and checked; an interrupted or failed
  fetch removes the staging folder (one left by a killed process is removed by the next
  build, see :meth:`vivo.io.genome_store.GenomeStore.sweep_stale`),
* index the annotation once (:mod:`vivo.io.annotation_index`) and, with ``index=True``, build
  the off-target index through :func:`vivo.workflows.genome_index.build_genome_index`.

Layout: ``<store>/<name>.fetched/`` holds the genome file (as the provider names it), the
annotation file, ``annotation.sqlite`` (its index) and ``fetch.json`` (schema version,
provider, URLs, sizes, SHA-256, which published checksum each file matched). ``--genome NAME``
of the design commands opens a fetched genome by name (:func:`fetched_genome`).

``mirror`` points a provider at another server with the provider's own layout (an
institutional mirror, or the test suite's local server): genomepy's UCSC link rules are
applied to it, so UCSC (and ``url``) work without contacting the providers' catalogues.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from vivo import __version__
from vivo.core.errors import DataError, EngineError, InputError
from vivo.io.atomic import write_text_atomic
from vivo.io.genome_store import GenomeStore, IndexInfo, check_name

__all__ = [
    "FETCH_SCHEMA_VERSION",
    "PROVIDERS",
    "Download",
    "FetchResult",
    "fetch_genome",
    "fetched_genome",
    "list_fetched",
    "require_genomepy",
]

Provider = Literal["ucsc", "ensembl", "ncbi", "gencode", "url"]
PROVIDERS: tuple[str, ...] = ("ucsc", "ensembl", "ncbi", "gencode", "url")
FETCH_SCHEMA_VERSION = "1"
#: UCSC gene tables, in genomepy's order of preference
UCSC_ANNOTATIONS = ("ncbiRefSeq", "refGene", "ensGene", "knownGene")
_CHECKSUM_FILES = ("md5sum.txt", "md5checksums.txt", "MD5SUMS", "CHECKSUMS")
_CHUNK = 1 << 20
_TIMEOUT_S = 60.0

ProgressFn = Callable[[str, int, int, str], None]


@dataclass(frozen=True, slots=True)
class Download:
    """One downloaded file: its role, URL, name in the store, size, SHA-256, and the published
    checksum it matched (``checked`` names the list, e.g. ``"md5sum.txt (md5)"``, or is empty
    when the provider publishes none for it)."""

    role: Literal["genome", "annotation"]
    url: str
    file: str
    size: int
    sha256: str
    checked: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "role": self.role,
            "url": self.url,
            "file": self.file,
            "size": self.size,
            "sha256": self.sha256,
            "checked": self.checked,
        }


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched genome in the store."""

    name: str
    provider: str
    assembly: str
    folder: Path
    downloads: tuple[Download, ...]
    annotation_genes: int | None = None
    reused: bool = False
    index: IndexInfo | None = field(default=None, compare=False)

    @property
    def genome(self) -> Path:
        """The genome file."""
        return self.folder / next(d.file for d in self.downloads if d.role == "genome")

    @property
    def annotation(self) -> Path | None:
        """The annotation file, if one was fetched."""
        files = [d.file for d in self.downloads if d.role == "annotation"]
        return self.folder / files[0] if files else None

    @property
    def annotation_index(self) -> Path:
        """Where the annotation's index lives."""
        return self.folder / "annotation.sqlite"

    def to_dict(self) -> dict[str, object]:
        return {
            "schema_version": FETCH_SCHEMA_VERSION,
            "name": self.name,
            "provider": self.provider,
            "assembly": self.assembly,
            "folder": str(self.folder),
            "genome": str(self.genome),
            "annotation": str(self.annotation) if self.annotation else None,
            "annotation_genes": self.annotation_genes,
            "reused": self.reused,
            "downloads": [d.to_dict() for d in self.downloads],
            "index": self.index.to_dict() if self.index else None,
        }


def require_genomepy() -> Any:
    """The genomepy module, or an :class:`InputError` saying how to install it."""
    try:
        import genomepy
    except ImportError as exc:
        raise InputError(
            "vivo genome fetch needs genomepy, which is not installed",
            hint="pip install 'vivo[fetch]'",
        ) from exc
    return genomepy


def _folder(store: GenomeStore, name: str) -> Path:
    return store.root / f"{check_name(name)}.fetched"


# ---- links ---------------------------------------------------------------------------------


def resolve_links(
    assembly: str, provider: str, *, annotation: bool, mirror: str | None = None
) -> tuple[str, str | None]:
    """The genome (and annotation) download links of ``assembly`` at ``provider``."""
    if provider not in PROVIDERS:
        raise InputError(f"unknown provider {provider!r}", hint="use " + ", ".join(PROVIDERS))
    require_genomepy()
    if provider == "url":
        return _url_links(assembly, annotation)
    if provider == "ucsc":
        return _ucsc_links(assembly, annotation, mirror)
    if mirror is not None:
        raise InputError(
            "--mirror works with --provider ucsc or url",
            hint=f"{provider} is reached through its own catalogue",
        )
    return _catalogue_links(assembly, provider, annotation)


def _url_links(url: str, annotation: bool) -> tuple[str, str | None]:
    from genomepy.providers.url import UrlProvider

    if not url.startswith(("http://", "https://", "ftp://")):
        raise InputError(
            f"--provider url needs a URL, got {url!r}",
            hint="e.g. https://example.org/genomes/mygenome.fa.gz",
        )
    p = UrlProvider()
    link = str(p.get_genome_download_link(url))
    if not annotation:
        return link, None
    found = _quiet(lambda: p.get_annotation_download_links(url)) or []
    if not found:
        raise InputError(
            f"no GTF/GFF3 annotation next to {url}",
            hint="fetch without --annotation, or put the annotation beside it",
        )
    return link, str(found[0])


def _quiet(fn: Callable[[], Any]) -> Any:
    """Call genomepy with its log messages silenced and network errors turned into ours."""
    from loguru import logger

    logger.disable("genomepy")
    try:
        return fn()
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        raise EngineError(
            f"cannot reach the provider: {exc}", hint="check the network connection (or --mirror)"
        ) from exc
    finally:
        logger.enable("genomepy")


def _ucsc_links(name: str, annotation: bool, mirror: str | None) -> tuple[str, str | None]:
    from genomepy.exceptions import GenomeDownloadError
    from genomepy.online import check_url
    from genomepy.providers.ucsc import UcscProvider

    provider = UcscProvider.__new__(UcscProvider)  # the link rules, without the catalogue
    if mirror is not None:
        provider._url = mirror.rstrip("/")
    try:
        link = str(_quiet(lambda: provider.get_genome_download_link(name)))
    except GenomeDownloadError as exc:
        _check_reachable(provider._url)
        raise InputError(
            f"genome {name!r} is not available from UCSC ({provider._url})",
            hint="check the assembly name, e.g. hg38, hg19, mm39",
        ) from exc
    if not annotation:
        return link, None
    base = f"{provider._url}/{name}/bigZips/genes/{name}"
    for table in UCSC_ANNOTATIONS:
        url = f"{base}.{table}.gtf.gz"
        if _quiet(functools.partial(check_url, url, 1)):
            return link, url
    raise InputError(
        f"UCSC has no gene annotation for {name} under {base}.*.gtf.gz",
        hint="fetch without --annotation",
    )


def _check_reachable(base: str) -> None:
    """An :class:`EngineError` when the server at ``base`` cannot be reached at all (so that
    a network failure is not reported as an unknown genome name)."""
    try:
        with urllib.request.urlopen(f"{base}/", timeout=_TIMEOUT_S):
            pass
    except urllib.error.HTTPError:
        return  # the server answered
    except (urllib.error.URLError, OSError) as exc:
        raise EngineError(
            f"cannot reach {base}: {getattr(exc, 'reason', exc)}",
            hint="check the network connection (or --mirror), then run the fetch again",
        ) from exc


def _catalogue_links(name: str, provider: str, annotation: bool) -> tuple[str, str | None]:
    import genomepy.providers as gp
    from genomepy.exceptions import GenomeDownloadError

    p = _quiet(lambda: gp.create(provider))
    try:
        link = str(_quiet(lambda: p.get_genome_download_link(p._check_name(name))))
        ann = str(_quiet(lambda: p.get_annotation_download_link(name))) if annotation else None
    except (GenomeDownloadError, ValueError, KeyError, FileNotFoundError) as exc:
        raise InputError(
            f"genome {name!r} is not available from {provider}",
            hint=f"search the catalogue: genomepy search {name} -p {provider}",
        ) from exc
    return link, ann


# ---- download ------------------------------------------------------------------------------


def _open(url: str) -> Any:
    try:
        return urllib.request.urlopen(url, timeout=_TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: {exc.code} {exc.reason}", hint="check the name or URL") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise EngineError(
            f"cannot download {url}: {exc}",
            hint="check the network connection, then run the fetch again",
        ) from exc


def _download(url: str, dest: Path, progress: ProgressFn | None) -> tuple[int, str, str]:
    """Stream ``url`` into ``dest``; returns (size, sha256, md5). A short or broken transfer
    is a :class:`DataError` (the caller removes the staging folder)."""
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    done = 0
    with _open(url) as resp, open(dest, "wb") as out:
        total = int(resp.headers.get("Content-Length") or 0)
        try:
            while chunk := resp.read(_CHUNK):
                out.write(chunk)
                sha.update(chunk)
                md5.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(f"downloading {dest.name}", done, total, "bytes")
        except (TimeoutError, http.client.HTTPException, OSError) as exc:
            raise DataError(
                f"the download of {url} was interrupted after {done:,} bytes ({exc}); "
                "nothing was kept",
                hint="run the fetch again",
            ) from exc
    if total and done != total:
        raise DataError(
            f"the download of {url} stopped after {done:,} of {total:,} bytes; nothing was kept",
            hint="run the fetch again",
        )
    return done, sha.hexdigest(), md5.hexdigest()


def _published_checksums(url: str) -> tuple[str, dict[str, str]]:
    """The checksum list next to ``url`` (its name and file -> value), or ("", {})."""
    folder = url.rsplit("/", 1)[0]
    for name in _CHECKSUM_FILES:
        try:
            with urllib.request.urlopen(f"{folder}/{name}", timeout=_TIMEOUT_S) as resp:
                text = resp.read(1 << 24).decode("utf-8", "replace")
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            continue
        table = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                table[parts[-1].removeprefix("./").removeprefix("*")] = " ".join(parts[:-1])
        return name, table
    return "", {}


def bsd_sum(path: Path) -> str:
    """The BSD ``sum`` of a file (16-bit rotating checksum, then the size in 1 KiB blocks), as
    Ensembl's ``CHECKSUMS`` lists it and GNU coreutils ``sum`` prints it: ``"03762 1"``.
    The system's ``sum`` is used when present (the Python loop takes about a minute per GB)."""
    exe = shutil.which("sum")
    if exe is not None:
        done = subprocess.run([exe, "-r", str(path)], capture_output=True, text=True, check=False)
        fields = done.stdout.split()
        if done.returncode == 0 and len(fields) >= 2:
            return f"{int(fields[0]):05d} {int(fields[1])}"
    checksum = 0
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            for byte in chunk:
                checksum = ((checksum >> 1) + ((checksum & 1) << 15) + byte) & 0xFFFF
    return f"{checksum:05d} {(size + 1023) // 1024}"


def _check(path: Path, url: str, md5: str) -> str:
    """Compare ``path`` with the provider's published checksum; returns what was checked."""
    listing, table = _published_checksums(url)
    published = table.get(url.rsplit("/", 1)[1])
    if not listing or published is None:
        return ""
    if listing == "CHECKSUMS":
        got, kind = bsd_sum(path), "BSD sum"
        ok = [int(x) for x in got.split()] == [int(x) for x in published.split()[:2]]
    else:
        got, kind = md5, "md5"
        ok = published.split()[0].lower() == md5
    if not ok:
        raise DataError(
            f"{path.name} does not match the provider's {listing} ({kind} {got}, published "
            f"{published}); nothing was kept",
            hint="run the fetch again; if it fails again the provider's copy may be changing",
        )
    return f"{listing} ({kind})"


# ---- placing -------------------------------------------------------------------------------


def fetch_genome(
    assembly: str,
    *,
    provider: str = "ucsc",
    annotation: bool = False,
    index: bool = False,
    name: str | None = None,
    mirror: str | None = None,
    nucleases: tuple[str, ...] = ("SpCas9",),
    home: str | os.PathLike[str] | None = None,
    progress: ProgressFn | None = None,
) -> FetchResult:
    """Download ``assembly`` from ``provider`` into the genome store as ``name`` (default:
    the assembly name, or the file name for a URL), check it, index its annotation, and with
    ``index=True`` build its off-target index. A genome already fetched with the same links
    and whose files still match their recorded SHA-256 is reused, not downloaded again."""
    genome_url, annotation_url = resolve_links(
        assembly, provider, annotation=annotation, mirror=mirror
    )
    local = check_name(name or _local_name(assembly, genome_url, provider))
    store = GenomeStore.at(home)
    with store.building(local):
        result = _reuse(store, local, genome_url, annotation_url)
        if result is None:
            result = _fetch(store, local, assembly, provider, genome_url, annotation_url, progress)
    if index:
        from vivo.workflows.genome_index import build_genome_index

        info = build_genome_index(
            local, result.genome, nucleases=nucleases, home=home, progress=progress
        )
        result = FetchResult(
            result.name,
            result.provider,
            result.assembly,
            result.folder,
            result.downloads,
            result.annotation_genes,
            result.reused,
            info,
        )
    return result


def _local_name(assembly: str, url: str, provider: str) -> str:
    if provider != "url":
        return assembly
    base = url.rsplit("/", 1)[1]
    for suffix in (".gz", ".fa", ".fasta", ".fna", ".2bit", ".tar"):
        base = base.removesuffix(suffix)
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in base) or "genome"


def _fetch(
    store: GenomeStore,
    name: str,
    assembly: str,
    provider: str,
    genome_url: str,
    annotation_url: str | None,
    progress: ProgressFn | None,
) -> FetchResult:
    staged = store.stage(store.root, f"{name}.fetched")
    try:
        downloads = [_get(staged, "genome", genome_url, progress)]
        if annotation_url is not None:
            downloads.append(_get(staged, "annotation", annotation_url, progress))
        genes = _index_annotation(staged, downloads, progress)
        result = FetchResult(
            name, provider, assembly, _folder(store, name), tuple(downloads), genes
        )
        write_text_atomic(
            staged / "fetch.json",
            json.dumps(
                {
                    **result.to_dict(),
                    "folder": None,
                    "vivo_version": __version__,
                    "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                },
                indent=2,
            ),
        )
        GenomeStore.swap(staged, _folder(store, name))
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return result


def _get(
    staged: Path, role: Literal["genome", "annotation"], url: str, progress: ProgressFn | None
) -> Download:
    file = url.rsplit("/", 1)[1].split("?")[0] or role
    path = staged / file
    size, sha, md5 = _download(url, path, progress)
    checked = _check(path, url, md5)
    if role == "genome" and file.endswith((".tar.gz", ".tgz")):
        file = _untar_fasta(path)
        size = (staged / file).stat().st_size
        sha = _sha256(staged / file)
    return Download(role, url, file, size, sha, checked)


def _untar_fasta(path: Path) -> str:
    """UCSC's ``chromFa.tar.gz`` (one FASTA per chromosome) as one bgzip FASTA."""
    from Bio import bgzf

    out = path.with_name(path.name.removesuffix(".tar.gz").removesuffix(".tgz") + ".fa.gz")
    try:
        with tarfile.open(path, "r|gz") as tar, bgzf.BgzfWriter(str(out), "wb") as w:  # type: ignore[no-untyped-call]
            for member in tar:
                fh = tar.extractfile(member) if member.isfile() else None
                if fh is not None and member.name.endswith((".fa", ".fasta")):
                    while chunk := fh.read(_CHUNK):
                        w.write(chunk)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise DataError(f"{path.name} is not a readable tar of FASTA files: {exc}") from exc
    path.unlink()
    return out.name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _index_annotation(
    staged: Path, downloads: list[Download], progress: ProgressFn | None
) -> int | None:
    from vivo.io.annotation_index import IndexedAnnotation, index_annotation

    files = [d.file for d in downloads if d.role == "annotation"]
    if not files:
        return None

    def report(rows: int) -> None:
        if progress is not None:
            progress("indexing the annotation", rows, 0, "rows")

    index_annotation(staged / files[0], staged / "annotation.sqlite", progress=report)
    ann = IndexedAnnotation(staged / "annotation.sqlite")
    try:
        return len(ann)
    finally:
        ann.close()


def _reuse(
    store: GenomeStore, name: str, genome_url: str, annotation_url: str | None
) -> FetchResult | None:
    """The genome fetched before from the same links, if its files are intact."""
    found = fetched_genome(name, home=store.root)
    if found is None:
        return None
    urls = {d.role: d.url for d in found.downloads}
    if urls.get("genome") != genome_url or urls.get("annotation") != annotation_url:
        return None
    for d in found.downloads:
        path = found.folder / d.file
        if not path.is_file() or path.stat().st_size != d.size or _sha256(path) != d.sha256:
            return None
    return FetchResult(
        found.name,
        found.provider,
        found.assembly,
        found.folder,
        found.downloads,
        found.annotation_genes,
        reused=True,
    )


def fetched_genome(name: str, *, home: str | os.PathLike[str] | None = None) -> FetchResult | None:
    """The genome ``name`` fetched into the store, or ``None`` if there is none."""
    try:
        folder = _folder(GenomeStore.at(home), name)
    except InputError:
        return None
    meta_path = folder / "fetch.json"
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        downloads = tuple(Download(**d) for d in meta["downloads"])
        return FetchResult(
            meta["name"],
            meta["provider"],
            meta["assembly"],
            folder,
            downloads,
            meta.get("annotation_genes"),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"{meta_path} is damaged: {exc}",
            hint=f"fetch the genome again (it is replaced): vivo genome fetch {name}",
        ) from exc


def list_fetched(home: str | os.PathLike[str] | None = None) -> list[FetchResult]:
    """Every genome fetched into the store at ``home``, by name (damaged records skipped)."""
    root = GenomeStore.at(home).root
    out = []
    for meta in sorted(root.glob("*.fetched/fetch.json")) if root.is_dir() else ():
        with contextlib.suppress(DataError):
            found = fetched_genome(meta.parent.name.removesuffix(".fetched"), home=root)
            if found is not None:
                out.append(found)
    return out
