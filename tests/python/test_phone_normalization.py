"""The macro normalize_phone agrees with the phonenumbers library (libphonenumber).

The seed country_phone_rules is loaded into a throwaway DuckDB file with dbt, the macro is compiled
by dbt into one query, and that query normalises every generated input at once, in both of the
macro's variants (patterns written into the SQL when the seed exists at compile time, patterns
read from the table otherwise). Each result must equal the reference:

    phonenumbers.format_number(phonenumbers.parse(raw, default_country), E164)
    if parse succeeds, is_valid_number holds, the number's region is a supported country and the
    number is a fixed-line or mobile number; otherwise NULL.

Two rules of the macro are stricter than phonenumbers by design, and the reference applies them
too: raw text with a character other than digits, '+', whitespace and . - ( ) / gives NULL
(phonenumbers reads '0412 345 678 ext 5' as an extension and '1800 FLOWERS' as digits), and only
fixed-line and mobile numbers count (toll-free, premium, VoIP, pager... give NULL).

Unsupported on purpose (so the reference gives NULL for them and so must the macro): every
country not in the seed, e.g. +49 30 12345678 (Germany), including countries that share a
calling code with a supported one: Jersey, Guernsey, Isle of Man (+44), Jamaica, Bahamas and
other Caribbean NANP members (+1), Christmas Island and Cocos Islands (+61).

Not generated, because the macro does not mirror them (see the macro's banner): alternative
international prefixes (AU 0014..., NZ 0161), carrier selection codes (AU 1831), '++', non-ASCII
digits.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd
import phonenumbers
import pytest
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from conftest import PROJECT_DIR, compile_inline, run_dbt

SUPPORTED = ("AU", "US", "CA", "GB", "GH", "NZ")
IN_SCOPE_TYPES = {
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
# How numbers are written in each country, used only to render test inputs.
CALLING_CODE = {"AU": "61", "US": "1", "CA": "1", "GB": "44", "GH": "233", "NZ": "64"}
TRUNK_PREFIX = {"AU": "0", "US": "1", "CA": "1", "GB": "0", "GH": "0", "NZ": "0"}
INTERNATIONAL_PREFIX = {"AU": "0011", "US": "011", "CA": "011", "GB": "00", "GH": "00", "NZ": "00"}
# Leading digits and lengths of national significant numbers to draw from, per country: wide
# enough to contain every fixed-line and mobile range plus invalid neighbours.
NSN_SPACES = {
    "AU": [("2", 9), ("3", 9), ("4", 9), ("7", 9), ("8", 9)],
    "US": [("", 10)],
    "CA": [("", 10)],
    "GB": [("1", 10), ("1", 9), ("2", 10), ("7", 10)],
    "GH": [("2", 9), ("3", 9), ("5", 9)],
    "NZ": [("2", 8), ("2", 9), ("2", 10), ("3", 8), ("4", 8), ("6", 8), ("7", 8), ("9", 8)],
}
# Countries not supported, whose valid numbers must give NULL.
UNSUPPORTED_REGIONS = (
    "DE", "FR", "IE", "IN", "CN", "ZA", "NG", "KE", "SG", "PH", "BR", "MX",
    "JM", "BS", "PR", "DO", "TT",  # +1, not US/CA
    "JE", "GG", "IM",  # +44, not GB
    "CX", "CC",  # +61, not AU
)
ALLOWED_CHARACTERS = re.compile(r"[0-9+\s\u00a0.()/\-]*")
SEPARATORS = [" ", " ", " ", "-", ".", "", "/", "\u00a0", "  "]
SEED = 20240611


def reference_e164(raw: str | None, default_country: str | None) -> str | None:
    """What the macro must return, computed with phonenumbers."""
    if raw is None or not ALLOWED_CHARACTERS.fullmatch(raw):
        return None
    return phonenumbers_e164(raw, default_country)


def phonenumbers_e164(raw: str, default_country: str | None) -> str | None:
    try:
        number = phonenumbers.parse(raw, default_country)
    except NumberParseException:
        return None
    if (
        phonenumbers.is_valid_number(number)
        and phonenumbers.region_code_for_number(number) in SUPPORTED
        and phonenumbers.number_type(number) in IN_SCOPE_TYPES
    ):
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return None


@dataclass(frozen=True)
class Case:
    category: str
    raw: str | None
    default_country: str | None


# --------------------------------------------------------------------------------------------
# Input generation
# --------------------------------------------------------------------------------------------


def random_digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def random_nsn(rng: random.Random, country: str, length_delta: int = 0) -> str:
    """A national significant number from the country's NSN space; not necessarily valid."""
    prefix, length = rng.choice(NSN_SPACES[country])
    return prefix + random_digits(rng, max(1, length + length_delta - len(prefix)))


def in_scope_region(nsn: str, calling_code: str) -> str | None:
    """Region of +<calling_code><nsn> if phonenumbers calls it a valid fixed-line/mobile number."""
    number = phonenumbers.PhoneNumber(country_code=int(calling_code), national_number=int(nsn))
    if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in IN_SCOPE_TYPES:
        return phonenumbers.region_code_for_number(number)
    return None


def valid_nsn(rng: random.Random, country: str) -> str:
    """A fixed-line or mobile NSN that phonenumbers considers valid for `country`.

    Rejection sampling over the country's NSN space: phonenumbers only picks the inputs here;
    the expected results are computed independently by reference_e164.
    """
    for _ in range(100_000):
        nsn = random_nsn(rng, country)
        if nsn[0] != "0" and in_scope_region(nsn, CALLING_CODE[country]) == country:
            return nsn
    raise AssertionError(f"no valid number found for {country}")


def group(rng: random.Random, digits: str, separator: str | None = None) -> str:
    """Digits split into chunks of 2-4 joined by one separator (random unless given)."""
    sep = rng.choice(SEPARATORS) if separator is None else separator
    chunks, i = [], 0
    while i < len(digits):
        size = rng.choice((2, 3, 3, 4, 4))
        chunks.append(digits[i : i + size])
        i += size
    return sep.join(chunks)


def national_text(rng: random.Random, country: str, nsn: str, trunk: bool = True) -> str:
    """The number as written inside the country, punctuated in one of several styles."""
    prefix = TRUNK_PREFIX[country] if trunk else ""
    style = rng.random()
    if country in ("US", "CA"):
        area, exchange, line = nsn[:3], nsn[3:6], nsn[6:]
        lead = f"{prefix} " if prefix and rng.random() < 0.7 else prefix
        if style < 0.3:
            return f"{lead}({area}) {exchange}-{line}"
        if style < 0.6:
            sep = rng.choice(["-", ".", " ", ""])
            return f"{lead.strip()}{sep if prefix else ''}{area}{sep}{exchange}{sep}{line}"
        return lead + group(rng, nsn)
    area_len = rng.choice((1, 2, 3)) if nsn[0] != "4" else 3
    if style < 0.2:
        return f"({prefix}{nsn[:area_len]}) {group(rng, nsn[area_len:])}"
    if style < 0.35:
        return prefix + nsn
    return group(rng, prefix + nsn)


def international_digits(rng: random.Random, country: str, nsn: str) -> str:
    """Calling code and NSN, spaced or punctuated, sometimes with the trunk prefix kept."""
    cc = CALLING_CODE[country]
    sep = rng.choice(SEPARATORS)
    roll = rng.random()
    if roll < 0.12:  # "+61 (0)4..." style
        trunk = TRUNK_PREFIX[country]
        return f"{cc} ({trunk}){group(rng, nsn, sep)}" if sep else f"{cc}({trunk}){nsn}"
    if roll < 0.18:
        return f"{cc}{sep}{TRUNK_PREFIX[country]}{sep}{group(rng, nsn, sep)}"
    if roll < 0.25:
        return f"({cc}){sep}{group(rng, nsn, sep)}"
    return f"{cc}{sep}{group(rng, nsn, sep)}"


def pad(rng: random.Random, text: str) -> str:
    """Sometimes surround with whitespace, as exports do."""
    if rng.random() < 0.08:
        return rng.choice([" ", "  ", "\t"]) + text + rng.choice(["", " ", "\n"])
    return text


def render_valid(rng: random.Random, country: str, nsn: str) -> Case:
    others = [c for c in SUPPORTED if c != country]
    style = rng.choice(
        ["national", "national", "national_other_default", "no_trunk", "plus", "plus", "plus_no_default",
         "idd", "code_no_plus", "code_no_plus_other_default"]
    )
    if style == "national":
        return Case("national", pad(rng, national_text(rng, country, nsn)), country)
    if style == "national_other_default":
        return Case(style, national_text(rng, country, nsn), rng.choice(others))
    if style == "no_trunk":
        return Case("national_no_trunk", pad(rng, national_text(rng, country, nsn, trunk=False)), country)
    if style in ("plus", "plus_no_default"):
        default = None if style == "plus_no_default" else rng.choice(SUPPORTED)
        plus = rng.choice(["+", "+", "+", "+ ", "(+"])
        text = plus + international_digits(rng, country, nsn)
        if plus == "(+":
            cc = CALLING_CODE[country]
            text = f"(+{cc}) {group(rng, nsn)}"
        return Case(style, pad(rng, text), default)
    if style == "idd":
        dialling_from = rng.choice(SUPPORTED)
        idd = INTERNATIONAL_PREFIX[dialling_from]
        text = f"{idd}{rng.choice([' ', '', '-'])}{international_digits(rng, country, nsn)}"
        return Case("international_prefix", pad(rng, text), dialling_from)
    if style == "code_no_plus":
        return Case(style, pad(rng, international_digits(rng, country, nsn)), country)
    return Case(style, international_digits(rng, country, nsn), rng.choice(others))


def valid_cases(rng: random.Random, per_country: int) -> Iterable[Case]:
    for country in SUPPORTED:
        for _ in range(per_country):
            yield render_valid(rng, country, valid_nsn(rng, country))


def sweep_cases(rng: random.Random, per_country: int) -> Iterable[Case]:
    """Unfiltered NSNs of each country's space and neighbouring lengths: mostly invalid, some valid."""
    for country in SUPPORTED:
        for _ in range(per_country):
            nsn = random_nsn(rng, country, length_delta=rng.choice((-1, 0, 0, 0, 1)))
            case = render_valid(rng, country, nsn)
            yield Case("sweep_" + case.category, case.raw, case.default_country)


PLACEHOLDERS = [
    "0400000000", "0400 000 000", "0000000000", "000", "0", "00", "+", "++", "+0", "+61", "+614",
    "1234567890", "0123456789", "9999999999", "(000) 000-0000", "+61 000 000 000", "+1 555 555 5555",
    "555-5555", "(555) 555-5555", "0411111111", "0412 345 678 0412 345 678", "+440000000000",
    "0200000000", "1111111111", "1-800-123-4567", "1800 123 456", "13 00 00", "0800 123 4567",
    "+44 800 123 4567", "+64 800 123 456", "0900 123456",
]
WORDS = [
    "none", "None", "NONE", "n/a", "N/A", "na", "unknown", "TBC", "tbd", "null", "NULL", "nil",
    "no phone", "phone", "mobile", "-", "--", "()", ".", "/", "?", "x", "same as above",
]
EMPTY = ["", " ", "   ", "\t", " \n ", "\u00a0"]


def unsupported_cases(rng: random.Random, count: int) -> Iterable[Case]:
    """Valid numbers of unsupported countries, written internationally."""
    examples = []
    for region in UNSUPPORTED_REGIONS:
        for number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is not None:
                examples.append(example)
    for _ in range(count):
        number = rng.choice(examples)
        cc, nsn = str(number.country_code), phonenumbers.national_significant_number(number)
        default = rng.choice(SUPPORTED)
        prefix = rng.choice(["+", "+", INTERNATIONAL_PREFIX[default] + " ", ""])
        yield Case("unsupported_country", f"{prefix}{cc} {group(rng, nsn)}", default)
    for raw, default in [
        ("+49 30 12345678", "AU"), ("0049 30 12345678", "GB"), ("011 49 30 12345678", "US"),
        ("+1 876 927 1234", "US"), ("+1 242 357 1234", "CA"), ("+44 1534 456789", "GB"),
        ("+44 7781 123456", "GB"), ("07624 123456", "GB"), ("+61 8 9164 1234", "AU"),
        ("08 9162 1234", "AU"), ("+33 1 23 45 67 89", "GB"), ("+91 98765 43210", "US"),
    ]:
        yield Case("unsupported_country", raw, default)


def junk_cases(rng: random.Random, count: int) -> Iterable[Case]:
    defaults = [*SUPPORTED, None]
    for raw in PLACEHOLDERS + WORDS + EMPTY:
        for default in SUPPORTED:
            yield Case("junk_fixed_list", raw, default)
    for _ in range(count):
        default = rng.choice(defaults)
        country = rng.choice(SUPPORTED)
        kind = rng.choice(["short", "long", "letters", "random_digits", "null", "mixed_letters"])
        if kind == "short":
            raw = rng.choice(["", "+", TRUNK_PREFIX[country], CALLING_CODE[country]]) + random_digits(
                rng, rng.randint(1, 6)
            )
        elif kind == "long":
            nsn = valid_nsn(rng, country) + random_digits(rng, rng.randint(1, 4))
            raw = rng.choice([national_text(rng, country, nsn), "+" + international_digits(rng, country, nsn)])
            default = country
        elif kind == "letters":
            text = national_text(rng, country, valid_nsn(rng, country))
            position = rng.randint(0, len(text))
            letter = rng.choice(["a", "O", "l", "x", "ext 12", " ext. 5", "#", "*", ","])
            raw = text[:position] + letter + text[position:]
            default = country
        elif kind == "mixed_letters":
            text = national_text(rng, country, valid_nsn(rng, country))
            raw = rng.choice([f"mob: {text}", f"{text} (home)", f"{text} x123", f"tel:{text}", f"{text}a"])
            default = country
        elif kind == "random_digits":
            raw = rng.choice(["", "", "+", "0", "00"]) + random_digits(rng, rng.randint(1, 16))
        else:
            raw = None
        yield Case("junk_" + kind, raw, default)


def generate_cases() -> list[Case]:
    rng = random.Random(SEED)
    return [
        *valid_cases(rng, per_country=1000),
        *sweep_cases(rng, per_country=500),
        *unsupported_cases(rng, count=400),
        *junk_cases(rng, count=2000),
    ]


# --------------------------------------------------------------------------------------------
# Running the macro
# --------------------------------------------------------------------------------------------

NORMALIZE_QUERY = """
select case_id, {{ normalize_phone('phone', 'country_code') }} as e164
from phone_cases
order by case_id
"""
# The macro writes the seed's patterns into the SQL when it can read the seed at compile time,
# and otherwise matches against the table's pattern column: both variants are tested.
VARIANTS = ("patterns_as_literals", "patterns_from_table")
SEED_PATTERNS = {
    row["country_code"]: row["nsn_pattern"]
    for row in csv.DictReader((PROJECT_DIR / "seeds" / "country_phone_rules.csv").open(newline=""))
}
Normalize = Callable[[list[tuple[str | None, str | None]], str], list[str | None]]


@pytest.fixture(scope="module")
def normalize(tmp_path_factory) -> Normalize:
    """Function normalising (raw, default_country) pairs with the macro, in one query per call.

    The input column holding the default country is deliberately called country_code, like a
    column of the seed, to prove that the macro's subqueries do not capture caller columns.
    """
    database = tmp_path_factory.mktemp("phone") / "phone.duckdb"
    compiled = {"patterns_from_table": compile_inline(NORMALIZE_QUERY, database)}  # seed not loaded yet
    run_dbt(["seed", "--select", "country_phone_rules"], database)
    compiled["patterns_as_literals"] = compile_inline(NORMALIZE_QUERY, database)
    au_pattern = "'" + SEED_PATTERNS["AU"] + "'"
    assert au_pattern in compiled["patterns_as_literals"]
    assert au_pattern not in compiled["patterns_from_table"]

    def run(pairs: list[tuple[str | None, str | None]], variant: str) -> list[str | None]:
        frame = pd.DataFrame(
            {
                "case_id": range(len(pairs)),
                "phone": pd.Series([raw for raw, _ in pairs], dtype=object),
                "country_code": pd.Series([default for _, default in pairs], dtype=object),
            }
        )
        with duckdb.connect(str(database)) as con:
            con.register("phone_cases_frame", frame)
            con.execute(
                "create or replace table phone_cases as "
                "select case_id::integer as case_id, phone::varchar as phone, "
                "country_code::varchar as country_code from phone_cases_frame"
            )
            rows = con.execute(compiled[variant]).fetchall()
        assert [case_id for case_id, _ in rows] == list(range(len(pairs)))
        return [e164 for _, e164 in rows]

    return run


@pytest.mark.parametrize("variant", VARIANTS)
def test_macro_matches_phonenumbers(normalize, variant):
    cases = generate_cases()
    results = normalize([(case.raw, case.default_country) for case in cases], variant)

    mismatches = []
    valid_by_country: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    letters_accepted_by_phonenumbers = 0
    for case, got in zip(cases, results, strict=True):
        expected = reference_e164(case.raw, case.default_country)
        by_category[case.category] += 1
        if expected is not None:
            valid_by_country[phonenumbers.region_code_for_number(phonenumbers.parse(expected))] += 1
        elif case.raw is not None and not ALLOWED_CHARACTERS.fullmatch(case.raw):
            letters_accepted_by_phonenumbers += phonenumbers_e164(case.raw, case.default_country) is not None
        if got != expected:
            mismatches.append((case, expected, got))

    summary = (
        f"{len(cases)} inputs, {sum(valid_by_country.values())} expected valid "
        f"({dict(valid_by_country)}); {letters_accepted_by_phonenumbers} inputs with letters or other "
        f"characters that phonenumbers alone would accept; categories: {dict(by_category)}"
    )
    print(summary)
    assert len(cases) >= 5000
    # Not vacuous: every supported country has many valid numbers among the inputs.
    assert all(valid_by_country[country] >= 300 for country in SUPPORTED), summary
    examples = "\n".join(
        f"  [{case.category}] {case.raw!r} default={case.default_country}: "
        f"expected {expected!r}, macro gave {got!r}"
        for case, expected, got in mismatches[:30]
    )
    assert not mismatches, (
        f"{len(mismatches)} of {len(cases)} inputs differ from phonenumbers "
        f"(by category: {dict(Counter(case.category for case, _, _ in mismatches))}):\n{examples}"
    )


# Hand-derived cases, each checked against both the macro and the reference.
HAND_CASES = [
    ("0412 345 678", "AU", "+61412345678"),
    ("0412345678", "AU", "+61412345678"),
    ("412 345 678", "AU", "+61412345678"),  # trunk prefix left out
    ("+61 (0)412 345 678", "US", "+61412345678"),  # trunk prefix after the calling code
    ("61412345678", "AU", "+61412345678"),  # calling code without '+'
    ("61 0412 345 678", "AU", "+61412345678"),
    ("(02) 9876 5432", "AU", "+61298765432"),
    ("0011 44 20 7946 0123", "AU", "+442079460123"),  # AU international prefix
    ("0061 412 345 678", "AU", None),  # 00 is not AU's international prefix
    ("0061 412 345 678", "GB", "+61412345678"),  # ...but it is GB's
    ("(303) 555-0123", "US", "+13035550123"),  # 555-01xx is kept for fiction, yet a valid number
    ("1-303-555-0123", "US", "+13035550123"),
    ("+1 303 555 0123", "AU", "+13035550123"),
    ("011 61 2 9876 5432", "US", "+61298765432"),
    ("416 555 0123", "US", "+14165550123"),  # Canadian area code read with default US
    ("+1 876 927 1234", "US", None),  # Jamaica shares +1 but is not supported
    ("+1 800 555 0123", "US", None),  # toll-free: valid, but not fixed-line or mobile
    ("07911 023456", "GB", "+447911023456"),
    ("+44 (0)20 7946 0123", "NZ", "+442079460123"),
    ("+44 7781 123456", "GB", None),  # Guernsey mobile
    ("024 123 4567", "GH", "+233241234567"),
    ("233 24 123 4567", "GH", "+233241234567"),
    ("+233 (0)24 123 4567", "AU", "+233241234567"),
    ("0302 123 456", "GH", "+233302123456"),
    ("021 123 4567", "NZ", "+64211234567"),
    ("09 912 3456", "NZ", "+6499123456"),
    ("+64 21 123 4567", None, "+64211234567"),
    ("0412345678", None, None),  # national number without a default country
    ("+49 30 12345678", "AU", None),  # Germany: unsupported
    ("0400000000", "AU", "+61400000000"),  # placeholder, but a valid AU mobile number
    ("", "AU", None),
    ("   ", "AU", None),
    (None, "AU", None),
    ("none", "AU", None),
    ("+", "AU", None),
    ("000", "AU", None),
    ("0412 345 67a", "AU", None),
    ("0412 345 678 ext 12", "AU", None),  # phonenumbers would keep the number, the macro does not
    ("0412\t345\t678", "AU", None),  # tabs inside: phonenumbers rejects it too
    (" 0412 345 678\n", "AU", "+61412345678"),
    ("041 234 567", "AU", None),  # too short
    ("04123456789", "AU", None),  # too long
]


@pytest.fixture(scope="module")
def hand_results(normalize) -> dict[str, dict[tuple[str | None, str | None], str | None]]:
    pairs = [(raw, default) for raw, default, _ in HAND_CASES]
    return {variant: dict(zip(pairs, normalize(pairs, variant), strict=True)) for variant in VARIANTS}


@pytest.mark.parametrize(("raw", "default_country", "expected"), HAND_CASES)
def test_hand_cases(hand_results, raw, default_country, expected):
    assert reference_e164(raw, default_country) == expected, "the hand-derived case disagrees with phonenumbers"
    for variant in VARIANTS:
        assert hand_results[variant][(raw, default_country)] == expected, variant
