"""The v1 catalogue in plain pandas, as an analyst would write it: merges and groupbys, no SQL.

It is the comparison of ``metrics_engine.py``: it reads the same current rows (each dataset
loaded whole into a DataFrame) and must give the DuckDB engine's groups and values. Months are
``year * 12 + month - 1``; ``compute(frames, by)`` returns ``{(metric, m, dims): value}``
where ``dims`` are the values of ``by`` (and the band cluster for WRES).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BAND_CLUSTERS = {
    "band_1": "bands_1_4", "band_2": "bands_1_4", "band_3": "bands_1_4", "band_4": "bands_1_4",
    "band_5": "bands_5_7", "band_6": "bands_5_7", "band_7": "bands_5_7",
    "band_8a": "bands_8a_8b", "band_8b": "bands_8a_8b",
    "band_8c": "bands_8c_9_vsm", "band_8d": "bands_8c_9_vsm", "band_9": "bands_8c_9_vsm",
    "vsm": "bands_8c_9_vsm", "medical": "medical",
}  # fmt: skip
SUBSTANTIVE = ("permanent", "fixed_term")


def month(period: pd.Series) -> pd.Series:
    d = pd.to_datetime(period)
    return (d.dt.year * 12 + d.dt.month - 1).astype("int64")


def prepare(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Partner organisations' rows with their month, place and segment."""
    orgs = frames["organisations"]
    orgs = orgs[orgs["partner"].astype(bool)][["org_code", "place", "segment"]]
    out = {"orgs": orgs}
    for name in ("staff_in_post", "sickness_absence", "establishment", "temporary_staffing",
                 "workforce_plan"):  # fmt: skip
        df = frames[name].merge(orgs, on="org_code")
        df["m"] = month(df["period"])
        out[name] = df
    sip = out["staff_in_post"]
    sip["contract_type"] = sip["contract_type"].fillna("permanent")
    out["submitted"] = sip[["m", "org_code"]].drop_duplicates()
    out["sip"] = sip[sip["contract_type"] != "bank"].copy()
    out["sip"]["band_cluster"] = out["sip"]["band"].map(BAND_CLUSTERS)
    return out


def _emit(out: dict, metric: str, frame: pd.DataFrame, keys: list[str], value: pd.Series) -> None:
    for key, v in zip(frame[keys].itertuples(index=False, name=None), value, strict=True):
        out[(metric, key[0], tuple(key[1:]))] = None if pd.isna(v) else float(v)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return num.where(den.notna() & (den != 0)) / den.where(den != 0)


def _flows(d: dict, by: list[str], out: dict) -> None:
    sip, submitted = d["sip"], d["submitted"]
    targets = set(d["submitted"]["m"])
    person_dims = [c for c in by if c == "staff_group"]
    for counting in ("organisation", "level"):
        grain = (
            (["org_code"] + [c for c in by if c != "org_code"])
            if counting == "organisation"
            else list(by)
        )
        rows = sip[["m", "org_code", *[c for c in grain if c != "org_code"], "person_id"]]
        rows = rows.drop_duplicates()
        # at the end of the window ending m: in post at m, organisation submitted at m-12
        end = rows.assign(prev=rows["m"] - 12)
        end = end.merge(submitted.rename(columns={"m": "prev"}), on=["prev", "org_code"])
        end = end[end["m"].isin(targets)]
        # at the start: in post at m-12, organisation submitted at m
        start = rows.assign(m=rows["m"] + 12)
        start = start.merge(submitted, on=["m", "org_code"])
        start = start[start["m"].isin(targets)]
        keys = ["m", *grain, "person_id"]
        end = end[keys].drop_duplicates().assign(at_end=1)
        start = start[keys].drop_duplicates().assign(at_start=1)
        flags = start.merge(end, on=keys, how="outer")
        flags[["at_start", "at_end"]] = flags[["at_start", "at_end"]].fillna(0)
        flags["stay"] = flags["at_start"] * flags["at_end"]
        if counting == "organisation":
            flags["leave"] = flags["at_start"] - flags["stay"]
            flags["join"] = flags["at_end"] - flags["stay"]
            g = flags.groupby(["m", *by], dropna=False)[["leave", "join", "at_start", "at_end"]]
            g = g.sum().reset_index()
            mean = (g["at_start"] + g["at_end"]) / 2
            _emit(out, "turnover_rate", g, ["m", *by], _ratio(g["leave"], mean))
            _emit(out, "joiner_rate", g, ["m", *by], _ratio(g["join"], mean))
        else:
            present = sip[["m", *person_dims, "person_id"]].drop_duplicates().assign(here=1)
            flags = flags.merge(present, on=["m", *person_dims, "person_id"], how="left")
            flags["lost"] = flags["at_start"] * flags["here"].isna()
            g = flags.groupby(["m", *by], dropna=False)[["lost", "stay", "at_start", "at_end"]]
            g = g.sum().reset_index()
            mean = (g["at_start"] + g["at_end"]) / 2
            _emit(out, "leaver_rate", g, ["m", *by], _ratio(g["lost"], mean))
            _emit(out, "stability_index", g, ["m", *by], _ratio(g["stay"], g["at_start"]))


def _window(df: pd.DataFrame, window: str, lag: int = 0) -> pd.DataFrame:
    """Each row once for every result month whose window reads it."""
    source = df["m"] + lag
    if window == "month":
        return df.assign(target=source)
    parts = []
    for k in range(12):
        if window == "rolling_12m":
            keep = np.ones(len(df), dtype=bool)
        else:  # financial year to date: April to the result month
            keep = k <= 11 - ((source % 12 + 9) % 12)
        parts.append(df[keep].assign(target=source[keep] + k))
    return pd.concat(parts, ignore_index=True)


def _table(d, out, by, metric, dataset, num, den, window, combine, lag=0, where=None):
    df = d[dataset]
    if where is not None:
        df = df[where(df)]
    targets = set(d[dataset]["m"])
    df = df.assign(num=num(df), den=den(df) if den else np.nan)
    sides = [_window(df, window, lag)[["target", *by, "num"]].assign(den=np.nan)]
    if den:
        sides.append(_window(df, window)[["target", *by, "den"]].assign(num=np.nan))
    spread = pd.concat(sides, ignore_index=True)
    spread = spread[spread["target"].isin(targets)]
    g = spread.groupby(["target", *by], dropna=False)[["num", "den"]].sum(min_count=1)
    g = g.reset_index()
    if combine == "amount":
        value = g["num"]
    elif combine == "difference":
        value = g["num"] - g["den"]
    else:
        value = _ratio(g["num"], g["den"])
    _emit(out, metric, g, ["target", *by], value)


def _substantive(d) -> pd.DataFrame:
    sip = d["sip"]
    sub = sip[sip["contract_type"].isin(SUBSTANTIVE)]
    return sub.groupby(["m", "org_code", "staff_group"])["fte"].sum().rename("actual").reset_index()


def compute(d: dict[str, pd.DataFrame], by: list[str]) -> dict:
    out: dict = {}
    sip = d["sip"]
    keys = ["m", *by]
    g = sip.groupby(keys, dropna=False)["fte"].sum().reset_index()
    _emit(out, "staff_in_post_fte", g, keys, g["fte"])
    g = sip.groupby(keys, dropna=False)["person_id"].nunique().reset_index()
    _emit(out, "staff_in_post_headcount", g, keys, g["person_id"])
    _flows(d, by, out)

    col = lambda c: lambda df: df[c].astype(float)  # noqa: E731
    _table(d, out, by, "sickness_absence_rate", "sickness_absence", col("fte_days_lost"),
           col("fte_days_available"), "month", "ratio")  # fmt: skip
    _table(d, out, by, "sickness_absence_rate_12m", "sickness_absence", col("fte_days_lost"),
           col("fte_days_available"), "rolling_12m", "ratio")  # fmt: skip
    for c in ("agency_fte", "bank_fte", "agency_spend"):
        _table(d, out, by, c, "temporary_staffing", col(c), None, "month", "amount")

    def paybill(df):
        return (
            df["substantive_spend"].astype(float)
            + df["bank_spend"].astype(float)
            + df["agency_spend"].astype(float)
        )

    _table(d, out, by, "agency_share_of_paybill", "temporary_staffing", col("agency_spend"),
           paybill, "month", "ratio")  # fmt: skip
    _table(d, out, by, "agency_share_of_paybill_fytd", "temporary_staffing",
           col("agency_spend"), paybill, "fytd", "ratio")  # fmt: skip
    _table(d, out, by, "agency_cost_avoided_fytd", "temporary_staffing", col("agency_spend"),
           col("agency_spend"), "fytd", "difference", lag=12)  # fmt: skip
    _table(d, out, by, "price_cap_compliance", "temporary_staffing",
           lambda df: (df["agency_shifts"].astype(float)
                       - df["agency_shifts_over_cap"].astype(float)),
           col("agency_shifts"), "month", "ratio",
           where=lambda df: (df["agency_shifts"].notna()
                             & df["agency_shifts_over_cap"].notna()))  # fmt: skip

    # vacancies: reported where given, else establishment minus substantive FTE in post
    cell = ["m", "org_code", "staff_group"]
    submitted = d["submitted"].assign(sub=1)
    est = d["establishment"].merge(_substantive(d), on=cell, how="left")
    est = est.merge(submitted, on=["m", "org_code"], how="left")
    actual = est["actual"].fillna(0).where(est["sub"].notna())
    est["gap"] = est["vacancy_fte"].astype(float).fillna(est["establishment_fte"] - actual)
    est["planned"] = est["establishment_fte"].astype(float).where(est["gap"].notna())
    g = est.groupby(keys, dropna=False)[["gap", "planned"]].sum(min_count=1).reset_index()
    _emit(out, "vacancy_fte", g, keys, g["gap"])
    _emit(out, "vacancy_rate", g, keys, _ratio(g["gap"], g["planned"]))

    plan = d["workforce_plan"]
    sub = plan.merge(_substantive(d), on=cell, how="left").merge(
        submitted, on=["m", "org_code"], how="left"
    )
    sub["actual"] = sub["actual"].fillna(0).where(sub["sub"].notna())
    temp = d["temporary_staffing"].groupby(cell)["agency_fte"].sum().rename("actual")
    agency = plan.merge(temp.reset_index(), on=cell, how="left")
    for name, frame, planned in (
        ("substantive_fte", sub, "plan_substantive_fte"),
        ("agency_fte", agency, "plan_agency_fte"),
    ):
        frame = frame[frame[planned].notna() & frame["actual"].notna()]
        g = frame.groupby(keys, dropna=False)[["actual", planned]].sum().reset_index()
        diff = g["actual"] - g[planned].astype(float)
        _emit(out, f"plan_variance_{name}", g, keys, diff)
        _emit(out, f"plan_variance_{name}_pct", g, keys, _ratio(diff, g[planned].astype(float)))

    # WRES indicator 1: distinct BME people over distinct people with a stated ethnic group
    rows = sip.assign(
        bme=sip["person_id"].where(sip["ethnic_group"] == "bme"),
        stated=sip["person_id"].where(sip["ethnic_group"].isin(["white", "bme"])),
    )
    for frame in (rows[rows["band_cluster"].notna()], rows.assign(band_cluster="all")):
        g = frame.groupby([*keys, "band_cluster"], dropna=False)[["bme", "stated"]].nunique()
        g = g.reset_index()
        _emit(out, "wres_bme_share", g, [*keys, "band_cluster"], _ratio(g["bme"], g["stated"]))
    return out
