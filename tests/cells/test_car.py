"""vivo.cells.car: the cited segment library, binders and protein assembly.

Golden records: UniProt entries (checked by their published CRC64) and the CAR proteins of
approved products (GenBank HM852952 for axi-cel, patent WO2021091978A1 SEQ ID NO: 9 for ide-cel,
US9499629B2 for tisa-cel, FDA GSRS E18VZQ3GB1 for liso-cel) and patent sequence statements (IgG4
hinge, P2A); see src/vivo/cells/data/SOURCES.md.
"""

from __future__ import annotations

import itertools

import pytest
from Bio.SeqUtils.CheckSum import crc64

from vivo.cells.car import (
    COSTIMS,
    HINGES,
    PEPTIDES_2A,
    CarSpec,
    design_car,
    design_tcr,
    get_binder,
    get_domain,
    list_binders,
    list_domains,
    make_binder,
    make_domain,
    unbundled_domains,
)
from vivo.core.errors import InputError

# UniProt canonical sequences; their CRC64 is the one on the entry's SQ line.
P01732 = (  # CD8A_HUMAN, CRC64 FCCA29BAA73726BB
    "MALPVTALLLPLALLLHAARPSQFRVSPLDRTWNLGETVELKCQVLLSNPTSGCSWLFQPRGAAASPTFLLYLSQNKPKAAEGLD"
    "TQRFSGKRLGDTFVLTLSDFRRENEGYYFCSALSNSIMYFSHFVPVFLPAKPTTTPAPRPPTPAPTIASQPLSLRPEACRPAAGG"
    "AVHTRGLDFACDIYIWAPLAGTCGVLLLSLVITLYCNHRNRRRVCKCPRPVVKSGDKPSLSARYV"
)
Q07011 = (  # TNR9_HUMAN, CRC64 F3A563FE5EF00460
    "MGNSCYNIVATLLLVLNFERTRSLQDPCSNCPAGTFCDNNRNQICSPCPPNSFSSAGGQRTCDICRQCKGVFRTRKECSSTSNAE"
    "CDCTPGFHCLGAGCSMCEQDCKQGQELTKKGCKDCCFGTFNDQKRGICRPWTNCSLDGKSVLVNGTKERDVVCGPSPADLSPGAS"
    "SVTPPAPAREPGHSPQIISFFLALTSTALLFLLFFLTLRFSVVKRGRKKLLYIFKQPFMRPVQTTQEEDGCSCRFPEEEEGGCEL"
)
P10747 = (  # CD28_HUMAN, CRC64 1D9B6552A5878D0F
    "MLRLLLALNLFPSIQVTGNKILVKQSPMLVAYDNAVNLSCKYSYNLFSREFRASLHKGLDSAVEVCVVYGNYSQQLQVYSKTGFNC"
    "DGKLGNESVTFYLQNLYVNQTDIYFCKIEVMYPPPYLDNEKSNGTIIHVKGKHLCPSPLFPGPSKPFWVLVVVGGVLACYSLLVTV"
    "AFIIFWVRSKRSRLLHSDYMNMTPRRPGPTRKHYQPYAPPRDFAAYRS"
)
P20963 = (  # CD3Z_HUMAN, CRC64 9408260374856EE9 (isoform 3: Gln101 missing)
    "MKWKALFTAAILQAQLPITEAQSFGLLDPKLCYLLDGILFIYGVILTALFLRVKFSRSADAPAYQQGQNQLYNELNLGRREEYDVL"
    "DKRRGRDPEMGGKPQRRKNPQEGLYNELQKDKMAEAYSEIGMKGERRRGKGHDGLYQGLSTATKDTYDALHMQALPPR"
)
UNIPROT = {"P01732": P01732, "Q07011": Q07011, "P10747": P10747, "P20963-3": P20963}

AXICEL = (  # GenBank HM852952 (FMC63-28Z) translated
    "MLLLVTSLLLCELPHPAFLLIPDIQMTQTTSSLSASLGDRVTISCRASQDISKYLNWYQQKPDGTVKLLIYHTSRLHSGVPSRFSGS"
    "GSGTDYSLTISNLEQEDIATYFCQQGNTLPYTFGGGTKLEITGSTSGSGKPGSGEGSTKGEVKLQESGPGLVAPSQSLSVTCTVSGV"
    "SLPDYGVSWIRQPPRKGLEWLGVIWGSETTYYNSALKSRLTIIKDNSKSQVFLKMNSLQTDDTAIYYCAKHYYYGGSYAMDYWGQGT"
    "SVTVSSAAAIEVMYPPPYLDNEKSNGTIIHVKGKHLCPSPLFPGPSKPFWVLVVVGGVLACYSLLVTVAFIIFWVRSKRSRLLHSDY"
    "MNMTPRRPGPTRKHYQPYAPPRDFAAYRSRVKFSRSADAPAYQQGQNQLYNELNLGRREEYDVLDKRRGRDPEMGGKPRRKNPQEGL"
    "YNELQKDKMAEAYSEIGMKGERRRGKGHDGLYQGLSTATKDTYDALHMQALPPR"
)
IDECEL = (  # WO2021091978A1 SEQ ID NO: 9
    "MALPVTALLLPLALLLHAARPDIVLTQSPPSLAMSLGKRATISCRASESVTILGSHLIHWYQQKPGQPPTLLIQLASNVQTGVPARF"
    "SGSGSRTDFTLTIDPVEEDDVAVYYCLQSRTIPRTFGGGTKLEIKGSTSGSGKPGSGEGSTKGQIQLVQSGPELKKPGETVKISCKA"
    "SGYTFTDYSINWVKRAPGKGLKWMGWINTETREPAYAYDFRGRFAFSLETSASTAYLQINNLKYEDTATYFCALDYSYAMDYWGQGT"
    "SVTVSSAAATTTPAPRPPTPAPTIASQPLSLRPEACRPAAGGAVHTRGLDFACDIYIWAPLAGTCGVLLLSLVITLYCKRGRKKLLYI"
    "FKQPFMRPVQTTQEEDGCSCRFPEEEEGGCELRVKFSRSADAPAYQQGQNQLYNELNLGRREEYDVLDKRRGRDPEMGGKPRRKNPQ"
    "EGLYNELQKDKMAEAYSEIGMKGERRRGKGHDGLYQGLSTATKDTYDALHMQALPPR"
)
TISACEL = (  # US9499629B2 translated
    "MALPVTALLLPLALLLHAARPDIQMTQTTSSLSASLGDRVTISCRASQDISKYLNWYQQKPDGTVKLLIYHTSRLHSGVPSRFSGSG"
    "SGTDYSLTISNLEQEDIATYFCQQGNTLPYTFGGGTKLEITGGGGSGGGGSGGGGSEVKLQESGPGLVAPSQSLSVTCTVSGVSLPD"
    "YGVSWIRQPPRKGLEWLGVIWGSETTYYNSALKSRLTIIKDNSKSQVFLKMNSLQTDDTAIYYCAKHYYYGGSYAMDYWGQGTSVTV"
    "SSTTTPAPRPPTPAPTIASQPLSLRPEACRPAAGGAVHTRGLDFACDIYIWAPLAGTCGVLLLSLVITLYCKRGRKKLLYIFKQPFM"
    "RPVQTTQEEDGCSCRFPEEEEGGCELRVKFSRSADAPAYKQGQNQLYNELNLGRREEYDVLDKRRGRDPEMGGKPRRKNPQEGLYNE"
    "LQKDKMAEAYSEIGMKGERRRGKGHDGLYQGLSTATKDTYDALHMQALPPR"
)
LISOCEL = (  # FDA GSRS E18VZQ3GB1: liso-cel CAR-T2A-EGFRt (one ORF)
    "MLLLVTSLLLCELPHPAFLLIPDIQMTQTTSSLSASLGDRVTISCRASQDISKYLNWYQQKPDGTVKLLIYHTSRLHSGVPSRFSGS"
    "GSGTDYSLTISNLEQEDIATYFCQQGNTLPYTFGGGTKLEITGSTSGSGKPGSGEGSTKGEVKLQESGPGLVAPSQSLSVTCTVSGV"
    "SLPDYGVSWIRQPPRKGLEWLGVIWGSETTYYNSALKSRLTIIKDNSKSQVFLKMNSLQTDDTAIYYCAKHYYYGGSYAMDYWGQGT"
    "SVTVSSESKYGPPCPPCPMFWVLVVVGGVLACYSLLVTVAFIIFWVKRGRKKLLYIFKQPFMRPVQTTQEEDGCSCRFPEEEEGGCEL"
    "RVKFSRSADAPAYQQGQNQLYNELNLGRREEYDVLDKRRGRDPEMGGKPRRKNPQEGLYNELQKDKMAEAYSEIGMKGERRRGKGHDG"
    "LYQGLSTATKDTYDALHMQALPPRLEGGGEGRGSLLTCGDVEENPGPRMLLLVTSLLLCELPHPAFLLIPRKVCNGIGIGEFKDSLSI"
    "NATNIKHFKNCTSISGDLHILPVAFRGDSFTHTPPLDPQELDILKTVKEITGFLLIQAWPENRTDLHAFENLEIIRGRTKQHGQFSLA"
    "VVSLNITSLGLRSLKEISDGDVIISGNKNLCYANTINWKKLFGTSGQKTKIISNRGENSCKATGQVCHALCSPEGCWGPEPRDCVSCR"
    "NVSRGRECVDKCNLLEGEPREFVENSECIQCHPECLPQAMNITCTGRGPDNCIQCAHYIDGPHCVKTCPAGVMGENNTLVWKYADAGHV"
    "CHLCHPNCTYGCTGPGLEGCPTNGPKIPSIATGMVGALLLLLVVALGIGLFM"
)
# Sequence statements in patent descriptions (text of boschresearch/Pap2Pat @ 3bc8bd98).
US20230372483_SEQ3 = "ESKYGPPCPPCP"  # City of Hope IL13Ra2 CAR: IgG4 hinge (S228P)
US20230372483_SEQ4 = "ESKYGPPCPSCP"  # same patent: natural IgG4 hinge
P2A_STATEMENTS = {  # patent (SEQ ID NO) or repository → P2A as written there
    "US20220133911 (26)": "ATNFSLLKQAGDVEENPGP",
    "US20230009009 (188)": "GSGATNFSLLKQAGDVEENPGP",
    "US20210206813 (24)": "GSGATNFSLLKQAGDVEENPGP",
    "pirl-unc/tcrsift assemble.py": "GSGATNFSLLKQAGDVEENPGP",
}


def test_golden_uniprot_records_match_their_published_crc64() -> None:
    assert crc64(P01732) == "CRC-FCCA29BAA73726BB"
    assert crc64(Q07011) == "CRC-F3A563FE5EF00460"
    assert crc64(P10747) == "CRC-1D9B6552A5878D0F"
    assert crc64(P20963) == "CRC-9408260374856EE9"
    assert (len(P01732), len(Q07011), len(P10747), len(P20963)) == (235, 255, 220, 164)


def _uniprot_slice(accession: str, residues: str) -> str:
    lo, hi = (int(x) for x in residues.split()[0].split("-"))
    seq = UNIPROT[accession]
    if accession == "P20963-3":  # isoform 3: canonical minus Gln101 (VSP_036459)
        return seq[lo - 1 : 100] + seq[101:hi]
    return seq[lo - 1 : hi]


@pytest.mark.parametrize("key", ["CD8a_leader", "CD8a_hinge", "CD8a_tm", "CD28_hinge", "CD28_tm",
                                 "CD28_costim", "4-1BB_costim", "CD3z"])  # fmt: skip
def test_segment_is_the_stated_uniprot_residues(key: str) -> None:
    d = get_domain(key)
    assert d.sequence == _uniprot_slice(d.uniprot, d.residues)


def test_cd3z_is_isoform_3_without_gln101() -> None:
    d = get_domain("CD3z")
    assert d.length_aa == 112 and "GGKPRRKNP" in d.sequence and "GGKPQRRKNP" in P20963


def test_every_bundled_segment_has_two_resolvable_sources() -> None:
    for d in list_domains():
        assert len(d.sources) >= 2, d.key
        resolved = d.to_dict()["sources"]
        assert all(" " in s for s in resolved), (d.key, resolved)  # expanded text, not a key


def test_egfrt_and_leaders_are_in_the_product_sequences() -> None:
    assert get_domain("GMCSFRa_leader").sequence == AXICEL[:22]
    assert (
        get_domain("Whitlow_linker").sequence in AXICEL
        and get_domain("G4S3_linker").sequence in TISACEL
    )
    assert get_domain("EGFRt").length_aa == 335 and get_domain("T2A").sequence.endswith("NPGP")


def test_yescarta_like_design_equals_axicel_without_its_aaa_spacer() -> None:
    c = design_car(CarSpec(target="CD19", binder="FMC63", leader="GM-CSFRa", hinge="CD28",
                           costim="CD28"))  # fmt: skip
    assert c.protein == AXICEL.replace("TVSSAAAIEV", "TVSSIEV")
    assert [s.key for s in c.segments][-4:] == ["CD28_hinge", "CD28_tm", "CD28_costim", "CD3z"]


def test_yescarta_like_protein_contains_cited_segments_in_order() -> None:
    c = design_car(CarSpec(target="CD19", leader="GM-CSFRa", hinge="CD28", costim="CD28"))
    wanted = [("P10747", "114-152"), ("P10747", "153-179"), ("P10747", "180-220"),
              ("P20963-3", "52-164")]  # fmt: skip
    positions = [c.protein.find(_uniprot_slice(acc, res)) for acc, res in wanted]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert c.protein.endswith(_uniprot_slice("P10747", "114-220") + get_domain("CD3z").sequence)


def test_abecma_like_design_equals_idecel_without_its_aaa_spacer() -> None:
    c = design_car(CarSpec(target="BCMA"))
    assert c.protein == IDECEL.replace("TVSSAAATTTP", "TVSSTTTP")


def test_kymriah_like_design_differs_from_tisacel_only_at_cd3z_q65k() -> None:
    c = design_car(CarSpec(target="CD19", binder="FMC63", linker="G4S3"))
    assert len(c.protein) == len(TISACEL)
    diffs = [(i, a, b) for i, (a, b) in enumerate(zip(c.protein, TISACEL, strict=True)) if a != b]
    z = c.segment("CD3z")
    assert diffs == [(z.start + 13, "Q", "K")]  # canonical P20963 position 65


def test_kymriah_like_protein_contains_cited_segments_in_order() -> None:
    c = design_car(CarSpec(target="CD19", binder="FMC63"))
    wanted = [("P01732", "1-21"), ("P01732", "138-182"), ("P01732", "183-206"),
              ("Q07011", "214-255"), ("P20963-3", "52-164")]  # fmt: skip
    positions = [c.protein.find(_uniprot_slice(acc, res)) for acc, res in wanted]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert c.protein[c.segment("FMC63_VL").start :].startswith(get_binder("FMC63").vl.sequence)  # type: ignore[union-attr]


def test_segments_tile_the_protein_for_every_option_combination() -> None:
    for hinge, costim, fmt, sw, skip in itertools.product(
        HINGES, COSTIMS, ["scfv-vl-vh", "scfv-vh-vl"], ["none", "EGFRt"], PEPTIDES_2A
    ):
        if hinge == "IgG4-long" or (sw == "none" and skip != "T2A"):  # refused: see below
            continue
        c = design_car(CarSpec(target="CD19", hinge=hinge, costim=costim, format=fmt,
                               safety_switch=sw, skip=skip))  # fmt: skip
        assert "".join(s.domain.sequence for s in c.segments) == c.protein
        assert all(a.end == b.start for a, b in itertools.pairwise(c.segments))
        assert c.protein.startswith("M") and "*" not in c.protein
        assert (c.segments[-1].key == "EGFRt") == (sw == "EGFRt")
        assert (skip in [s.key for s in c.segments]) == (sw == "EGFRt")


def test_igg4_short_hinge_is_the_sourced_s228p_hinge() -> None:
    d = get_domain("IgG4-short")
    assert d.sequence == US20230372483_SEQ3 == "ESKYGPPCPPCP" and d.kind == "hinge"
    assert LISOCEL.count(d.sequence) == 1  # liso-cel GSRS: the second source
    # the natural IgG4 hinge differs only by S228P (EU numbering): 10th residue S -> P
    pairs = enumerate(zip(US20230372483_SEQ4, d.sequence, strict=True))
    diffs = [(i + 1, a, b) for i, (a, b) in pairs if a != b]
    assert diffs == [(10, "S", "P")]
    assert set(d.sources) == {"GSRS-E18VZQ3GB1", "PAT-US20230372483"}


def test_breyanzi_like_design_equals_lisocel_but_three_cloning_residues() -> None:
    """FMC63 + IgG4-short hinge + CD28 TM + 4-1BB + CD3z + T2A + EGFRt (liso-cel layout).

    liso-cel's single ORF also carries an extra Met before the CD28 TM, LEGGG before T2A and an
    Arg after it (cloning residues, not part of any bundled segment); nothing else differs.
    """
    c = design_car(CarSpec(target="CD19", binder="FMC63", leader="GM-CSFRa", hinge="IgG4-short",
                           costim="4-1BB", safety_switch="EGFRt"))  # fmt: skip
    keys = ["GMCSFRa_leader", "FMC63_VL", "Whitlow_linker", "FMC63_VH", "IgG4-short", "CD28_tm",
            "4-1BB_costim", "CD3z", "T2A", "GMCSFRa_leader", "EGFRt"]  # fmt: skip
    assert [s.key for s in c.segments] == keys
    lisocel = (LISOCEL.replace("CPPCPMFWV", "CPPCPFWV").replace("ALPPRLEGGGEGRG", "ALPPREGRG")
               .replace("NPGPRMLLL", "NPGPMLLL"))  # fmt: skip
    assert c.protein == lisocel
    wanted = [get_domain(k).sequence for k in ("IgG4-short", "CD28_tm", "4-1BB_costim", "CD3z",
                                               "T2A", "EGFRt")]  # fmt: skip
    positions = [c.protein.find(w) for w in wanted]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert c.protein[c.segment("CD28_tm").start :].startswith(_uniprot_slice("P10747", "153-179"))


def test_p2a_is_the_sourced_peptide_without_gsg_like_t2a() -> None:
    d = get_domain("P2A")
    assert d.sequence == "ATNFSLLKQAGDVEENPGP" and d.kind == "2a" and len(d.sources) == 4
    for where, stated in P2A_STATEMENTS.items():
        assert stated.removeprefix("GSG") == d.sequence, where
    assert not get_domain("T2A").sequence.startswith("GSG")  # both bundled without the GSG
    assert d.sequence.endswith("NPGP") and get_domain("T2A").sequence.endswith("NPGP")


def test_p2a_replaces_t2a_before_the_safety_switch_and_in_tcrs() -> None:
    c = design_car(CarSpec(target="CD19", safety_switch="EGFRt", skip="p2a"))
    assert [s.key for s in c.segments][-3:] == ["P2A", "GMCSFRa_leader", "EGFRt"]
    assert c.options["2a"] == "P2A" and "EGRGSLLTCGDVEENPGP" not in c.protein
    alpha, beta = "M" + "AKQEVTQIPAALSVPEGENLVLNC" * 10, "M" + "GVTQTPKFQVLKTGQSMTLQCAQ" * 10
    assert design_tcr(alpha, beta, skip="P2A").protein == beta + "ATNFSLLKQAGDVEENPGP" + alpha
    plain = design_car(CarSpec(target="CD19"))
    assert plain.options["2a"] is None and "2a" not in [s.domain.kind for s in plain.segments]
    with pytest.raises(InputError, match="needs a protein to co-express"):
        design_car(CarSpec(target="CD19", skip="P2A"))
    with pytest.raises(InputError, match="unknown --2a"):
        design_car(CarSpec(target="CD19", safety_switch="EGFRt", skip="F2A"))


def test_unbundled_segments_raise_with_a_fasta_hint() -> None:
    assert set(unbundled_domains()) == {"IgG4-long", "iCasp9"}
    assert "L235E/N297Q" in unbundled_domains()["IgG4-long"]
    for spec in (CarSpec(target="CD19", hinge="IgG4-long"),
                 CarSpec(target="CD19", safety_switch="iCasp9")):  # fmt: skip
        with pytest.raises(InputError, match="not bundled") as exc:
            design_car(spec)
        assert "--domains" in (exc.value.hint or "")


def test_user_supplied_icasp9_goes_first_then_the_2a() -> None:
    icasp = make_domain("iCasp9", "M" + "GVQVETISPGDGRTFPKRGQTCVVHYTGMLEDGKKVDSSRDRNKPFKFMLGKQEV")
    c = design_car(CarSpec(target="CD19", safety_switch="iCasp9"), user_domains={"iCasp9": icasp})
    assert [s.key for s in c.segments][:3] == ["iCasp9", "T2A", "CD8a_leader"]
    c = design_car(CarSpec(target="CD19", safety_switch="iCasp9", skip="P2A"),
                   user_domains={"iCasp9": icasp})  # fmt: skip
    assert [s.key for s in c.segments][:3] == ["iCasp9", "P2A", "CD8a_leader"]


def test_binders_and_their_errors() -> None:
    assert [b.name for b in list_binders(target="cd19")] == ["FMC63"]
    with pytest.raises(InputError, match="unknown binder"):
        design_car(CarSpec(target="CD19", binder="blinatumomab"))
    with pytest.raises(InputError, match="binds CD19, not BCMA"):
        design_car(CarSpec(target="BCMA", binder="FMC63"))
    with pytest.raises(InputError, match="no bundled binder for target 'CD7'"):
        design_car(CarSpec(target="CD7"))
    with pytest.raises(InputError, match="is an scFv"):
        design_car(CarSpec(target="CD19", format="vhh"))
    with pytest.raises(InputError, match="unknown --hinge"):
        design_car(CarSpec(target="CD19", hinge="CD4"))


def test_user_binder_validation() -> None:
    fmc = get_binder("FMC63")
    b = make_binder("mine", target="CD19", vh=fmc.vh.sequence, vl=fmc.vl.sequence)  # type: ignore[union-attr]
    assert design_car(CarSpec(target="CD19", binder=b)).protein == design_car(
        CarSpec(target="CD19")).protein  # fmt: skip
    vhh = make_binder("nb", target="BCMA", vhh=fmc.vh.sequence)  # type: ignore[union-attr]
    c = design_car(CarSpec(target="BCMA", binder=vhh, format="vhh"))
    assert [s.key for s in c.segments][1] == "nb_VHH"
    with pytest.raises(InputError, match="both VH and VL"):
        make_binder("x", target="CD19", vh=fmc.vh.sequence)  # type: ignore[union-attr]
    with pytest.raises(InputError, match="variable domain"):
        make_binder("x", target="CD19", vhh="EVQLVESGG")
    with pytest.raises(InputError, match="non-amino-acid"):
        make_binder("x", target="CD19", vhh="EVQLV1" * 20)
    with pytest.raises(InputError, match="unknown residue X"):
        make_binder("x", target="CD19", vhh="EVQLVX" * 20)


def test_tcr_construct_joins_chains_with_t2a() -> None:
    alpha, beta = "M" + "AKQEVTQIPAALSVPEGENLVLNC" * 10, "M" + "GVTQTPKFQVLKTGQSMTLQCAQ" * 10
    c = design_tcr(alpha, beta)
    assert [s.key for s in c.segments] == ["TCR_beta", "T2A", "TCR_alpha"]
    assert c.protein == beta + get_domain("T2A").sequence + alpha
    assert design_tcr(alpha, beta, order="alpha-beta").segments[0].key == "TCR_alpha"
    with pytest.raises(InputError, match="start with Met"):
        design_tcr(alpha[1:], beta)
    with pytest.raises(InputError, match="full-length chain"):
        design_tcr("MCASSLGQAYEQYF", beta)
