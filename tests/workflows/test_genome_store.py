"""The genome store keeps what it has: PAM sets coexist, rebuilds replace only themselves,
stale staging folders go, concurrent builds are refused, failures leave nothing, and a damaged
index names its file with a repair command that works."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from vivo.core.errors import DataError, FormatError, InputError
from vivo.io.fasta import write_fasta
from vivo.io.genome_store import GenomeStore
from vivo.workflows import genome_index as gi

G = "GACGCATAAAGATGAGACGC"
NGG = "3prime-NGG"
NAG = "3prime-NAG"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    body = "".join(rng.choice(list("ACGT"), 2000))
    path = tmp_path / "src" / "toy.fa"
    write_fasta([("chrA", body[:900] + G + "TGG" + body[900:]), ("chrB", body[:300])], path)
    return path


def _inode(path: Path) -> int:
    return path.stat().st_ino


def test_pam_sets_coexist_and_rebuild_replaces_only_itself(tmp_path: Path, source: Path) -> None:
    home = tmp_path / "home"
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    first = home / "toy" / "sites" / NGG / "win.npy"
    ino = _inode(first)
    info = gi.build_genome_index("toy", source, home=home, pams=("NAG",))
    assert info.pam_sets == (NAG, NGG)
    assert _inode(first) == ino  # the first PAM set was not touched
    assert gi.open_index("toy", home=home, pams=("NGG",)).n_sites > 0
    nag = _inode(home / "toy" / "sites" / NAG / "win.npy")
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))  # rebuild one set
    assert _inode(home / "toy" / "sites" / NAG / "win.npy") == nag
    assert _inode(first) != ino
    assert json.loads((home / "toy" / "meta.json").read_text())["pam_sets"] == [NAG, NGG]
    assert not [p for p in home.rglob(".*") if p.name != "meta.json"]  # no staging, no lock


def test_changed_source_rebuilds_every_set(tmp_path: Path, source: Path) -> None:
    home = tmp_path / "home"
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    gi.build_genome_index("toy", source, home=home, pams=("NAG",))
    write_fasta([("chrZ", "ACGT" * 300 + G + "AGG")], source)
    info = gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    assert info.pam_sets == (NAG, NGG)
    for pams in (("NGG",), ("NAG",)):
        assert gi.open_index("toy", home=home, pams=pams).genome.names == ("chrZ",)


def test_stale_staging_folders_are_removed(tmp_path: Path, source: Path) -> None:
    home = tmp_path / "home"
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    dead = home / ".toy.pid999999999.abc.building"
    legacy = home / ".toy.k2j3h4.building"  # written by an older vivo (no pid)
    dead_set = home / "toy" / "sites" / f".{NAG}.pid999999999.xyz.building"
    alive = home / f".other.pid{os.getpid()}.q.building"  # a live process: kept
    for folder in (dead, legacy, dead_set, alive):
        folder.mkdir(parents=True)
        (folder / "junk.npy").write_bytes(b"x" * 100)
    gi.build_genome_index("toy", source, home=home, pams=("NAG",))
    assert not dead.exists() and not legacy.exists() and not dead_set.exists()
    assert alive.exists()


def test_concurrent_build_is_refused(tmp_path: Path, source: Path) -> None:
    store = GenomeStore.at(tmp_path / "home")
    with store.building("toy"), pytest.raises(InputError, match="being built by another"):
        gi.build_genome_index("toy", source, home=store.root)
    gi.build_genome_index("toy", source, home=store.root, pams=("NGG",))  # lock released


def test_failing_add_leaves_nothing(tmp_path: Path, source: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "new" / "home"
    junk = tmp_path / "junk.fa"
    junk.write_bytes(b"\x00\x01" * 50)
    with pytest.raises(FormatError, match="junk.fa"):
        gi.build_genome_index("toy", junk, home=home)
    assert not (tmp_path / "new").exists()

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(gi, "_write_sites", boom)
    with pytest.raises(RuntimeError):
        gi.build_genome_index("toy", source, home=home)
    assert not (tmp_path / "new").exists()
    with pytest.raises(InputError, match="not a folder|is a file"):
        gi.build_genome_index("toy", source, home=junk / "sub")


def _repair(exc: pytest.ExceptionInfo, home: Path) -> None:  # type: ignore[type-arg]
    """Run the command of the error's hint (vivo genome add ...) through the workflow."""
    hint = exc.value.hint or ""
    args = hint.split("vivo genome add ", 1)[1].split(" (")[0].split()
    name, src, rest = args[0], args[1], args[2:]
    nucs = tuple(rest[i + 1] for i, a in enumerate(rest) if a == "--nuclease") or ("SpCas9",)
    pams = tuple(rest[i + 1] for i, a in enumerate(rest) if a == "--pam")
    gi.build_genome_index(name, src, home=home, nucleases=nucs, pams=pams)


@pytest.mark.parametrize(
    ("damage", "names"),
    [
        ("truncate_sites", "win.npy"),
        ("truncate_genome", "packed.npy"),
        ("missing_array", "drow.npy"),
        ("meta_types", "meta.json"),
        ("meta_json", "meta.json"),
        ("info_json", "info.json"),
    ],
)
def test_damaged_index_names_file_and_hint_repairs(
    tmp_path: Path, source: Path, damage: str, names: str
) -> None:
    home = tmp_path / "home"
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    gi.build_genome_index("toy", source, home=home, pams=("NAG",))
    folder = home / "toy"
    sites = folder / "sites" / NGG
    if damage == "truncate_sites":
        raw = (sites / "win.npy").read_bytes()
        (sites / "win.npy").write_bytes(raw[: len(raw) - 16])
    elif damage == "truncate_genome":
        raw = (folder / "genome" / "packed.npy").read_bytes()
        (folder / "genome" / "packed.npy").write_bytes(raw[:200])
    elif damage == "missing_array":
        (sites / "drow.npy").unlink()
    elif damage == "meta_types":
        meta = json.loads((folder / "meta.json").read_text())
        meta["total_length"] = "lots"
        (folder / "meta.json").write_text(json.dumps(meta))
    elif damage == "meta_json":
        (folder / "meta.json").write_text("{not json")
    else:
        (sites / "info.json").write_text("[]")
    with pytest.raises(DataError, match=names) as info:
        gi.open_index("toy", home=home, pams=("NGG",))
    assert "vivo genome add toy" in (info.value.hint or "")
    if damage == "meta_json":  # the source is not recorded any more: give it
        info.value.hint = f"vivo genome add toy {source} --pam NGG"
    _repair(info, home)
    assert gi.open_index("toy", home=home, pams=("NGG",)).n_sites > 0
    assert gi.open_index("toy", home=home, pams=("NAG",)).n_sites > 0  # kept


def test_missing_pam_set_hint_adds_without_deleting(tmp_path: Path, source: Path) -> None:
    home = tmp_path / "home"
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    with pytest.raises(InputError, match="no site index") as info:
        gi.open_index("toy", home=home, nuclease="SaCas9")
    _repair(info, home)
    gi.open_index("toy", home=home, nuclease="SaCas9")
    gi.open_index("toy", home=home, pams=("NGG",))


def test_list_shows_damage_and_remove(tmp_path: Path, source: Path, cli) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    gi.build_genome_index("bad", source, home=home, pams=("NGG",))
    (home / "bad" / "meta.json").write_text("{}")
    listed = {i.name: i for i in gi.list_genomes(home)}
    assert listed["toy"].problem == "" and "meta.json" in listed["bad"].problem
    assert cli(["genome", "list", "--home", str(home)]) == 0
    assert cli(["genome", "remove", "bad", "--home", str(home)]) == 0
    assert cli(["genome", "remove", "toy", "--pam-set", NGG, "--home", str(home)]) == 0
    assert gi.list_genomes(home)[0].pam_sets == ()
    assert cli(["genome", "remove", "nope", "--home", str(home)]) == 2
    assert sorted(p.name for p in home.iterdir()) == ["toy"]


def test_cli_add_checks_before_work(tmp_path: Path, source: Path, cli, capsys) -> None:  # type: ignore[no-untyped-def]
    afile = tmp_path / "afile.txt"
    afile.write_text("x")
    assert cli(["genome", "add", "toy", str(source), "--home", str(afile)]) == 2
    assert cli(["genome", "add", "toy", str(tmp_path / "nope.fa")]) == 2
    assert cli(["genome", "add", "toy", str(source), "--nuclease", "SpCas"]) == 2
    home = tmp_path / "h"
    assert cli(["genome", "add", "toy", str(source), "--home", str(home), "--pam", "NGG",
                "--json"]) == 0  # fmt: skip
    out = capsys.readouterr()
    assert json.loads(out.out)["pam_sets"] == [NGG]
    assert "Traceback" not in out.err


def test_progress_reports_bases_then_sites(tmp_path: Path, source: Path) -> None:
    calls: list[tuple[str, int, int, str]] = []
    gi.build_genome_index("toy", source, home=tmp_path / "h", pams=("NGG",),
                          progress=lambda *a: calls.append(a))  # fmt: skip
    units = [c[3] for c in calls]
    assert units.index("sites") > units.index("bp") and "bp" not in units[units.index("sites") :]
    bp = [c for c in calls if c[3] == "bp"]
    assert bp[-1][1] == bp[-1][2] == 2000 + 23 + 300  # every base packed
    sites = [c for c in calls if c[3] == "sites" and c[2] > 1]
    assert sites and all(0 <= c[1] <= c[2] for c in sites) and sites[-1][1] == sites[-1][2]


def test_killed_mid_swap_restores_the_previous_genome(tmp_path: Path, source: Path) -> None:
    home = tmp_path / "home"
    gi.build_genome_index("toy", source, home=home, pams=("NGG",))
    os.replace(home / "toy", home / ".toy.pid999999999.x.old")  # as a killed swap leaves it
    (home / ".toy.pid999999999.abcd.building").mkdir()
    (home / ".gone.pid999999999.x.removing").mkdir()  # a killed `genome remove`: not restored
    gi.build_genome_index("toy", source, home=home, pams=("NAG",))
    assert gi.list_genomes(home)[0].pam_sets == (NAG, NGG)
    assert sorted(p.name for p in home.iterdir()) == ["toy"]
