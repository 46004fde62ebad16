"""疑点明细: the flags of one rule; for one flag its Chinese explanation, then the evidence
as tables with Chinese headers (masked for the role by dashboards/data.py)."""

from __future__ import annotations

import streamlit as st

from dashboards import data

data.require_page("rules")

st.title("疑点明细")
rules = data.rules()
counts = data.summary_problems("TOTAL").set_index("item_code")["problem_count"].to_dict()
labels = {r.rule_code: f"{r.rule_code} {r.rule_name}（{int(counts.get(r.rule_code, 0))}）" for r in rules.itertuples()}

left, right = st.columns([3, 2])
rule_code = left.selectbox("问题项", rules["rule_code"].tolist(), format_func=lambda c: labels[c], key="rules_rule")
agencies = data.agencies()
agency_names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
county = right.selectbox("县区", [""] + agencies["agency_code"].tolist(),
                         format_func=lambda c: agency_names.get(c, "全市"), key="rules_county")

rule = rules[rules["rule_code"] == rule_code].iloc[0]
st.caption(f"{rule['section']}、{rule['section_name']}　·　金额单位：元")

flags = data.flags(rule_code, county or None)
st.metric("疑点数", f"{len(flags):,d}")
if flags.empty:
    st.info("该问题项暂无疑点。")
    st.stop()

table = flags[["subject_id", "person_id", "agency_name", "amount", "first_seen_batch", "flag_id"]].astype(object)
table = table.where(table.notna(), "").rename(columns={
    "subject_id": "疑点对象", "person_id": "人员编号", "agency_name": "县区", "amount": "涉及金额(元)",
    "first_seen_batch": "首次发现批次", "flag_id": "疑点编号",
})
if not bool(rule["has_amount"]):
    table = table.drop(columns=["涉及金额(元)"])
if "涉及金额(元)" in table.columns:
    table["涉及金额(元)"] = [f"{float(v):,.2f}" if v != "" else "" for v in table["涉及金额(元)"]]
st.dataframe(table, hide_index=True, width="stretch")

st.subheader("疑点说明与依据")
# one selection per rule and county: switching the rule never keeps the previous rule's subject
choice = st.selectbox("疑点对象", range(len(flags)), key=f"rules_flag_{rule_code}_{county or 'all'}",
                      placeholder="请选择",
                      format_func=lambda i: f"{flags['subject_id'].iloc[i]}（{flags['agency_name'].iloc[i] or flags['county_code'].iloc[i]}）")
explanation = flags["explanation"].iloc[choice]
if isinstance(explanation, str) and explanation:
    st.info(explanation)
facts, tables = data.evidence_frames(data.evidence_view(flags["evidence"].iloc[choice], rule_code))
if not facts.empty:
    st.dataframe(facts, hide_index=True, width="stretch")
for title, table in tables:
    st.markdown(f"**{title}**")
    st.dataframe(table, hide_index=True, width="stretch")
