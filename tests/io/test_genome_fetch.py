"""`vivo genome fetch` against a local HTTP server in the providers' layouts (never the real
providers): UCSC's goldenPath/<name>/bigZips through genomepy's link rules, and genomepy's
URL provider finding the annotation next to the genome."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vivo.core.errors import DataError, InputError
from vivo.io.gtf import write_gtf

pytest.importorskip("genomepy", reason="genomepy (the vivo[fetch] extra) is not installed")

from vivo.workflows import genome_fetch as gf
from vivo.workflows.genome_fetch import bsd_sum, fetch_genome, fetched_genome
from vivo.workflows.genomes import resolve_genome

GENOME = ">chrT\n" + "ACGTTGCAAGGCTTAACCGGTTAAGGCCAATTGGCCAATGCATGCAAATTTGGGCCC" * 20 + "\n"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the layout; a path containing 'cut' is sent half, then the connection drops."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if "cut" in self.path and self.path.endswith(".gz"):
            data = Path(self.translate_path(self.path)).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    handler = lambda *a, **k: _Handler(*a, directory=str(root), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def _ucsc_layout(root: Path, name: str, *, md5_ok: bool = True) -> None:
    """goldenPath/<name>/bigZips/<name>.fa.gz + md5sum.txt + genes/<name>.ncbiRefSeq.gtf.gz"""
    from vivo.io.gtf import read_annotation

    big = root / "goldenPath" / name / "bigZips"
    (big / "genes").mkdir(parents=True)
    fa = gzip.compress(GENOME.encode(), mtime=0)
    (big / f"{name}.fa.gz").write_bytes(fa)
    md5 = hashlib.md5(fa).hexdigest() if md5_ok else "0" * 32
    (big / "md5sum.txt").write_text(f"{md5}  {name}.fa.gz\n")
    toy = Path(__file__).parents[1] / "data" / "annotation" / "toy.gtf"
    genes = [g for g in read_annotation(toy)]
    gtf = big / "genes" / "tmp.gtf"
    write_gtf(genes, gtf)
    text = gtf.read_text().replace("TOY1\t", "chrT\t")
    (big / "genes" / f"{name}.ncbiRefSeq.gtf.gz").write_bytes(gzip.compress(text.encode()))
    gtf.unlink()


def test_ucsc_layout_fetch_with_annotation(server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = server
    _ucsc_layout(root, "toy1")
    home = tmp_path / "store"
    seen: list[tuple[str, int, int, str]] = []
    res = fetch_genome("toy1", annotation=True, mirror=f"{base}/goldenPath", home=home,
                       progress=lambda *a: seen.append(a))  # fmt: skip
    assert res.folder == home / "toy1.fetched"
    assert res.genome.read_bytes() == (root / "goldenPath/toy1/bigZips/toy1.fa.gz").read_bytes()
    genome_dl, ann_dl = res.downloads
    assert genome_dl.checked == "md5sum.txt (md5)"
    assert genome_dl.sha256 == hashlib.sha256(res.genome.read_bytes()).hexdigest()
    assert ann_dl.url.endswith("/toy1/bigZips/genes/toy1.ncbiRefSeq.gtf.gz")
    assert ann_dl.checked == ""  # no checksum list in genes/
    assert res.annotation_genes == 1
    assert any(s[0] == "downloading toy1.fa.gz" and s[1] == s[2] for s in seen)
    assert not [p for p in home.iterdir() if ".building" in p.name]
    # opened by name, with its annotation index
    ag = resolve_genome("toy1", home=home)
    assert ag.gene("TOY").canonical.exons[0].start == 30
    # the fetched annotation file given by path uses the store's index, not a new one
    from vivo.io.annotation_index import IndexedAnnotation, open_annotation

    assert res.annotation is not None
    ann = open_annotation(res.annotation)
    assert isinstance(ann, IndexedAnnotation) and ann.path == res.annotation_index
    assert fetched_genome("toy1", home=home) == res
    # a second fetch checks the files against their SHA-256 and downloads nothing
    again = fetch_genome("toy1", annotation=True, mirror=f"{base}/goldenPath", home=home)
    assert again.reused
    res.genome.write_bytes(b"damaged")
    assert not fetch_genome("toy1", annotation=True, mirror=f"{base}/goldenPath",
                            home=home).reused  # fmt: skip


def test_unknown_name_is_one_line_error(server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = server
    _ucsc_layout(root, "toy1")
    with pytest.raises(InputError, match="genome 'hg99' is not available from UCSC") as info:
        fetch_genome("hg99", mirror=f"{base}/goldenPath", home=tmp_path / "s")
    assert "\n" not in str(info.value)


def test_checksum_mismatch_keeps_nothing(server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = server
    _ucsc_layout(root, "toy1", md5_ok=False)
    home = tmp_path / "store"
    with pytest.raises(DataError, match=r"does not match the provider's md5sum.txt"):
        fetch_genome("toy1", mirror=f"{base}/goldenPath", home=home)
    assert not home.exists() or not list(home.iterdir())


def test_interrupted_download_keeps_nothing(server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = server
    (root / "cut").mkdir()
    (root / "cut" / "toy.fa.gz").write_bytes(gzip.compress(GENOME.encode()))
    home = tmp_path / "store"
    with pytest.raises(DataError, match="nothing was kept"):
        fetch_genome(f"{base}/cut/toy.fa.gz", provider="url", home=home)
    assert not home.exists() or not list(home.iterdir())


def test_url_provider_finds_annotation(server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = server
    _ucsc_layout(root, "toy1")
    folder = root / "goldenPath" / "toy1" / "bigZips"
    (folder / "toy1.gtf.gz").write_bytes((folder / "genes" / "toy1.ncbiRefSeq.gtf.gz").read_bytes())
    res = fetch_genome(f"{base}/goldenPath/toy1/bigZips/toy1.fa.gz", provider="url",
                       annotation=True, name="mytoy", home=tmp_path / "s")  # fmt: skip
    assert res.name == "mytoy"
    assert res.downloads[0].checked == "md5sum.txt (md5)"
    assert res.downloads[1].file == "toy1.gtf.gz"


def test_ucsc_chromfa_tar_becomes_one_bgzip_fasta(server: tuple[str, Path], tmp_path: Path) -> None:
    import io
    import tarfile

    base, root = server
    big = root / "goldenPath" / "toy2" / "bigZips"
    big.mkdir(parents=True)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in ("chr1", "chr2"):
            data = f">{name}\nACGTACGTAAACCCGGGTTT\n".encode()
            info = tarfile.TarInfo(f"{name}.fa")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (big / "chromFa.tar.gz").write_bytes(buf.getvalue())
    res = fetch_genome("toy2", mirror=f"{base}/goldenPath", home=tmp_path / "s")
    assert res.genome.name == "chromFa.fa.gz"
    ag = resolve_genome(str(res.genome))
    assert ag.genome.contig_names() == ["chr1", "chr2"]


def test_bsd_sum_matches_coreutils(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GNU coreutils 9.1 `sum -r` prints '03762     1' for 'hello world\\n'; the Python
    fallback gives the same."""
    p = tmp_path / "h.txt"
    p.write_bytes(b"hello world\n" * 200)
    p2 = tmp_path / "h2.txt"
    p2.write_bytes(b"hello world\n")
    with_tool = bsd_sum(p)
    monkeypatch.setattr(gf.shutil, "which", lambda name: None)
    assert bsd_sum(p) == with_tool
    assert bsd_sum(p2) == "03762 1"


def test_cli_fetch_and_errors(
    server: tuple[str, Path],
    tmp_path: Path,
    cli: Callable[[list[str]], int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, root = server
    _ucsc_layout(root, "toy1")
    home = str(tmp_path / "store")
    mirror = f"{base}/goldenPath"
    assert cli(["genome", "fetch", "toy1", "--mirror", mirror, "--home", home, "--json"]) == 0
    assert '"checked": "md5sum.txt (md5)"' in capsys.readouterr().out
    assert cli(["genome", "list", "--home", home, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [f["name"] for f in listed["fetched"]] == ["toy1"] and listed["genomes"] == []
    assert cli(["genome", "fetch", "nope1", "--mirror", mirror, "--home", home]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("vivo: error: genome 'nope1' is not available from UCSC")
    assert len(err.splitlines()) == 1
    monkeypatch.setitem(sys.modules, "genomepy", None)  # the extra is not installed
    assert cli(["genome", "fetch", "toy1", "--mirror", mirror, "--home", home]) == 2
    err = capsys.readouterr().err.strip()
    assert "needs genomepy" in err and "pip install 'vivo[fetch]'" in err
    assert len(err.splitlines()) == 1


def test_commands_take_a_fetched_genome_by_name(
    server: tuple[str, Path],
    tmp_path: Path,
    cli: Callable[[list[str]], int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--genome NAME` opens a fetched genome with its annotation (no file paths needed)."""
    base, root = server
    _ucsc_layout(root, "toy1")
    monkeypatch.setenv("VIVO_HOME", str(tmp_path / "home"))
    assert cli(["genome", "fetch", "toy1", "--annotation", "--mirror", f"{base}/goldenPath"]) == 0
    capsys.readouterr()
    assert cli(["locus", "TOY", "--genome", "toy1", "--json"]) == 0
    assert '"TOY"' in capsys.readouterr().out
    assert cli(["locus", "TOY", "--genome", "toy2"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no such file or fetched genome: toy2" in err and "fetched here: toy1" in err


def test_mirror_only_for_ucsc_and_url(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--mirror works with --provider ucsc or url"):
        gf.resolve_links("GRCh38", "ensembl", annotation=False, mirror="http://127.0.0.1:1/x")
    with pytest.raises(InputError, match="unknown provider"):
        gf.resolve_links("GRCh38", "nowhere", annotation=False)


def test_index_option_builds_the_offtarget_index_of_the_fetched_file(
    server: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--index hands the fetched genome file to the store's index build under the same name
    and store (the build itself is tested with the genome store; a real build of this toy
    genome took 56 s here, mostly numba compilation)."""
    import vivo.workflows.genome_index as gi

    base, root = server
    _ucsc_layout(root, "toy1")
    calls: list[tuple[str, Path, tuple[str, ...], object]] = []

    def fake_build(name: str, source: Path, *, nucleases: tuple[str, ...], home: object,
                   progress: object) -> str:  # fmt: skip
        calls.append((name, Path(source), nucleases, home))
        return "built"

    monkeypatch.setattr(gi, "build_genome_index", fake_build)
    home = tmp_path / "store"
    res = fetch_genome("toy1", index=True, nucleases=("SaCas9",), mirror=f"{base}/goldenPath",
                       home=home)  # fmt: skip
    assert calls == [("toy1", home / "toy1.fetched" / "toy1.fa.gz", ("SaCas9",), home)]
    assert res.index == "built"


def test_unreachable_server_is_not_an_unknown_name(tmp_path: Path) -> None:
    import socket

    from vivo.core.errors import EngineError

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(EngineError, match="cannot reach http://127.0.0.1"):
        fetch_genome("hg38", mirror=f"http://127.0.0.1:{port}/goldenPath", home=tmp_path / "s")
