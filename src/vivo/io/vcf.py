"""VCF files (Variant Call Format 4.x): sniff, read one sample's calls in a region, write.

Reading uses pysam (htslib): plain, gzip and bgzip VCF; with a tabix (``.tbi``) or CSI index
next to a bgzipped file only the requested region is read. Nothing is ever written next to the
input (no index is built). Every record read is checked here as well as by htslib: a record
htslib cannot parse, or whose REF/ALT/GT is malformed, is a :class:`FormatError` naming the
file and the line (found by a plain scan of the file when htslib reads through an index).

Genotypes are kept as written: allele indices (``None`` for a missing ``.``), whether the call
is phased (``|``) and the phase set (``PS``) when there is one. Normalisation (left-aligning,
splitting multi-allelic records) is done against the reference in :mod:`vivo.variants.calls`.

>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as d:
...     p = os.path.join(d, "p.vcf")
...     rec = VcfRecord("chr11", 5227002, "T", ("A",), genotype=(0, 1), phased=True)
...     _ = write_vcf(p, [rec], samples=("P1",), contigs=(("chr11", 135086622),))
...     header, calls = read_vcf(p, sample="P1", region=("chr11", 5227000, 5227010))
...     header.samples, calls[0].pos, calls[0].genotype, calls[0].phased, calls[0].line
(('P1',), 5227002, (0, 1), True, 5)
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vivo.core.errors import FormatError, InputError
from vivo.io.atomic import write_text_atomic
from vivo.io.sniff import open_binary, require_file, sniff

__all__ = [
    "VcfHeader",
    "VcfRecord",
    "choose_sample",
    "read_vcf",
    "read_vcf_header",
    "sniff_vcf",
    "write_vcf",
]

_BASES = re.compile(r"^[ACGTNacgtn]+$")
_ALT = re.compile(r"^(?:[ACGTNacgtn]+|\*|<[^>]+>|.*[\[\]].*|\.)$")
_GT = re.compile(r"^(?:\.|\d+)(?:[/|](?:\.|\d+))*$")


@dataclass(frozen=True, slots=True)
class VcfHeader:
    """What the header says: samples, contigs (with lengths when given), reference line."""

    path: str
    samples: tuple[str, ...]
    contigs: tuple[tuple[str, int | None], ...]
    reference: str | None
    indexed: bool

    def contig_names(self) -> tuple[str, ...]:
        """Contig names declared in the header (``##contig`` lines)."""
        return tuple(name for name, _ in self.contigs)

    def contig_length(self, name: str) -> int | None:
        """The declared length of ``name`` (``None`` when absent or not given)."""
        return dict(self.contigs).get(name)


@dataclass(frozen=True, slots=True)
class VcfRecord:
    """One VCF record with one sample's genotype (positions 1-based, as in the file)."""

    contig: str
    pos: int
    ref: str
    alts: tuple[str, ...]
    id: str | None = None
    genotype: tuple[int | None, ...] = ()
    phased: bool = False
    phase_set: int | None = None
    filters: tuple[str, ...] = ()
    line: int | None = None

    @property
    def where(self) -> str:
        """``contig:pos`` with the line number when known."""
        at = f"{self.contig}:{self.pos}"
        return f"{at} (line {self.line})" if self.line is not None else at


def _pysam() -> Any:
    import pysam  # imported here: htslib costs time at `import vivo`

    pysam.set_verbosity(0)  # htslib warnings would bypass vivo's one-line errors
    return pysam


def sniff_vcf(path: str | os.PathLike[str]) -> bool:
    """True if the file (plain, gzip or bgzip) starts with a ``##fileformat=VCF`` line
    (:func:`vivo.io.sniff.sniff`, the one place formats are told)."""
    try:
        return sniff(path).format == "vcf"
    except (FormatError, InputError):
        return False


def _index_of(path: Path) -> Path | None:
    for suffix in (".tbi", ".csi"):
        idx = Path(str(path) + suffix)
        if idx.is_file():
            return idx
    return None


def _why_not_vcf(path: Path) -> str:
    """A likely reason a VCF-looking file is refused (a byte-order mark, gzip twice)."""
    try:
        with open_binary(path) as fh:
            head = fh.read(8)
    except (OSError, EOFError, ValueError):
        return ""
    if head.startswith(b"\xef\xbb\xbf##"):
        return ": it starts with a UTF-8 byte-order mark (save it without a BOM)"
    if head.startswith(b"\x1f\x8b"):
        return ": it is compressed twice (gunzip it once)"
    return ""


@contextlib.contextmanager
def _open(path: str | os.PathLike[str]) -> Iterator[tuple[Path, Any]]:
    """The checked path and an open pysam ``VariantFile``.

    htslib cannot read plain (non-BGZF) gzip; such a file is decompressed into a temporary
    folder for the read (never next to the input) and the copy removed afterwards.
    """
    p = require_file(path, "VCF file")
    if not sniff_vcf(p):
        raise FormatError(
            "not a VCF file (the first line is not ##fileformat=VCF…)" + _why_not_vcf(p),
            path=str(path),
            line=1,
            hint="pass a VCF 4.x file, plain or bgzip-compressed",
        )
    with contextlib.ExitStack() as stack:
        source = p
        if sniff(p).compression == "gzip":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="vivo-vcf-")))
            source = folder / "plain.vcf"
            with open_binary(p) as src, open(source, "wb") as dst:
                shutil.copyfileobj(src, dst)
        try:
            vf = _pysam().VariantFile(str(source))
        except (OSError, ValueError) as exc:
            raise FormatError(f"cannot read the VCF header ({exc})", path=str(path)) from exc
        with vf:
            yield p, vf


def _header(path: Path, vf: Any) -> VcfHeader:
    contigs = tuple((name, c.length) for name, c in vf.header.contigs.items())
    reference = None
    for rec in vf.header.records:
        if rec.key == "reference":
            reference = str(rec.value)
    return VcfHeader(
        path=str(path),
        samples=tuple(vf.header.samples),
        contigs=contigs,
        reference=reference,
        indexed=_index_of(path) is not None,
    )


def read_vcf_header(path: str | os.PathLike[str]) -> VcfHeader:
    """The header of a VCF: samples, contigs and ``##reference``."""
    with _open(path) as (p, vf):
        return _header(p, vf)


def choose_sample(header: VcfHeader, sample: str | None) -> str:
    """The sample to read: ``sample`` if given (and present), else the only one."""
    shown = ", ".join(header.samples[:10]) + (", …" if len(header.samples) > 10 else "")
    if not header.samples:
        raise InputError(
            f"{header.path} has no sample columns (a sites-only VCF has no genotypes)",
            hint="pass the patient's VCF with its FORMAT/GT and sample column",
        )
    if sample is None:
        if len(header.samples) > 1:
            raise InputError(
                f"{header.path} has {len(header.samples)} samples ({shown})",
                hint="choose one with --sample NAME",
            )
        return header.samples[0]
    if sample not in header.samples:
        raise InputError(
            f"no sample {sample!r} in {header.path}", hint=f"samples in the file: {shown}"
        )
    return sample


def _header_lines(path: Path) -> int:
    n = 0
    with open_binary(path) as fh:
        for raw in fh:
            if not raw.startswith(b"#"):
                break
            n += 1
    return n


_MAX_POS = 2**31 - 1  # VCF 4.3 section 1.6.2: POS is a 32-bit signed integer


def _check_fields(chrom: str, pos: str, ref: str, alts: list[str], gt: str | None) -> str | None:
    """Why a record's fields are malformed (``None`` if they are fine)."""
    if not chrom or any(c.isspace() for c in chrom):
        return f"bad CHROM {chrom!r}"
    if not pos.isdigit():
        return f"POS must be a whole number, got {pos[:20]!r}"
    if int(pos) > _MAX_POS:
        return f"POS {pos[:20]} is beyond the largest position a VCF can hold ({_MAX_POS:,})"
    if not _BASES.match(ref):
        return f"REF must be bases A, C, G, T or N, got {ref[:20]!r}"
    for alt in alts:
        if not _ALT.match(alt):
            return f"bad ALT allele {alt[:20]!r}"
    if gt is not None and not _GT.match(gt):
        return f"bad genotype {gt[:20]!r} (write e.g. 0/1, 1|0 or 1)"
    if gt is not None and any(int(a) > len(alts) for a in re.findall(r"\d+", gt)):
        return f"genotype {gt} names an allele beyond the {len(alts)} ALT allele(s)"
    return None


def _scan_text_line(fields: list[str], sample_col: int | None) -> str | None:
    if len(fields) < 8:
        return f"a record needs at least 8 tab-separated columns, found {len(fields)}"
    gt = None
    if sample_col is not None:
        if len(fields) <= sample_col:
            return f"the record has no column for the sample (found {len(fields)} columns)"
        keys = fields[8].split(":")
        values = fields[sample_col].split(":")
        if "GT" in keys and keys.index("GT") < len(values):
            gt = values[keys.index("GT")]
    alts = [] if fields[4] == "." else fields[4].split(",")
    return _check_fields(fields[0], fields[1], fields[3], alts, gt)


def locate_malformed(
    path: str | os.PathLike[str], sample_index: int | None = None
) -> tuple[int, str] | None:
    """The first malformed record line of a VCF (1-based line, reason), by a plain text scan."""
    col = None if sample_index is None else 9 + sample_index
    with open_binary(path) as fh:
        for n, raw in enumerate(fh, start=1):
            if raw.startswith(b"#"):
                continue
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                return n, "the line is not UTF-8 text"
            if not text.strip():
                continue
            why = _scan_text_line(text.split("\t"), col)
            if why is not None:
                return n, why
    return None


def _genotype(rec: Any, sample: str) -> tuple[tuple[int | None, ...], bool, int | None]:
    call = rec.samples[sample]
    try:
        gt = tuple(call.allele_indices) if "GT" in rec.format else ()
    except (KeyError, ValueError):
        gt = ()
    ps, phased = None, bool(call.phased)
    if "PS" in rec.format:
        # PS is an integer (VCF 4.3, 1.6.2); a header may declare it String: read the digits.
        # A value that is not a number cannot say which phase set the call is in, so the call
        # counts as unphased rather than as one set with every other unreadable PS
        value = call.get("PS")
        if isinstance(value, int):
            ps = value
        elif isinstance(value, str) and value.strip().isdigit():
            ps = int(value.strip())
        elif value not in (None, "."):
            phased = False
    return gt, phased, ps


def _to_record(rec: Any, sample: str, column: int, line: int | None, path: Path) -> VcfRecord:
    alts = tuple(rec.alts or ())
    gt, phased, ps = _genotype(rec, sample)
    # the record as htslib holds it (an allele index beyond the ALTs would read as missing)
    why = _scan_text_line(str(rec).rstrip("\n").split("\t"), column)
    if why is not None:
        raise FormatError(why, path=str(path), line=line)
    return VcfRecord(
        contig=rec.chrom,
        pos=int(rec.pos),
        ref=rec.ref.upper(),
        alts=tuple(a.upper() if _BASES.match(a) else a for a in alts),
        id=rec.id,
        genotype=gt,
        phased=phased,
        phase_set=ps,
        filters=tuple(rec.filter.keys()),
        line=line,
    )


def _iterate(vf: Any, region: tuple[str, int, int] | None, indexed: bool) -> Iterator[Any]:
    if region is not None and indexed:
        contig, start, end = region
        if vf.index is None:  # an index file is there but htslib could not load it
            raise InputError(
                f"{vf.filename.decode() if isinstance(vf.filename, bytes) else vf.filename}: "
                "the .tbi/.csi index next to the VCF cannot be read (damaged, empty or not an "
                "index of this file), so the region cannot be looked up",
                hint="delete the index or rebuild it (tabix -p vcf FILE.vcf.gz)",
            )
        if contig not in vf.index:  # the contig has no records in the index
            return
        yield from vf.fetch(contig, start, end)
        return
    for rec in vf:
        if region is None or (
            rec.chrom == region[0] and rec.start < region[2] and rec.stop > region[1]
        ):
            yield rec


def read_vcf(
    path: str | os.PathLike[str],
    *,
    sample: str | None = None,
    region: tuple[str, int, int] | None = None,
) -> tuple[VcfHeader, tuple[VcfRecord, ...]]:
    """The header and one sample's records (all, or those overlapping ``region``).

    ``region`` is ``(contig, start, end)``, 0-based half-open. With a ``.tbi``/``.csi`` index
    only the region is read; otherwise the file is streamed. ``sample`` defaults to the only
    sample; an absent, unknown or ambiguous sample is an :class:`InputError` listing them.
    """
    with _open(path) as (p, vf):
        header = _header(p, vf)
        chosen = choose_sample(header, sample)
        streaming = region is None or not header.indexed
        first = _header_lines(p) if streaming else 0
        column = 9 + header.samples.index(chosen)
        out: list[VcfRecord] = []
        n = 0
        try:
            for rec in _iterate(vf, region, header.indexed):
                n += 1
                line = first + n if streaming else None
                out.append(_to_record(rec, chosen, column, line, p))
        except InputError:
            raise
        except (OSError, ValueError) as exc:
            if isinstance(exc, FormatError) and exc.line is not None:
                raise
            raise _malformed(p, header, chosen, exc) from exc
    return header, tuple(out)


def _malformed(path: Path, header: VcfHeader, sample: str, exc: Exception) -> FormatError:
    found = locate_malformed(path, header.samples.index(sample))
    if found is not None:
        return FormatError(f"malformed record: {found[1]}", path=str(path), line=found[0])
    return FormatError(f"malformed record ({exc})", path=str(path))


def write_vcf(
    path: str | os.PathLike[str],
    records: Iterable[VcfRecord],
    *,
    samples: tuple[str, ...] = (),
    contigs: tuple[tuple[str, int | None], ...] = (),
    reference: str | None = None,
    bgzip: bool = False,
) -> Path:
    """Write a VCF 4.2 file (one genotype column per sample, all given the record's genotype).

    ``bgzip=True`` compresses ``path`` with BGZF and writes a tabix index (``path.tbi``); the
    plain text is written atomically first.
    """
    lines = ["##fileformat=VCFv4.2"]
    if reference:
        lines.append(f"##reference={reference}")
    for name, length in contigs:
        lines.append(f"##contig=<ID={name}" + (f",length={length}>" if length else ">"))
    lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    cols = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    lines.append("\t".join(cols + (["FORMAT", *samples] if samples else [])))
    for r in records:
        sep = "|" if r.phased else "/"
        gt = sep.join("." if a is None else str(a) for a in r.genotype) or "."
        row = [r.contig, str(r.pos), r.id or ".", r.ref, ",".join(r.alts) or ".", ".", "PASS", "."]
        lines.append("\t".join(row + (["GT", *([gt] * len(samples))] if samples else [])))
    text = "\n".join(lines) + "\n"
    if not bgzip:
        return write_text_atomic(path, text)
    plain = Path(str(path) + ".tmp.vcf")
    write_text_atomic(plain, text)
    try:
        ps = _pysam()
        ps.tabix_compress(str(plain), str(path), force=True)
        ps.tabix_index(str(path), preset="vcf", force=True)
    finally:
        plain.unlink(missing_ok=True)
    return Path(path)
