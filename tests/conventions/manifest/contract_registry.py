"""dbt-bouncer check: a model tagged with a contract is read by that contract's union (dbt-bouncer.yml).

The unions (int_customer_identifiers_unioned, int_orders_unioned) read the models listed in a
project var; dbt records those refs as the union's parents. A model tagged for the contract but
missing from the var would be silently left out: this finds it at lint time (the macro
contract_models finds it again when dbt builds). Loaded by dbt-bouncer from `custom_checks_dir`.
"""

from dbt_bouncer.check_framework.decorator import check, fail


@check
def check_contract_models_are_unioned(model, ctx, *, tag: str, union_model: str, registry_var: str):
    """Models carrying `tag` must be parents of `union_model` (listed in the var `registry_var`).

    Parameters:
        tag (str): The tag that marks a model as conforming to the contract.
        union_model (str): The model that unions the contract's models.
        registry_var (str): The project var that lists them (named in the failure message).
    """
    if tag not in (model.tags or []):
        return
    union = next((m for m in ctx.models if m.name == union_model), None)
    if union is None:
        fail(f"`{model.name}` is tagged {tag} but the union model `{union_model}` does not exist.")
    parents = set(getattr(union.depends_on, "nodes", None) or [])
    if model.unique_id not in parents:
        fail(f"`{model.name}` is tagged {tag} but `{union_model}` does not read it: add it to the var "
             f"`{registry_var}` in dbt_project.yml (docs/adding-a-source.md).")
