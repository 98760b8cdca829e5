"""`adapter.dispatch(name)(*args)` renders as the call `name(args...)` for linting.

Arguments that are text rather than SQL (a regular expression, a strptime format, a JSON path)
are rendered as string literals, at the positions TEXT_ARGUMENTS lists; a few dispatched macros
render as the SQL the linter should see (a type name, a cast, unnest_json_array's select). `adapter.quote(name)` quotes an
identifier as DuckDB does.
"""

# macro name -> positions of its arguments that are text, not SQL
TEXT_ARGUMENTS = {
    "regex_full_match": {1},
    "regex_replace_all": {1, 2},
    "json_text": {1},
    "json_array_length_at": {1},
    "json_array_sum": {1},
    "utc_from_text": {1},
    "utc_from_local": {1},
    "local_timestamp": {1},
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _render(name: str, args: tuple) -> str:
    if name == "type_double":
        return "double"
    if name == "string_literal":
        return _literal(str(args[0]))
    if name == "try_cast":
        return f"try_cast({args[0]} as {args[1]})"
    if name == "unnest_json_array":  # a whole select: the parent's columns and the child's two
        relation, json_column, _, columns = args
        return f"select {''.join(c + ', ' for c in columns)}1 as element_index, {json_column} as element from {relation}"
    rendered = []
    for position, arg in enumerate(args):
        text = str(arg)
        quote = position in TEXT_ARGUMENTS.get(name, set()) or text.startswith("$")
        rendered.append(_literal(text) if quote else text)
    return f"{name}({', '.join(rendered)})"


def dispatch(macro_name: str, macro_namespace: str | None = None):
    return lambda *args, **kwargs: _render(macro_name, args)


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
