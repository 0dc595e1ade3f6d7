"""Fuzz every command's arguments: exit 0 or 2, no traceback, one line, nothing left behind.

See ``conftest.py`` for the harness, the path tokens and ``VIVO_FUZZ_EXAMPLES``. Commands of
other modules (plan, simulate, genome, offtargets) are in ``test_fuzz_other_commands.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

FUZZ = settings.get_profile("vivo-fuzz")  # registered by tests/fuzz/conftest.py
Harness = Any  # tests/fuzz/conftest.py: Harness (a session fixture)
Spec = list[tuple[str, Any]]


def draw_options(data: st.DataObject, harness: Harness, box: Path, spec: Spec) -> list[str]:
    """Each option of ``spec`` is left out or given a drawn value (path tokens resolved)."""
    groups: list[list[str]] = []
    for flag, strategy in spec:
        if data.draw(st.integers(0, 9), label=f"use {flag}") >= 4:  # 40% of options given
            continue
        if strategy is None:  # a flag without a value
            groups.append([flag])
            continue
        value = data.draw(strategy, label=flag)
        suffix = {"--genbank": ".gb", "--plot": ".png"}.get(flag, ".tsv")
        groups.append([flag, harness.path(value, box, suffix)])
    order = data.draw(st.permutations(groups), label="order") if len(groups) < 8 else groups
    return [token for group in order for token in group]


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
        st.sampled_from(
            [
                "c.20A>T",
                "c." + "9" * 4000 + "A>T",
                "c.20_19del",
                "c.*99999del",
                "g.1A>T",
                "c.-0A>T",
                "p.Glu7Val",
                "c.20delinsAAAA",
            ]
        ),
        harness.text(),
    )
    with harness.sandbox() as box:
        cmd = data.draw(st.sampled_from(["variant", "locus"]))
        gene = data.draw(harness.text("HBB", "HBD", "hbb"))
        args = [cmd, gene] + ([data.draw(hgvs)] if cmd == "variant" else [])
        args += draw_options(
            data,
            harness,
            box,
            [("--genome", harness.input()), ("--annotation", harness.input()), ("--json", None)],
        )
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_guides_numbers_and_choices(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        target = data.draw(st.sampled_from(["--around", "--exon", "--region"]))
        value = {
            "--around": harness.text(
                "c.20",
                "c.92+1",
                "g.62206",
                "c.20A>T",
                "c.0",
                "c.-5000",
                "c." + "9" * 5000,
                "g.9999999999",
                "c.5+99999999999",
            ),
            "--exon": harness.number(1, 3),
            "--region": harness.text("U01317.1:62000-62300", "U01317.1:5-1", "chrZ:1-10"),
        }[target]
        args = ["guides", data.draw(harness.text("HBB")), target, data.draw(value)]
        args += draw_options(
            data,
            harness,
            box,
            [
                ("--window", harness.number(1, 60)),
                ("--top", harness.number(1, 50)),
                ("--mismatches", harness.number(0, 6)),
                ("--spacer-length", harness.number(17, 24)),
                ("--nuclease", harness.text("SpCas9", "SaCas9", "AsCas12a", "Cpf1", "spry")),
                ("--pam", harness.text("NGG", "TTTV", "NNNNNNNN", "XYZ", "")),
                ("--pam-side", harness.text("3prime", "5prime")),
                ("--model", harness.text("ruleset1", "crisprscan", "fold_mfe")),
                (
                    "--weights",
                    harness.text(
                        "efficiency=2,distance=0",
                        "efficiency=nan",
                        "flags=-1",
                        "efficiency=0,specificity=0,flags=0,distance=0",
                        "x=1",
                        "efficiency=1e400",
                    ),
                ),
                ("--format", harness.text("table", "tsv", "json", "TSV")),
                ("--site", harness.text("BsmBI", "GAATTC", "NNNN")),
                ("--alt-pams", None),
                ("--json", None),
            ],
        )
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_guides_paths(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        args = ["guides", "HBB", "--around", "c.20", "--window", "20", "--top", "3"]
        args += draw_options(
            data,
            harness,
            box,
            [
                ("--out", harness.output()),
                ("--force", None),
                ("--genome", harness.input()),
                ("--annotation", harness.input()),
                (
                    "--region",
                    st.sampled_from(["chr1:1-200", "chr1:100-50", "U01317.1:62000-62100"]),
                ),
                ("--offtarget-genome", harness.text("toy")),
                ("--offtarget-home", harness.output()),
            ],
        )
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
            st.sampled_from(
                [
                    ["HBB", "c.20A>T"],
                    ["HBB:c.20A>T"],
                    ["HBB"],
                    ["HBB", "c.20A>G"],
                    ["HBB", "c.99999A>T"],
                ]
            )
            | st.lists(harness.text(), min_size=1, max_size=3)
        )
        args = ["edit", *query, "--strategy", strategy]
        args += draw_options(
            data,
            harness,
            box,
            [
                ("--goal", harness.text("correct", "introduce")),
                ("--max", harness.number(1, 3)),
                ("--editor", harness.text("ABE8e", "BE4max", "ABE8")),
                ("--nuclease", harness.text("SpCas9", "SpRY")),
                ("--genbank", harness.output()),
                ("--force", None),
                ("--genome", harness.input()),
                ("--json", None),
            ],
        )
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_inherit(harness: Harness, data: st.DataObject) -> None:
    status = harness.text("carrier", "noncarrier", "affected", "unaffected", "homozygous")
    with harness.sandbox() as box:
        args = [
            "inherit",
            *draw_options(
                data,
                harness,
                box,
                [
                    (
                        "--mode",
                        harness.text("recessive", "dominant", "x-recessive", "x-dominant", "ar"),
                    ),
                    ("--mother", status),
                    ("--father", status),
                    ("--json", None),
                ],
            ),
        ]
        harness.check(args, box)


@FUZZ
@given(data=st.data())
def test_cassette(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        args = ["cassette", "--no-figures", "--no-optimize"]
        args += draw_options(
            data,
            harness,
            box,
            [
                ("--transgene", harness.text("F9", "HBB", "DMD", "f9")),
                ("--variant", harness.text("R338L", "T87Q", "p.Arg384Leu", "X999Y")),
                ("--vector", harness.text("AAV", "scAAV", "LV", "HDAd", "plasmid")),
                ("--tissue", harness.text("liver", "muscle", "erythroid", "kidney")),
                ("--promoter", harness.text("CMV", "LP1", "nope")),
                ("--method", harness.text("use_best_codon", "match_codon_usage")),
                ("--seed", harness.number(0, 10)),
                ("--out", harness.output()),
                ("--force", None),
                ("--design", harness.input()),
                ("--json", None),
            ],
        )
        res = harness.check(args, box)
        if res.code == 0 and "--out" in args:
            folder = Path(args[args.index("--out") + 1])
            assert (folder / ".vivo-output").is_file()
            assert not [p for p in folder.parent.iterdir() if p.name.endswith(".staging")]


@FUZZ
@given(data=st.data())
def test_kb_and_explain(harness: Harness, data: st.DataObject) -> None:
    with harness.sandbox() as box:
        sub = data.draw(
            st.sampled_from(
                [
                    "products",
                    "show",
                    "disease",
                    "diseases",
                    "cells",
                    "glossary",
                    "explain",
                    "nucleases",
                    "bogus",
                ]
            )
        )
        if sub == "products":
            args = [
                "kb",
                "products",
                *draw_options(
                    data,
                    harness,
                    box,
                    [
                        (
                            "--modality",
                            harness.text("gene_editing", "gene_addition", "cell_therapy"),
                        ),
                        ("--target", harness.text("F9", "HBB", "CD19")),
                        ("--delivery", harness.text("in_vivo", "ex_vivo")),
                        ("--vector", harness.text("AAV", "LV")),
                        ("--json", None),
                    ],
                ),
            ]
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
        args = data.draw(
            st.lists(harness.text("--version", "--help", "guides", "kb", "nope"), max_size=3)
        )
        harness.check(args, box)
