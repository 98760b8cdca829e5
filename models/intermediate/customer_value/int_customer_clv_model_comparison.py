"""Each churn score against the holdout, and the purchase model chosen by that evidence.

One row per score of int_customer_clv_holdout_scores (the three purchase models, each also
recalibrated and stacked, and the naive baselines; and the subscription contracts' sBG projection
and its baselines, score_kind 'contract_model' / 'contract_baseline', from
int_subscription_holdout_scores, scored against "lapsed in the holdout", never chosen), scored against "no purchase in the holdout" (package customer_value.metrics): AUC (any
ranking), and for probabilities the Brier score, log-loss, mean absolute calibration error over
deciles, mean predicted against observed rate; for the models the predicted against actual holdout
purchases. A purchase model whose calibration fit failed is a row with status 'failed'.

The choice (customer_value.churn.CRITERION): the fitted model with the lowest holdout log-loss;
models within 0.001 of it are tied and the higher AUC wins. model_rank orders the fitted models by
that rule (1 = chosen); int_customer_clv_scores uses the best-ranked model whose full-period fit
succeeded. beats_baselines (on the chosen row): its AUC is at least every baseline's and its Brier
score at most every probability baseline's; the build warns when it is false
(tests/customer_value/chosen_churn_model_beats_the_baselines.sql).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PURCHASE_MODELS = ("bg_nbd", "mbg_nbd", "pareto_nbd")
TIE = 1e-3

# On Spark, src/warehouse_tools/build_on_engine.py runs summarise() on the executors once per score (all of its
# customers or contracts in one task) and finish() on the driver with one row per score (docs/engines.md).
GROUPED_INPUTS = {"int_customer_clv_holdout_scores": ("score_name",),
                  "int_subscription_holdout_scores": ("score_name",)}
METRICS = ["customers", "observed_no_purchase_rate", "mean_predicted_no_purchase", "auc", "brier_score", "log_loss",
           "calibration_error", "actual_purchases", "predicted_purchases", "purchases_mean_absolute_error"]
# the contracts' columns under the purchase scores' names: their outcome is "lapsed in the holdout"
CONTRACT_COLUMNS = {"has_lapsed_in_holdout": "has_no_holdout_purchase", "renewals_in_holdout": "holdout_purchases",
                    "expected_renewals_in_holdout": "predicted_purchases"}


def _score(group: pd.DataFrame) -> dict:
    from customer_value import metrics

    outcome = group["has_no_holdout_purchase"].to_numpy(bool)
    score = group["churn_score"].to_numpy(float)
    row = {"customers": len(group), "observed_no_purchase_rate": float(outcome.mean()),
           "auc": metrics.auc(score, outcome), "actual_purchases": float(group["holdout_purchases"].sum())}
    if bool(group["is_probability"].iloc[0]):
        row.update(brier_score=metrics.brier(score, outcome), log_loss=metrics.log_loss(score, outcome),
                   calibration_error=metrics.calibration_error(score, outcome),
                   mean_predicted_no_purchase=float(score.mean()))
    predicted = group["predicted_purchases"].to_numpy(float)
    if np.isfinite(predicted).all():
        row.update(predicted_purchases=float(predicted.sum()),
                   purchases_mean_absolute_error=float(np.abs(predicted - group["holdout_purchases"]).mean()))
    return row


def _summary_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=["score_name", "score_kind", "is_probability", *METRICS])
    for column in ("score_name", "score_kind"):
        frame[column] = frame[column].astype(str)
    frame["is_probability"] = frame["is_probability"].astype(bool)
    frame["customers"] = frame["customers"].astype("Int64")
    for column in METRICS[1:]:
        frame[column] = frame[column].astype(float)
    return frame


def summarise(table: str, group: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The metrics of one score (all of its rows of `table`, in any order): one row."""
    if group.empty:
        return _summary_frame([])
    if table == "int_subscription_holdout_scores":
        group = group.rename(columns=CONTRACT_COLUMNS).sort_values("contract_id", ignore_index=True)
    else:
        group = group.sort_values("customer_id", ignore_index=True)
    return _summary_frame([{"score_name": group["score_name"].iloc[0], "score_kind": group["score_kind"].iloc[0],
                            "is_probability": bool(group["is_probability"].iloc[0]), **_score(group)}])


def contract_rows(summaries: pd.DataFrame, fits: pd.DataFrame) -> list[dict]:
    """The subscription contracts' scores of "lapsed in the holdout" (summaries of
    int_subscription_holdout_scores): 'sbg' (score_kind 'contract_model', or its failure) and the
    contract baselines ('contract_baseline'); their purchase columns count renewals. Never part of
    the purchase-model choice."""
    rows = []
    fitted = fits[fits["model"].str.startswith("sbg_") & (fits["period"] == "calibration")]
    failed = fitted[fitted["status"] != "fitted"]
    if len(summaries) and (summaries["score_name"] == "sbg").sum() == 0:
        reason = "; ".join(f"{row.model}: {row.message}" for row in failed.itertuples()) or "no contract scored"
        rows.append({"score_name": "sbg", "score_kind": "contract_model", "status": "failed", "message": reason})
    for summary in summaries.sort_values("score_name").to_dict("records"):
        name = summary["score_name"]
        kind = "contract_model" if name == "sbg" else "contract_baseline"
        message = ("per contract active at the end of calibration; outcome: lapsed in the holdout"
                   + ("" if name != "sbg" or failed.empty else f"; not fitted: {', '.join(failed['model'])}"))
        rows.append({"score_name": name, "score_kind": kind, "status": "fitted" if kind == "contract_model" else "score",
                     "message": message, **{key: summary[key] for key in METRICS}})
    return rows


def parameters(dbt) -> dict:
    """The fits and the recalibration maps: small tables, read once."""
    return {"fits": dbt.ref("int_customer_clv_fits").df(), "maps": dbt.ref("int_customer_clv_recalibration").df()}


def finish(summaries: dict[str, pd.DataFrame], params: dict) -> pd.DataFrame:
    """The comparison from one summary row per score, and the choice."""
    from customer_value import MAP_SUFFIXES, churn

    fits, maps = params["fits"], params["maps"]
    scores = summaries["int_customer_clv_holdout_scores"].set_index("score_name")
    rows = []
    for name in PURCHASE_MODELS:
        fit = fits[(fits["model"] == name) & (fits["period"] == "calibration")]
        status = fit["status"].iloc[0] if len(fit) else "failed"
        message = fit["message"].iloc[0] if len(fit) else "not fitted"
        variants = [(name, status, message)]
        for method, suffix in MAP_SUFFIXES.items():
            mapped = maps[(maps["model"] == name) & (maps["period"] == "calibration") & (maps["method"] == method)]
            if status != "fitted":
                variants.append((f"{name}{suffix}", status, message))
            elif mapped.empty:
                variants.append((f"{name}{suffix}", "failed", f"no {method} map"))
            else:
                variants.append((f"{name}{suffix}", mapped["status"].iloc[0], mapped["message"].iloc[0]))
        for score_name, score_status, score_message in variants:
            row = {"score_name": score_name, "score_kind": "model", "status": score_status, "message": score_message}
            if score_status == "fitted" and score_name in scores.index:
                row.update({key: scores.loc[score_name, key] for key in METRICS})
            rows.append(row)
    baselines = scores[scores["score_kind"] == "baseline"].sort_index()
    for name, summary in baselines.iterrows():
        kind = "probability" if bool(summary["is_probability"]) else "ranking only"
        rows.append({"score_name": name, "score_kind": "baseline", "status": "score", "message": kind,
                     **{key: summary[key] for key in METRICS}})
    rows.extend(contract_rows(summaries["int_subscription_holdout_scores"], fits))
    frame = pd.DataFrame(rows).reindex(columns=[
        "score_name", "score_kind", "status", "message", "customers", "observed_no_purchase_rate",
        "mean_predicted_no_purchase", "auc", "brier_score", "log_loss", "calibration_error",
        "actual_purchases", "predicted_purchases", "purchases_mean_absolute_error"])

    # the choice: lowest log-loss, ties within TIE broken by the higher AUC (churn.CRITERION)
    candidates = frame[(frame["score_kind"] == "model") & frame["log_loss"].notna()].copy()
    best = candidates["log_loss"].min()
    candidates["tied"] = candidates["log_loss"] <= best + TIE
    candidates["order"] = np.where(candidates["tied"], -candidates["auc"], candidates["log_loss"])
    ranked = candidates.sort_values(["tied", "order", "score_name"], ascending=[False, True, True])
    frame["model_rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    for rank, index in enumerate(ranked.index, start=1):
        frame.loc[index, "model_rank"] = rank
    frame["is_chosen"] = (frame["model_rank"] == 1).fillna(False).astype(bool)
    baselines = frame[frame["score_kind"] == "baseline"]
    frame["beats_baselines"] = pd.array([pd.NA] * len(frame), dtype="boolean")
    if frame["is_chosen"].any():
        chosen = frame[frame["is_chosen"]].iloc[0]
        beats = bool((chosen["auc"] >= baselines["auc"].dropna()).all()
                     and (chosen["brier_score"] <= baselines["brier_score"].dropna()).all())
        frame.loc[frame["is_chosen"], "beats_baselines"] = beats
    frame["criterion"] = churn.CRITERION
    for column in ("score_name", "score_kind", "status", "message", "criterion"):
        frame[column] = frame[column].fillna("").astype(str)
    frame["customers"] = frame["customers"].astype("Int64")
    return frame


def model(dbt, session):
    dbt.config(materialized="table", tags=["python_model"])
    params = parameters(dbt)
    tables = {"int_customer_clv_holdout_scores": dbt.ref("int_customer_clv_holdout_scores").df(),
              "int_subscription_holdout_scores": dbt.ref("int_subscription_holdout_scores").df()}
    summaries = {name: pd.concat([summarise(name, group, params) for _, group in frame.groupby("score_name")]
                                 + [_summary_frame([])], ignore_index=True)
                 for name, frame in tables.items()}
    return finish(summaries, params)
