"""`adapter.dispatch(name)(*args)` renders as the call `name(args...)` for linting."""


def _render(name: str, args: tuple) -> str:
    rendered = []
    for arg in args:
        text = str(arg)
        rendered.append(f"'{text}'" if text.startswith("$") else text)
    return f"{name}({', '.join(rendered)})"


def dispatch(macro_name: str, macro_namespace: str | None = None):
    return lambda *args, **kwargs: _render(macro_name, args)
