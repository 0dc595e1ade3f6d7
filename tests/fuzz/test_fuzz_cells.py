"""Fuzz the cell-therapy commands (`vivo car`, `vivo hla`, `vivo cells`) with the same promises:
exit 0 or 2, one line `vivo: error:` for bad input, no traceback, nothing partial left behind."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

FUZZ = settings.get_profile("vivo-fuzz")  # registered by tests/fuzz/conftest.py
Harness = Any  # tests/fuzz/conftest.py: Harness (a session fixture)

_HLA = (
    "A*01:01 A*02:01 B*08:01 B*07:02 C*07:01 C*07:02 DRB1*03:01 DRB1*15:01",
    "A*01:01 A*01:01 B*08:01 B*08:01 C*07:01 C*07:01 DRB1*03:01 DRB1*03:01",
    "A2 A1 B8 B7 DR15 DR17",
    "A*24:09N A*02:01 DPB1*04:02P DPB1*04:01",
)


@settings(FUZZ, max_examples=max(2, (FUZZ.max_examples or 4) // 2))  # a design takes a second
@given(data=st.data())
def test_car_design(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        args = ["car", "design", "--no-optimize", "--no-figures",
                "--target", data.draw(harness.text("CD19", "BCMA", "CD22", "cd19"))]  # fmt: skip
        args += harness.options(data, box, [
            harness.out("--out"),
            harness.t("--binder", "FMC63", "ide-cel", "m971"),
            harness.t("--format", "scfv-vl-vh", "scfv-vh-vl", "vhh"),
            harness.t("--hinge", "CD8a", "CD28", "IgG4-short", "IgG4-long"),
            harness.t("--tm", "CD8a", "CD28"), harness.t("--costim", "4-1BB", "CD28", "none"),
            harness.t("--safety-switch", "none", "EGFRt", "iCasp9"),
            harness.t("--2a", "T2A", "P2A", "F2A"), harness.t("--leader", "CD8a", "GM-CSFRa"),
            harness.t("--vector", "lentivirus", "gamma-retrovirus"),
            harness.t("--promoter", "EF1a", "MND", "MSCV"), harness.inp("--domains"),
            harness.inp("--promoter-file"), harness.t("--avoid-site", "EcoRI", "NotI", "XYZ"),
            harness.n("--seed", 0, 2**32 - 1), harness.flag("--force"), harness.flag("--json"),
        ])  # fmt: skip
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_hla(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        if data.draw(st.booleans()):
            args = ["hla", "match"]
            args += harness.options(data, box, [
                harness.t("--recipient", *_HLA), harness.t("--donor", *_HLA),
                harness.flag("--single-is-homozygous"), harness.flag("--json"),
            ])  # fmt: skip
        else:
            args = ["hla", "donors"]
            args += harness.options(data, box, [
                harness.n("--siblings", 0, 100),
                harness.t("--ancestry", "white", "hispanic", "eurcau", "scamb", "chinese",
                          "Black South or Central American"),
                harness.flag("--json"),
            ])  # fmt: skip
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_cells_dose(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        args = ["cells", "dose"]
        args += harness.options(data, box, [
            harness.t("--product", "Casgevy", "Kymriah", "Lenmeldy", "Skysona", "Glybera"),
            harness.n("--weight", 0.5, 350, integer=False),
            harness.n("--age", 0, 120, integer=False),
            harness.t("--disease", "SCD", "ALL", "MLD", "TDT", "flu"),
            harness.t("--subtype", "late infantile", "juvenile", "x"),
            harness.n("--yield", 1e5, 1e8, integer=False), harness.flag("--json"),
        ])  # fmt: skip
        harness.check(args, box)
