import pytest

from geo.naming import AreaMatcher, area_slug, municipality_code, name_parts


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


def test_name_parts_drop_filler():
    assert name_parts("Nørager/Søstjernevej m.fl.") == ["noerager", "soestjernevej"]


KNOWN = [
    ("gellerupparken-toveshoej", "Gellerupparken/Toveshøj", "0751"),
    ("bispehaven", "Bispehaven", "0751"),
    ("taastrupgaard", "Tåstrupgård", "0169"),
    ("agervang", "Agervang", "0316"),
    ("ringparken", "Ringparken", "0330"),
    ("skovgaardsparken", "Skovgårdsparken", "0751"),
    ("skovvejen-skovparken", "Skovvejen/Skovparken", "0621"),
]


@pytest.mark.parametrize(
    ("query", "municipality", "expected"),
    [
        ("Gellerup", None, "gellerupparken-toveshoej"),
        ("Toveshøj", None, "gellerupparken-toveshoej"),
        ("Gellerupparken / Toveshøj", None, "gellerupparken-toveshoej"),
        ("Taastrupgaard", None, "taastrupgaard"),
        ("Grønneparken", None, "agervang"),
        ("Ringparken, Slagelse", None, "ringparken"),
        ("Bispehaven", "0751", "bispehaven"),
        ("Bispehaven", "0101", None),  # wrong municipality
        ("Skovgaardsparken", None, "skovgaardsparken"),
        ("Hjortshøj", None, None),
    ],
)
def test_matcher(query, municipality, expected):
    matcher = AreaMatcher(KNOWN, aliases=[("Grønneparken", "agervang")])
    assert matcher.match(query, municipality) == expected


def test_matcher_refuses_ambiguous_prefix():
    # "Skov" is too short to be a prefix; "Skovparken" names one area only.
    matcher = AreaMatcher(KNOWN)
    assert matcher.match("Skovparken") == "skovvejen-skovparken"
    assert matcher.match("Skov") is None
