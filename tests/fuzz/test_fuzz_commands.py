"""Fuzz every command's arguments: exit 0 or 2, no traceback, one line, nothing left behind.

See ``conftest.py`` for the harness, the path tokens, single-fault examples and
``VIVO_FUZZ_EXAMPLES``. Commands of other modules (plan, simulate, genome, offtargets) are in
``test_fuzz_other_commands.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

FUZZ = settings.get_profile("vivo-fuzz")  # registered by tests/fuzz/conftest.py
Harness = Any  # tests/fuzz/conftest.py: Harness (a session fixture)

HUGE_C = "c." + "9" * 5000


@FUZZ
@given(data=st.data())
def test_variant_and_locus(harness: Harness, data: st.DataObject) -> None:
    hgvs = st.one_of(
        st.builds(
            lambda d, a, b: f"c.{d}{a}>{b}",
            st.integers(-(10**6), 10**60),
            st.sampled_from("ACGTN"),
            st.sampled_from("ACGTX"),
        ),
        harness.text("c.20A>T", HUGE_C + "A>T", "c.20_19del", "c.*99999del", "g.1A>T",
                     "c.-0A>T", "p.Glu7Val", "c.20delinsAAAA", "c.92+1G>A"),
    )  # fmt: skip
    with harness.sandbox() as box:
        cmd = data.draw(st.sampled_from(["variant", "locus"]))
        gene = data.draw(harness.text("HBB", "HBD", "hbb"))
        args = [cmd, gene] + ([data.draw(hgvs)] if cmd == "variant" else [])
        args += harness.options(data, box, [
            harness.inp("--genome"), harness.inp("--annotation"), harness.flag("--json"),
        ])  # fmt: skip
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_guides_numbers_and_choices(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        target = data.draw(st.sampled_from(["--around", "--exon", "--region"]))
        value = {
            "--around": harness.text("c.20", "c.92+1", "g.62206", "c.20A>T", "c.0", "c.-5000",
                                     HUGE_C, "g.9999999999", "c.5+99999999999"),
            "--exon": harness.number(1, 3),
            "--region": harness.text("U01317.1:62000-62300", "U01317.1:5-1", "chrZ:1-10"),
        }[target]  # fmt: skip
        args = ["guides", data.draw(harness.text("HBB")), target, data.draw(value)]
        args += harness.options(data, box, [
            harness.n("--window", 1, 60), harness.n("--top", 1, 50),
            harness.n("--mismatches", 0, 6), harness.n("--spacer-length", 17, 24),
            harness.t("--nuclease", "SpCas9", "SaCas9", "AsCas12a", "Cpf1", "spry"),
            harness.t("--pam", "NGG", "TTTV", "NNGRRT"),
            harness.t("--pam-side", "3prime", "5prime"),
            harness.t("--model", "ruleset1", "crisprscan", "fold_mfe"),
            harness.t("--weights", "efficiency=2,distance=0", "flags=1"),
            ("--weights", st.sampled_from(["efficiency=nan", "flags=-1", "x=1",
                                           "efficiency=0,specificity=0,flags=0,distance=0",
                                           "efficiency=1e400", "efficiency=", ",,,"]), ()),
            harness.t("--format", "table", "tsv", "json", "TSV"),
            harness.t("--site", "BsmBI", "GAATTC", "NNNN"), harness.flag("--alt-pams"),
            harness.flag("--json"),
        ])  # fmt: skip
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_guides_paths(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        args = ["guides", "HBB", "--around", "c.20", "--window", "20", "--top", "3"]
        args += harness.options(data, box, [
            harness.out("--out"), harness.flag("--force"),
            harness.inp("--genome"), harness.inp("--annotation"),
            ("--region", st.sampled_from(["chr1:1-200", "chr1:100-50", "U01317.1:62000-62100"]),
             ()),
            harness.t("--offtarget-genome", "toy"), harness.out("--offtarget-home"),
        ])  # fmt: skip
        res = harness.check(args, box)
        if res.code == 0 and "--out" in args:
            written = Path(args[args.index("--out") + 1])
            assert written.is_file() and written.stat().st_size > 0


@FUZZ
@given(data=st.data())
def test_edit(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        strategy = data.draw(harness.text("hdr", "base", "prime", "knockout", "HDR"))
        query = data.draw(
            st.sampled_from([["HBB", "c.20A>T"], ["HBB:c.20A>T"], ["HBB"], ["HBB", "c.20A>G"],
                             ["HBB", "c.99999A>T"], ["HBB", HUGE_C + "A>T"]])
            | st.lists(harness.text(), min_size=1, max_size=3)
        )  # fmt: skip
        args = ["edit", *query, "--strategy", strategy]
        args += harness.options(data, box, [
            harness.t("--goal", "correct", "introduce"), harness.n("--max", 1, 3),
            harness.t("--editor", "ABE8e", "BE4max", "ABE8"),
            harness.t("--nuclease", "SpCas9", "SpRY"),
            harness.out("--genbank"), harness.flag("--force"),
            harness.inp("--genome"), harness.flag("--json"),
        ])  # fmt: skip
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_inherit(harness: Harness, data: st.DataObject) -> None:
    status = ("carrier", "noncarrier", "affected", "unaffected", "homozygous", "hemizygous")
    with harness.sandbox() as box:
        args = ["inherit"]
        for flag, good in (
            ("--mode", ("recessive", "dominant", "x-recessive", "x-dominant", "ar", "XLR")),
            ("--mother", status),
            ("--father", status),
        ):
            if data.draw(st.integers(0, 19)):  # a required option is rarely left out
                args += [flag, data.draw(harness.text(*good))]
        args += harness.options(data, box, [harness.flag("--json")])
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_cassette(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        args = ["cassette", "--no-figures", "--no-optimize"]
        args += harness.options(data, box, [
            harness.t("--transgene", "F9", "HBB", "DMD", "f9"),
            harness.t("--variant", "R338L", "T87Q", "p.Arg384Leu"),
            harness.t("--vector", "AAV", "scAAV", "LV", "HDAd", "plasmid"),
            harness.t("--tissue", "liver", "muscle", "erythroid"),
            harness.t("--promoter", "CMV", "LP1"),
            harness.t("--method", "use_best_codon", "match_codon_usage"),
            harness.n("--seed", 0, 10), harness.out("--out"), harness.flag("--force"),
            harness.inp("--design", "@broken:valid_design.toml"), harness.flag("--json"),
        ])  # fmt: skip
        if "--transgene" not in args and "--design" not in args and data.draw(st.booleans()):
            args += ["--transgene", "F9"]
        res = harness.check(args, box)
        if res.code == 0 and "--out" in args:
            folder = Path(args[args.index("--out") + 1])
            assert (folder / ".vivo-output").is_file()
            assert not [p for p in folder.parent.iterdir() if p.name.endswith(".staging")]


@FUZZ
@given(data=st.data())
def test_kb_and_explain(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        sub = data.draw(st.sampled_from(["products", "show", "disease", "diseases", "cells",
                                         "glossary", "explain", "nucleases", "bogus"]))  # fmt: skip
        if sub == "products":
            args = ["kb", "products", *harness.options(data, box, [
                harness.t("--modality", "gene_editing", "gene_addition", "cell_therapy"),
                harness.t("--target", "F9", "HBB", "CD19"),
                harness.t("--delivery", "in_vivo", "ex_vivo"),
                harness.t("--vector", "AAV", "LV"), harness.flag("--current"),
            ])]  # fmt: skip
        elif sub in ("show", "disease"):
            args = ["kb", sub, data.draw(harness.text("Casgevy", "Zolgensma", "hemophilia B"))]
        elif sub == "explain":
            args = ["explain", data.draw(harness.text("HDR", "homology-directed repair", "PAM"))]
        elif sub == "nucleases":
            args = ["nucleases"]
        else:
            args = ["kb", sub]
        if data.draw(st.booleans()):
            args.append("--json")
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_top_level(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        words = harness.text("--version", "--help", "guides", "kb", "nope", "simulate")
        harness.check(data.draw(st.lists(words, max_size=3)), box)
