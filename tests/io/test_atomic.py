"""Outputs as transactions: atomic files and staged folders, one-line errors, nothing left over."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vivo.core.errors import InputError
from vivo.io.atomic import MARKER, atomic_dir, atomic_write, check_output_file, write_text_atomic


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "afile.txt" / "sub", "is a file, not a folder"),
        (lambda d: d / "afile.txt" / "a" / "b", "is a file, not a folder"),
        (lambda d: d, "it is a folder"),
        (lambda d: Path("/proc/vivo-test"), "system folder"),
        (lambda d: Path("/sys/x"), "system folder"),
        (lambda d: d / ("n" * 256), "longer than 255"),
    ],
)
def test_atomic_write_refuses_in_one_line(tmp_path: Path, make, needle: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "afile.txt").write_text("x")
    before = _listing(tmp_path)
    with pytest.raises(InputError, match=needle) as info:
        write_text_atomic(make(tmp_path), "data")
    assert "\n" not in str(info.value)
    assert _listing(tmp_path) == before


def test_existing_file_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "a.tsv"
    target.write_text("old")
    with pytest.raises(InputError, match="--force"):
        write_text_atomic(target, "new", force=False)
    assert target.read_text() == "old"
    write_text_atomic(target, "new")  # internal callers replace their own files
    assert target.read_text() == "new"


def test_failed_body_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_write(tmp_path / "x.txt") as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert _listing(tmp_path) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_permission_denied(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(InputError, match="permission denied"):
        check_output_file(ro / "x.txt")


def test_atomic_dir_commits_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with pytest.raises(ValueError), atomic_dir(target) as stage:
        (stage / "a.gb").write_text("partial")
        raise ValueError("the construct does not fit")
    assert _listing(tmp_path) == []  # no target, no staging folder
    with atomic_dir(target) as stage:
        (stage / "a.gb").write_text("v1")
    assert _listing(target) == [MARKER, "a.gb"] and _listing(tmp_path) == ["out"]


def test_atomic_dir_replaces_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with atomic_dir(target) as stage:
        (stage / "v1.txt").write_text("1")
    with pytest.raises(InputError, match="--force"), atomic_dir(target) as stage:
        pass
    with atomic_dir(target, force=True) as stage:
        (stage / "v2.txt").write_text("2")
    assert _listing(target) == [MARKER, "v2.txt"] and _listing(tmp_path) == ["out"]


def test_force_never_replaces_a_users_folder(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with (
        pytest.raises(InputError, match="not a vivo result"),
        atomic_dir(tmp_path / "mine", force=True),
    ):
        pass
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"


def test_atomic_dir_into_a_file_or_over_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile.txt").write_text("x")
    for bad, needle in ((tmp_path / "afile.txt" / "sub", "is a file, not a folder"),
                        (tmp_path / "afile.txt", "is a file, not a folder")):  # fmt: skip
        with pytest.raises(InputError, match=needle), atomic_dir(bad):
            pass
    assert _listing(tmp_path) == ["afile.txt"]


def test_stale_staging_of_a_dead_process_is_swept(tmp_path: Path) -> None:
    dead = tmp_path / ".out.999999999.abc.staging"  # no such pid
    dead.mkdir()
    (dead / "junk").write_text("24 MB of it")
    with atomic_dir(tmp_path / "out") as stage:
        (stage / "a").write_text("1")
    assert _listing(tmp_path) == ["out"]
