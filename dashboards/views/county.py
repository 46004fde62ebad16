"""县区详情: 附件2 (问题情况汇总表) of one agency, with its 附件1 row."""

from __future__ import annotations

import streamlit as st

from dashboards import data

data.require_page("county")

st.title("县区详情")
basic = data.summary_basic()
names = dict(zip(basic["agency_code"], basic["agency_name"], strict=True))
codes = basic["agency_code"].tolist()
agency_code = st.selectbox("填报单位", codes, format_func=lambda c: names[c], key="county_agency")

row = basic[basic["agency_code"] == agency_code].iloc[0]
problems = data.summary_problems(agency_code)
st.caption(f"数据截至日期：{str(row['as_of'])[:10]}　金额单位：万元")

headline = [
    ("待遇领取人数", f"{int(row['recipients_total']):,d}"),
    ("系统筛查疑点数", f"{int(row['system_flags']):,d}"),
    ("涉及人数", f"{int(row['flag_persons']):,d}"),
    ("涉及金额(万元)", f"{float(row['flag_amount']):,.2f}"),
    ("自查存在问题项", f"{int(problems.loc[problems['item_type'] == 'checklist', 'problem_count'].sum()):,d}"),
    ("核查属实数", f"{int(row['confirmed_count']):,d}"),
    ("已整改数", f"{int(row['rectified_count']):,d}"),
]
for column, (label, value) in zip(st.columns(len(headline)), headline, strict=True):
    column.metric(label, value)

st.subheader(f"附件2 社保基金管理风险排查问题情况汇总表 — {names[agency_code]}")
only_problems = st.toggle("只看存在问题的问题项", value=False, key="county_only_problems")
shown = problems[problems["problem_count"] > 0] if only_problems else problems
st.dataframe(data.problems_display(shown), hide_index=True, width="stretch",
             height=min(38 + 35 * max(len(shown), 1), 1800))

st.subheader("附件1 本单位基本情况")
st.table(data.basic_display(basic[basic["agency_code"] == agency_code]).set_index("填报单位"))
