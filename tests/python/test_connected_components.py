"""The label-propagation macro (macros/connected_components.sql) against scipy's connected_components.

Graphs are written to a temporary DuckDB file as memberships (each edge a group of its two ends),
labelled by the macro through dbt (run-operation connected_components_into) and compared partition
for partition with scipy.sparse.csgraph.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from conftest import run_dbt


def _scipy_labels(a: np.ndarray, b: np.ndarray) -> dict[int, int]:
    nodes = np.unique(np.concatenate([a, b]))
    index = {int(n): i for i, n in enumerate(nodes)}
    rows = np.array([index[int(x)] for x in a])
    cols = np.array([index[int(x)] for x in b])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(nodes)))
    _, labels = connected_components(graph, directed=False)
    return {int(n): int(labels[i]) for i, n in enumerate(nodes)}


def _same_partition(ours: dict[int, int], reference: dict[int, int]) -> bool:
    if ours.keys() != reference.keys():
        return False
    pairs = {(ours[n], reference[n]) for n in ours}
    return len(pairs) == len(set(ours.values())) == len(set(reference.values()))


def _label_with_dbt(graphs: dict[str, tuple[np.ndarray, np.ndarray]], duckdb_path: Path,
                    check_below: float | None = None) -> dict[str, tuple]:
    """Labels each graph; check_below sets var identity_check_below_changed_share (None: the project's)."""
    with duckdb.connect(str(duckdb_path)) as con:
        for name, (a, b) in graphs.items():
            # each edge is a group holding its two ends
            con.execute(f"""
                create table main.{name} as
                select node, edge from (
                    select unnest(?::bigint[]) as a, unnest(?::bigint[]) as b, unnest(range(?)) as edge
                ) unpivot (node for side in (a, b))
            """, [a.tolist(), b.tolist(), len(a)])
    for name in graphs:
        dbt_vars = [] if check_below is None else ["--vars", f"{{identity_check_below_changed_share: {check_below}}}"]
        run_dbt(["run-operation", "connected_components_into", "--args",
                 f"{{memberships: main.{name}, member: node, group_column: edge, output: main.{name}_labels}}",
                 *dbt_vars], duckdb_path)
    results = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        for name in graphs:
            rows = con.execute(f"select node_id, min_node_id, rounds from main.{name}_labels").fetchall()
            leftovers = con.execute("select count(*) from information_schema.tables where table_name like '%__cc_%'"
                                    ).fetchone()[0]
            assert leftovers == 0, "scratch tables must be dropped"
            results[name] = ({int(n): int(lbl) for n, lbl, _ in rows}, rows[0][2])
    return results


def _chain(rng: np.random.Generator, n: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(n) + 1 + offset
    return order[:-1], order[1:]


def _graphs() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(2026)
    graphs = {}
    graphs["chain_10000"] = _chain(rng, 10_000)
    centre = 777
    leaves = rng.permutation(np.arange(1, 5002))
    leaves = leaves[leaves != centre][:5000]
    graphs["star_5000"] = (np.full(5000, centre), leaves)
    n = 20_000
    graphs["random_sparse"] = (rng.integers(1, n, 15_000), rng.integers(1, n, 15_000))
    graphs["random_dense"] = (rng.integers(1, 3_000, 12_000), rng.integers(1, 3_000, 12_000))
    # many components of different shapes, self-loops and repeated edges
    parts_a, parts_b = [], []
    for i in range(40):
        a, b = _chain(rng, int(rng.integers(2, 300)), offset=100_000 + i * 1_000)
        parts_a.append(a)
        parts_b.append(b)
    a, b = np.concatenate(parts_a), np.concatenate(parts_b)
    graphs["mixed"] = (np.concatenate([a, a[:50], a[:20]]), np.concatenate([b, b[:50], a[:20]]))
    for size in (1_000, 4_000, 16_000):
        graphs[f"chain_{size}"] = _chain(rng, size)
    return graphs


# The convergence check on the groups of the changed members (macro _cc_mixed_groups) runs once few
# labels change: with the project's threshold (5%), forced after every round (1), and never (0),
# where only a round that changes nothing ends the propagation.
@pytest.fixture(scope="module", params=[None, 1, 0], ids=["project_threshold", "check_every_round", "never_check"])
def labelled(request, tmp_path_factory: pytest.TempPathFactory):
    graphs = _graphs()
    db = tmp_path_factory.mktemp("cc") / "cc.duckdb"
    return graphs, _label_with_dbt(graphs, db, check_below=request.param)


@pytest.mark.parametrize("name", ["chain_10000", "star_5000", "random_sparse", "random_dense", "mixed"])
def test_partition_equals_scipy(labelled, name: str) -> None:
    graphs, results = labelled
    ours, _ = results[name]
    reference = _scipy_labels(*graphs[name])
    assert _same_partition(ours, reference)
    # each label is the smallest node of its component
    smallest: dict[int, int] = {}
    for node, label in ours.items():
        smallest[label] = min(smallest.get(label, node), node)
    assert all(label == node for label, node in smallest.items())


def test_a_chain_of_10000_is_one_component(labelled) -> None:
    _, results = labelled
    ours, _ = results["chain_10000"]
    assert len(ours) == 10_000 and set(ours.values()) == {1}


def test_rounds_grow_with_the_logarithm_of_the_chain_length(labelled) -> None:
    _, results = labelled
    rounds = {n: results[f"chain_{n}"][1] for n in (1_000, 4_000, 16_000)}
    for n, r in rounds.items():
        assert r <= 2 * math.log2(n), (n, r)
    # quadrupling the length adds a constant number of rounds (about two), not four times as many
    assert rounds[16_000] - rounds[4_000] <= 4 and rounds[4_000] - rounds[1_000] <= 4, rounds


def test_demo_partition_equals_scipy(demo_warehouse) -> None:
    with duckdb.connect(str(demo_warehouse.duckdb_path), read_only=True) as con:
        edges = con.execute("select record_sk, identifier_sk from intermediate.int_customer_identity_edges"
                            ).fetchnumpy()
        records = con.execute("""
            select keys.record_sk, components.component_id
            from intermediate.int_customer_components as components
            inner join intermediate.int_customer_record_keys as keys using (customer_record_id)
        """).fetchall()
    # records and identifiers are numbered separately: identifiers go after every record for scipy
    offset = int(max(node for node, _ in records)) + 1
    reference = _scipy_labels(edges["record_sk"], edges["identifier_sk"] + offset)
    next_label = max(reference.values()) + 1
    ours = {}
    ref_records = {}
    for node, component in records:
        ours[int(node)] = component
        if int(node) not in reference:  # a record with no linking identifier is its own component
            reference[int(node)] = next_label
            next_label += 1
        ref_records[int(node)] = reference[int(node)]
    assert _same_partition(ours, ref_records)
