"""SQL expressions for the scale generator: literals, random picks, and the messy renderings of emails and
phone numbers (people.Renderer's, as DuckDB expressions of a row key and a salt).

The expressions use the seeded macros of macros.py: `u(key, salt)` uniform in [0, 1), `ri(key, salt, n)` an
integer below n.
"""

from __future__ import annotations

from ..people import PLACEHOLDER_EMAILS, PLACEHOLDER_PHONES

ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as helpers.alnum_id


def lit(value) -> str:
    """A SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def sql_list(values) -> str:
    """A SQL list literal."""
    return "[" + ", ".join(lit(v) for v in values) + "]"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def pick(options, key: str, salt: str) -> str:
    """One of the options, uniformly."""
    return f"{sql_list(options)}[1 + ri({key}, '{salt}', {len(options)})]"


def wpick(options, probs, key: str, salt: str) -> str:
    """One of the options with the given probabilities (a CASE on one uniform draw)."""
    assert len(options) == len(probs) and abs(sum(probs) - 1) < 1e-9
    draw = f"u({key}, '{salt}')"
    parts, cum = [], 0.0
    for option, p in zip(options[:-1], probs[:-1]):
        cum += p
        parts.append(f"WHEN {draw} < {cum!r} THEN {lit(option)}")
    return f"(CASE {' '.join(parts)} ELSE {lit(options[-1])} END)"


def render_email(addr: str, key: str, salt: str, case_noise: float = 0.08, space_noise: float = 0.03) -> str:
    """people.Renderer.email: other case now and then, stray whitespace around it."""
    c = f"u({key}, '{salt}.case')"
    cased = (f"(CASE WHEN {c} < {case_noise / 2!r} THEN upper({addr}) "
             f"WHEN {c} < {case_noise!r} THEN upper(left({addr}, 1)) || substr({addr}, 2) ELSE {addr} END)")
    return (f"(CASE WHEN u({key}, '{salt}.space') < {space_noise!r} "
            f"THEN [' ', '  ', chr(9)][1 + ri({key}, '{salt}.pre', 3)] || {cased} "
            f"|| ['', ' '][1 + ri({key}, '{salt}.post', 2)] "
            f"ELSE {cased} END)")


def _formats(country: str, n: str, same_plan: bool) -> tuple[list[str], list[str]]:
    """people.Renderer.phone's national and international formats, as SQL expressions of the nsn `n`."""
    def s(a: int, b: int | None = None) -> str:  # Python's n[a:b]
        return f"substr({n}, {a + 1}, {b - a})" if b is not None else f"substr({n}, {a + 1})"

    def cat(*parts: str) -> str:  # parts are SQL expressions; text in single quotes
        return "(" + " || ".join(parts) + ")"
    if country == "AU":
        spaced = cat(s(0, 3), "' '", s(3, 6), "' '", s(6))
        dashed = cat(s(0, 3), "'-'", s(3, 6), "'-'", s(6))
        national = [cat("'0'", n), cat("'0'", spaced), cat("'0'", dashed),
                    cat("'(0'", s(0, 1), "') '", s(1, 5), "' '", s(5)), n, cat("'0'", spaced)]
        intl = [cat("'+61 '", spaced), cat("'+61'", n), cat("'61'" if same_plan else "'+61'", n),
                cat("'+61 (0)'", spaced), cat("'0011 61 '" if same_plan else "'+61 '", n), cat("'+61-'", dashed)]
    elif country == "US":  # also CA: the same numbering plan and formats
        a, e, x = s(0, 3), s(3, 6), s(6)
        national = [cat("'('", a, "') '", e, "'-'", x), cat(a, "'-'", e, "'-'", x), cat(a, "'.'", e, "'.'", x), n,
                    cat("'1-'", a, "'-'", e, "'-'", x), cat("'1'", n)]
        intl = [cat("'+1 '", a, "' '", e, "' '", x), cat("'+1 ('", a, "') '", e, "'-'", x), cat("'+1'", n),
                cat("'+1-'", a, "'-'", e, "'-'", x), cat("'+1 '", a, "'-'", e, "'-'", x), cat("'+1'", n)]
    else:  # GH
        spaced = cat(s(0, 2), "' '", s(2, 5), "' '", s(5))
        dashed = cat(s(0, 2), "'-'", s(2, 5), "'-'", s(5))
        national = [cat("'0'", n), cat("'0'", spaced), cat("'0'", dashed), cat("'233'" if same_plan else "'0'", n),
                    cat("'0'", s(0, 2), "' '", s(2)), cat("'0'", n)]
        intl = [cat("'+233 '", spaced), cat("'+233'", n), cat("'+233 '", n),
                cat("'00233'" if same_plan else "'+233'", n), cat("'+233-'", dashed), cat("'+233'", n)]
    return national, intl


def render_phone(country: str, nsn: str, default: str, key: str, salt: str) -> str:
    """people.Renderer.phone: national format (70%) when the number is of the source's calling plan."""
    plan = {"AU": "AU", "US": "US", "CA": "US", "GH": "GH"}[default]
    style = f"ri({key}, '{salt}.style', 6)"
    national_draw = f"u({key}, '{salt}.nat') < 0.7"
    branches = []
    for c, condition in (("AU", f"{country} = 'AU'"), ("US", f"{country} IN ('US', 'CA')"), ("GH", None)):
        same_plan = plan == c
        national, intl = _formats(c, nsn, same_plan)
        intl_case = "CASE " + style + " " + " ".join(f"WHEN {i} THEN {f}" for i, f in enumerate(intl[:-1])) + \
            f" ELSE {intl[-1]} END"
        if same_plan:
            nat_case = "CASE " + style + " " + " ".join(f"WHEN {i} THEN {f}" for i, f in enumerate(national[:-1])) + \
                f" ELSE {national[-1]} END"
            expr = f"(CASE WHEN {national_draw} THEN {nat_case} ELSE {intl_case} END)"
        else:
            expr = f"({intl_case})"
        branches.append((condition, expr))
    return (f"(CASE WHEN {nsn} IS NULL THEN NULL WHEN {branches[0][0]} THEN {branches[0][1]} "
            f"WHEN {branches[1][0]} THEN {branches[1][1]} ELSE {branches[2][1]} END)")


def placeholder_phone(default: str, key: str, salt: str) -> str:
    """One of the placeholders typed for a phone number in the source's country."""
    return pick(PLACEHOLDER_PHONES.get(default, ["0000000000"]) + ["none", "N/A"], key, salt)


def placeholder_email(key: str, salt: str) -> str:
    """One of the placeholders typed for an email address."""
    return pick(PLACEHOLDER_EMAILS, key, salt)


def alnum(h: str, n: str | int, offset: int = 0) -> str:
    """n characters of ALNUM from the 5-bit groups of the unsigned integer expression h (up to 12)."""
    chars = sql_list(list(ALNUM))
    return " || ".join(f"{chars}[1 + ((({h}) >> {5 * p}) & 31)::INTEGER]" for p in range(offset, offset + int(n)))
