"""The one command-line entry point: `warehouse <subcommand> [options]` (also `python -m warehouse_tools`).

A subcommand is a module of this package that defines `main()`, named with dashes for underscores
(`warehouse check-landing-files` runs `warehouse_tools.check_landing_files.main`). Its options are its
own: `warehouse <subcommand> --help`. Only the chosen module is imported, so a quick command does not
pay for Great Expectations' or dbt's imports.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
NOT_COMMANDS = {"cli", "__main__"}


def commands() -> dict[str, tuple[str, str]]:
    """Subcommand name -> (module name, first paragraph of the module's docstring), read without importing."""
    found = {}
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        if path.stem in NOT_COMMANDS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            first_paragraph = (ast.get_docstring(tree) or "").strip().split("\n\n")[0]
            found[path.stem.replace("_", "-")] = (path.stem, " ".join(first_paragraph.split()))
    return found


def usage(available: dict[str, tuple[str, str]]) -> str:
    width = max(len(name) for name in available)
    lines = ["usage: warehouse <subcommand> [options]   (warehouse <subcommand> --help for its options)", "",
             "subcommands:"]
    lines += [f"  {name:<{width}}  {summary}" for name, (_, summary) in available.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    available = commands()
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage(available))
        return 0
    name, rest = args[0], args[1:]
    if name not in available:
        print(f"warehouse: unknown subcommand {name!r}\n\n{usage(available)}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"warehouse_tools.{available[name][0]}")
    # each subcommand parses sys.argv itself (argparse): its program name, then its own options
    sys.argv = [f"warehouse {name}", *rest]
    status = module.main()
    return status if isinstance(status, int) else 0
