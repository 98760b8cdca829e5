"""The warehouse's Python tooling: one package, one command, `warehouse <subcommand>`.

Every module here with a `main()` is a subcommand named after it (`generate_demo_data.py` is
`warehouse generate-demo-data`); `warehouse --help` lists them. `make` calls them; `make install`
installs the package (with `customer_value`, the models' numerics) into .venv in editable mode, so
the tools find the project's files (models/, gx/, seeds/) through `warehouse_tools.project.ROOT`.
"""
