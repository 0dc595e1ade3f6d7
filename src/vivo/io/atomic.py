"""Outputs as transactions: files and folders appear complete under their final name, or not at all.

- :func:`atomic_write` / :func:`write_text_atomic`: write to a temporary name in the same folder,
  then rename over the target. An interrupted write never leaves a half-written file under the
  final name.
- :func:`atomic_dir`: stage a whole output folder (dossier, construct files, ...) in a temporary
  sibling folder; it is moved into place only when the body finishes without an error, and
  removed on any failure. Staging folders left by killed processes are swept at the next start.
  A folder is replaced (``force=True``) only when it holds the :data:`MARKER` file that
  ``atomic_dir`` writes, so ``--force`` never deletes a folder vivo did not create.
- :func:`check_output_file` / :func:`check_output_dir`: the checks both run first (and that the
  CLI runs before any work): the path is not empty and has no NUL byte, no name in it is too
  long, it is not under ``/proc``, ``/sys`` or ``/dev``, the nearest existing ancestor is a
  writable folder (not a file such as ``afile.txt`` in ``afile.txt/sub``), a file target is not an
  existing folder (and a folder target not an existing file), and an existing result is replaced
  only with ``force=True`` (``--force`` on the command line).

Every problem is an :class:`~vivo.core.errors.InputError` naming the path and the reason (one
line, with a hint), never a traceback:

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = write_text_atomic(d / "a.txt", "hello\\n")
>>> write_text_atomic(d / "a.txt" / "sub", "x")
Traceback (most recent call last):
...
vivo.core.errors.InputError: cannot write ...a.txt/sub: ...a.txt is a file, not a folder ...
>>> with atomic_dir(d / "out") as stage:
...     _ = (stage / "x.txt").write_text("done")
>>> sorted(p.name for p in (d / "out").iterdir())
['.vivo-output', 'x.txt']
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

from vivo.core.errors import InputError

__all__ = [
    "MARKER",
    "atomic_dir",
    "atomic_write",
    "check_output_dir",
    "check_output_file",
    "pid_alive",
    "write_text_atomic",
]

_SYSTEM_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))
_NAME_MAX = 255
_PATH_MAX = 4096
MARKER = ".vivo-output"
"""File that :func:`atomic_dir` puts in every folder it creates; only such folders are replaced."""
_FORCE_HINT = "use --force to replace it, or choose another path"


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def _reason(exc: OSError) -> str:
    """A short lower-case reason for an OSError (``permission denied``, ``read-only ...``)."""
    text = exc.strerror or errno.errorcode.get(exc.errno or 0, "") or str(exc)
    return text[:1].lower() + text[1:]


def _fail(path: str | os.PathLike[str], why: str, hint: str | None = None) -> InputError:
    return InputError(f"cannot write {os.fspath(path)}: {why}", hint=hint)


def _check_common(path: str | os.PathLike[str]) -> Path:
    """Checks shared by files and folders; returns the absolute target path."""
    raw = os.fspath(path)
    if not raw.strip():
        raise InputError("empty output path", hint="give a file or folder name")
    if "\x00" in raw:
        raise _fail(repr(raw), "the path contains a NUL character")
    target = Path(os.path.abspath(raw))
    if len(os.fsencode(str(target))) >= _PATH_MAX:
        raise _fail(raw[:60] + "...", f"the path is longer than {_PATH_MAX} bytes")
    if any(len(os.fsencode(part)) > _NAME_MAX for part in target.parts):
        raise _fail(raw[:60] + "...", f"a name in the path is longer than {_NAME_MAX} bytes")
    for root in _SYSTEM_ROOTS:
        if target == root or root in target.parents:
            raise _fail(raw, f"{root} is a system folder", hint="choose a path in your own folders")
    ancestor = target.parent
    try:
        while not os.path.lexists(ancestor):
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise _fail(raw, f"{ancestor} is a file, not a folder", hint="choose another path")
    except OSError as exc:
        raise _fail(raw, _reason(exc)) from exc
    if not os.access(ancestor, os.W_OK | os.X_OK):
        why = "read-only file system" if _read_only(ancestor) else "permission denied"
        raise _fail(raw, f"{why} in {ancestor}", hint="choose a folder you can write to")
    return target


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def check_output_file(path: str | os.PathLike[str], *, force: bool = True) -> Path:
    """Check that ``path`` can receive a file; return it (absolute). See the module doc.

    With ``force=False`` an existing file is an error (the CLI's ``--force`` replaces it).
    """
    target = _check_common(path)
    if target.is_dir():
        raise _fail(path, "it is a folder", hint=f"give a file name inside it, e.g. {path}/NAME")
    if not force and os.path.lexists(target):
        raise _fail(path, "it already exists", hint=_FORCE_HINT)
    return target


def check_output_dir(path: str | os.PathLike[str], *, force: bool = True) -> Path:
    """Check that ``path`` can become an output folder; return it (absolute).

    An existing empty folder is fine; an existing non-empty folder needs ``force=True``.
    """
    target = _check_common(path)
    if os.path.lexists(target) and not target.is_dir():
        raise _fail(path, "it is a file, not a folder", hint="choose another folder name")
    if target.is_dir() and any(target.iterdir()):
        if not force:
            raise _fail(path, "the folder already exists and is not empty", hint=_FORCE_HINT)
        if not (target / MARKER).is_file():
            raise _fail(
                path,
                f"the folder is not empty and has no {MARKER} marker, so it is not "
                "a vivo result that --force may replace",
                hint="choose another path",
            )
    return target


def _mkdir(folder: Path, shown: str | os.PathLike[str]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(shown, _reason(exc)) from exc


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: Literal["w", "wb"] = "w", *, force: bool = True
) -> Iterator[IO]:  # type: ignore[type-arg]
    """Open a temporary file next to ``path``; on success rename it over ``path``.

    Raises :class:`InputError` (naming the path) when ``path`` cannot be written: its parent is
    a file, it is a folder, permission is denied, the file system is read-only, it is under
    ``/proc``, or (with ``force=False``) it already exists.
    """
    target = check_output_file(path, force=force)
    _mkdir(target.parent, path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _fail(path, _reason(exc)) from exc
    try:
        fh: IO  # type: ignore[type-arg]
        fh = os.fdopen(fd, "wb") if mode == "wb" else os.fdopen(fd, "w", encoding="utf-8")
        with fh:
            yield fh
            try:
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as exc:
                raise _fail(path, _reason(exc)) from exc
        try:
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file normal permissions
            os.replace(tmp, target)
        except OSError as exc:
            raise _fail(path, _reason(exc)) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | os.PathLike[str], text: str, *, force: bool = True) -> Path:
    """Write ``text`` to ``path`` atomically and return the path."""
    with atomic_write(path, "w", force=force) as fh:
        fh.write(text)
    return Path(path)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (someone else's live process counts; an impossible pid
    does not): the test of every stale-staging sweep."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _sweep_stale(parent: Path, name: str) -> None:
    """Remove ``.NAME.PID.*`` staging/old folders whose process is gone."""
    prefix = f".{name}."
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix) or not entry.name.endswith((".staging", ".old")):
            continue
        pid = entry.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def _move_into_place(stage: Path, final: Path, shown: str | os.PathLike[str]) -> None:
    old: Path | None = None
    try:
        if os.path.lexists(final):
            old = Path(tempfile.mkdtemp(prefix=f".{final.name}.{os.getpid()}.", suffix=".old",
                                        dir=final.parent))  # fmt: skip
            os.rename(final, old / "previous")
        try:
            os.rename(stage, final)
        except OSError:
            if old is not None:
                os.rename(old / "previous", final)
            raise
    except OSError as exc:
        raise _fail(shown, _reason(exc)) from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike[str], *, force: bool = False) -> Iterator[Path]:
    """Stage an output folder next to ``target``; move it into place when the body succeeds.

    Yields the staging folder (write every file there). On success the staging folder replaces
    ``target`` (an existing non-empty ``target`` only with ``force=True`` and only when it holds
    the :data:`MARKER` file that this function writes, so ``--force`` never deletes a folder
    vivo did not create; otherwise an :class:`InputError` is raised before the body runs). On
    any failure the staging folder is removed and ``target`` is left as it was.
    """
    final = check_output_dir(target, force=force)
    _mkdir(final.parent, target)
    _sweep_stale(final.parent, final.name)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.{os.getpid()}.", suffix=".staging",
                                      dir=final.parent))  # fmt: skip
    except OSError as exc:
        raise _fail(target, _reason(exc)) from exc
    try:
        (stage / MARKER).write_text("written by vivo; --force may replace this folder\n")
        yield stage
        os.chmod(stage, 0o777 & ~_UMASK)
        _move_into_place(stage, final, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
