"""dbt-bouncer check: layers are read one way, staging -> intermediate -> marts (dbt-bouncer.yml).

A model in `models/intermediate/` (or staging) that reads a mart runs the layers backwards: the mart
is published for BI and its shape may change for its readers, and the intermediate layer then
depends on it. Refs in macros count too (dbt records them as the model's parents). Loaded by
dbt-bouncer from `custom_checks_dir`.
"""

from dbt_bouncer.check_framework.decorator import check, fail


@check
def check_model_reads_no_later_layer(model, ctx, *, layer_path: str, later_layer_path: str):
    """A model under `layer_path` must have no parent model under `later_layer_path`.

    Parameters:
        layer_path (str): Path prefix of the layer checked, e.g. `models/intermediate/`.
        later_layer_path (str): Path prefix of the layer it must not read, e.g. `models/marts/`.
    """
    path = str(model.original_file_path).replace("\\", "/")
    if not path.startswith(layer_path):
        return
    parents = set(getattr(model.depends_on, "nodes", None) or [])
    read = sorted(m.name for m in ctx.models if m.unique_id in parents
                  and str(m.original_file_path).replace("\\", "/").startswith(later_layer_path))
    if read:
        fail(f"`{model.name}` ({layer_path}) reads {', '.join(f'`{name}`' for name in read)} from "
             f"{later_layer_path}: read the intermediate model behind the mart instead (docs/conventions.md).")
