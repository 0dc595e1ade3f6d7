"""vivo doctor: probed backends (a failing CUDA import is 'unavailable: reason'), kernel cache
state, genomes with their PAM sets and damage, extras; --json is one JSON document."""

from __future__ import annotations

import builtins
import json
from pathlib import Path

import pytest

from vivo.workflows import doctor as d


def test_report_fields(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "meta.json").write_text("{}")
    rep = d.run_doctor(home=tmp_path)
    names = [b.name for b in rep.backends]
    assert names == ["numpy", "cpu", "gpu", "dask"]
    assert rep.auto_backend in {"numpy", "cpu", "gpu"}
    assert rep.versions["vivo"] and rep.versions["numpy"] != "not installed"
    assert rep.kernel_cache.total >= rep.kernel_cache.cached >= 0
    assert [g.name for g in rep.genomes] == ["broken"]
    assert "meta.json" in rep.genomes[0].problem
    assert {e.name for e in rep.extras} >= {"rs3", "fold", "dask", "design"}
    assert rep.folders["genome store"] == str(tmp_path)
    doc = rep.to_dict()
    assert json.loads(json.dumps(doc))["schema_version"] == "1"


def test_failing_cuda_import_is_unavailable_with_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def fake(name, globals=None, locals=None, fromlist=(), level=0):  # type: ignore[no-untyped-def]
        if name == "numba" and fromlist and "cuda" in fromlist:
            raise ImportError("libcudart.so.12: cannot open shared object file")
        return real(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", fake)
    gpu = d._probe_gpu()
    assert gpu.status == "unavailable" and "libcudart" in gpu.detail


def test_missing_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(d._EXTRAS, "nothere", (("nothere-dist",), "vivo_no_such_module", "x"))
    extra = {e.name: e for e in d._extras()}["nothere"]
    assert not extra.installed and "pip install 'vivo[nothere]'" in extra.detail


def test_cli_json(cli, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli(["doctor", "--json", "--home", str(tmp_path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["genomes"] == [] and len(doc["backends"]) == 4
    assert cli(["doctor", "--home", str(tmp_path)]) == 0
    assert "off-target backends" in capsys.readouterr().out
