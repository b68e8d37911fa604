import re

import pytest

from geo.naming import AreaMatcher, area_slug, check_name, municipality_code, name_parts


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Gellerupparken/Toveshøj", "gellerupparken-toveshoej"),
        ("Tåstrupgård", "taastrupgaard"),
        ("Rønnebærparken/Æblehaven", "roennebaerparken-aeblehaven"),
        ("Gl. Jennumparken", "gl-jennumparken"),
        ("Korsløkkeparken Øst", "korsloekkeparken-oest"),
        ("  Nørager/Søstjernevej mv. ", "noerager-soestjernevej-mv"),
        ("Résidence Café", "residence-cafe"),
    ],
)
def test_area_slug(name, slug):
    assert area_slug(name) == slug


def test_area_slug_refuses_names_without_letters():
    with pytest.raises(ValueError, match="no letters or digits"):
        area_slug(" / ")


@pytest.mark.parametrize(("raw", "code"), [(101, "0101"), ("0751", "0751"), ("461.0", "0461")])
def test_municipality_code(raw, code):
    assert municipality_code(raw) == code


@pytest.mark.parametrize("raw", ["", "abc", "12", "1000", "-101"])
def test_municipality_code_refuses(raw):
    with pytest.raises(ValueError, match="101 to 999"):
        municipality_code(raw)


def test_name_parts_drop_trailing_filler():
    assert name_parts("Nørager/Søstjernevej m.fl.") == ["noerager", "soestjernevej"]
    assert name_parts("Solbakken mv.") == ["solbakken"]


KNOWN = [
    ("gellerupparken-toveshoej", "Gellerupparken/Toveshøj", "0751"),
    ("bispehaven", "Bispehaven", "0751"),
    ("taastrupgaard", "Tåstrupgård", "0169"),
    ("agervang", "Agervang", "0316"),
    ("ringparken", "Ringparken", "0330"),
    ("skovgaardsparken", "Skovgårdsparken", "0751"),
    ("skovvejen-skovparken", "Skovvejen/Skovparken", "0621"),
    ("munkebo", "Munkebo", "0440"),
    ("noerager-soestjernevej", "Nørager/Søstjernevej", "0706"),
]
ALIASES = [("Grønneparken", "agervang"), ("Gellerup", "gellerupparken-toveshoej")]


@pytest.mark.parametrize(
    ("query", "municipality", "expected"),
    [
        # exact names and ids under the documented normalisations
        ("Gellerupparken/Toveshøj", None, "gellerupparken-toveshoej"),
        ("gellerupparken-toveshoej", None, "gellerupparken-toveshoej"),
        ("Gellerupparken / Toveshøj", None, "gellerupparken-toveshoej"),  # spacing
        ("GELLERUPPARKEN-TOVESHØJ", None, "gellerupparken-toveshoej"),  # case, punctuation
        ("Taastrupgaard", None, "taastrupgaard"),  # å written aa
        ("Tastrupgard", None, "taastrupgaard"),  # å without its ring
        ("Skovgaardsparken", None, "skovgaardsparken"),
        ("Nørager/Søstjernevej m.fl.", None, "noerager-soestjernevej"),  # trailing m.fl.
        ("Noerager / Soestjernevej mv.", None, "noerager-soestjernevej"),
        ("Bispehaven", "0751", "bispehaven"),
        # known aliases
        ("Grønneparken", None, "agervang"),
        ("Gellerup", None, "gellerupparken-toveshoej"),
        # never guessed: prefixes, parts of a combined name, near spellings, other places
        ("Munkebo Nord", None, None),
        ("Bispehavens Kollegium", None, None),
        ("Toveshøj", None, None),
        ("Skovparken", None, None),
        ("Ringparken, Slagelse", None, None),  # not an alias in this matcher
        ("Bispehaven", "0101", None),  # wrong municipality
        ("Bispehaven Syd", None, None),
        ("Hjortshøj", None, None),
        ("Munkebo" + "x" * 10_000, None, None),
    ],
)
def test_matcher_never_guesses(query, municipality, expected):
    matcher = AreaMatcher(KNOWN, aliases=ALIASES)
    assert matcher.match(query, municipality) == expected


def test_unmatched_names_get_did_you_mean():
    matcher = AreaMatcher(KNOWN, aliases=ALIASES)
    assert "did you mean 'Munkebo'?" in matcher.explain("Munkebo Nord")
    assert "'Bispehaven'" in matcher.explain("Bispehavens Kollegium")
    assert "in municipality 0101" in matcher.explain("Bispehaven", "0101")
    assert matcher.suggest("Qwxyz") == []


def test_a_name_fitting_two_areas_matches_neither():
    matcher = AreaMatcher([("a-b", "A/B", None), ("ab", "AB", None)])
    assert matcher.match("A B") is None
    assert "fits several areas" in matcher.explain("A B")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "blank"),
        ("x" * 101, "101 characters"),
        ("Bispe\u202ehaven", "U+202E"),
        ("Bispe\nhaven", "U+000A"),
        ("Bispe\u200bhaven", "U+200B"),
        ("---", "no letters"),
    ],
)
def test_check_name_refuses(name, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        check_name(name)


def test_check_name_normalises():
    assert check_name("  Tåstrupgård ") == "Tåstrupgård"
    assert check_name("Ta\u030astrupgård") == "Tåstrupgård"  # NFC


def test_slug_length_is_capped():
    with pytest.raises(ValueError, match="at most 120"):
        area_slug("\ufb03" * 50)  # the ligature ﬃ spells out as three letters


@pytest.mark.parametrize("raw", ["٧٥١", "７５１", "751\u00b2"])
def test_municipality_code_refuses_non_ascii_digits(raw):
    with pytest.raises(ValueError, match="101 to 999"):
        municipality_code(raw)
