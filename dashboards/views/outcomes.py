"""核查成效: per rule and agency, how many flags were reviewed, confirmed, not confirmed,
the confirmed rate and the money recovered (marts.rule_outcomes) — which rules to trust,
which thresholds to revisit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data

principal = data.require_page("outcomes")

st.title("核查成效")
st.caption("只统计复核通过（已复核）的核查结论；属实率 = 属实数 ÷ 已复核数（无复核时空白）；金额单位：元。"
           "风险台账的优先级按各问题项全市的属实情况排序：（属实数+1）÷（已复核数+2）。")

outcomes = data.rule_outcomes()
if outcomes.empty:
    st.info("暂无数据。")
    st.stop()

COLUMNS = {"flags": "疑点数", "reviewed": "已复核", "confirmed": "属实", "not_confirmed": "不属实",
           "confirmed_rate": "属实率", "recovered_amount": "追回金额(元)"}


def shown(df: pd.DataFrame, first: dict[str, str]) -> pd.DataFrame:
    """The columns as the page shows them: counts as integers, rate as %, empty cells blank."""
    out = pd.DataFrame({label: df[column].tolist() for column, label in first.items()})
    for column, label in COLUMNS.items():
        values = df[column].tolist()
        if column == "confirmed_rate":
            out[label] = ["" if pd.isna(v) else f"{float(v) * 100:.1f}%" for v in values]
        elif column == "recovered_amount":
            out[label] = [f"{float(v):,.2f}" for v in values]
        else:
            out[label] = [f"{int(v):,d}" for v in values]
    return out


agency_names = dict(zip(outcomes["agency_code"], outcomes["agency_name"], strict=True))
agency_codes = list(dict.fromkeys(outcomes.sort_values("agency_sort_order")["agency_code"]))
default = agency_codes.index("TOTAL") if "TOTAL" in agency_codes else 0

st.subheader("按问题项")
agency = st.selectbox("县区", agency_codes, index=default, format_func=lambda c: agency_names.get(c, c),
                      placeholder="请选择", key="outcomes_agency")
by_rule = outcomes[outcomes["agency_code"] == agency].sort_values("rule_code")
reviewed = int(by_rule["reviewed"].sum())
m1, m2, m3, m4 = st.columns(4)
m1.metric("已复核", f"{reviewed:,d}")
m2.metric("属实", f"{int(by_rule['confirmed'].sum()):,d}")
m3.metric("属实率", f"{int(by_rule['confirmed'].sum()) / reviewed * 100:.1f}%" if reviewed else "—")
m4.metric("追回金额(元)", f"{float(by_rule['recovered_amount'].sum()):,.2f}")
st.dataframe(shown(by_rule, {"rule_code": "规则", "rule_name": "问题项"}), hide_index=True, width="stretch")

st.subheader("按县区")
rules = outcomes[["rule_code", "rule_name"]].drop_duplicates().sort_values("rule_code")
rule_names = dict(zip(rules["rule_code"], rules["rule_name"], strict=True))
rule = st.selectbox("问题项", rules["rule_code"].tolist(), format_func=lambda r: f"{r} {rule_names[r]}",
                    placeholder="请选择", key="outcomes_rule")
by_agency = outcomes[outcomes["rule_code"] == rule].sort_values("agency_sort_order")
st.dataframe(shown(by_agency, {"agency_name": "县区"}), hide_index=True, width="stretch")
