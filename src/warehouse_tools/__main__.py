"""`python -m warehouse_tools <subcommand>`: the same as the `warehouse` command."""

import sys

from warehouse_tools.cli import main

sys.exit(main())
