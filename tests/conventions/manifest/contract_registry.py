"""dbt-bouncer check: a model tagged with a contract is read by that contract's union (dbt-bouncer.yml).

The unions (int_customer_identifiers_unioned, int_orders_unioned) read the models the source
registry names (each source table's config.meta.registry in its source's YAML, written out for dbt
by src/warehouse_tools/source_registry.py); dbt records those refs as the union's parents. A model tagged for
the contract but not registered would be silently left out: this finds it at lint time (the macro
contract_models finds it again when dbt builds). Loaded by dbt-bouncer from `custom_checks_dir`.
"""

from dbt_bouncer.check_framework.decorator import check, fail


@check
def check_contract_models_are_unioned(model, ctx, *, tag: str, union_model: str, registry_role: str):
    """Models carrying `tag` must be parents of `union_model` (registered as a table's `registry_role`).

    Parameters:
        tag (str): The tag that marks a model as conforming to the contract.
        union_model (str): The model that unions the contract's models.
        registry_role (str): The registry key that names them (in the failure message).
    """
    if tag not in (model.tags or []):
        return
    union = next((m for m in ctx.models if m.name == union_model), None)
    if union is None:
        fail(f"`{model.name}` is tagged {tag} but the union model `{union_model}` does not exist.")
    parents = set(getattr(union.depends_on, "nodes", None) or [])
    if model.unique_id not in parents:
        fail(f"`{model.name}` is tagged {tag} but `{union_model}` does not read it: name it as "
             f"`registry: {registry_role}` of its table in its source's YAML (docs/adding-a-source.md).")
