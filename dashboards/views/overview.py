"""全市概览: headline figures, 附件1 by county, charts by county, by rule and by month."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import data

data.require_page("overview")

st.title("全市概览")
basic = data.summary_basic()
total = data.total_row(basic)
st.caption(f"数据截至日期：{pd.Timestamp(total['as_of']).date()}　金额单位：万元")

headline = [
    ("待遇领取人数", f"{int(total['recipients_total']):,d}"),
    ("当月发放金额(万元)", f"{float(total['paid_current_month']):,.2f}"),
    ("系统筛查疑点数", f"{int(total['system_flags']):,d}"),
    ("涉及金额(万元)", f"{float(total['flag_amount']):,.2f}"),
    ("部省下发疑点数", f"{int(total['issued_suspects']):,d}"),
    ("已核查数", f"{int(total['verified_count']):,d}"),
    ("追回金额(万元)", f"{float(total['recovered_amount']):,.2f}"),
]
for column, (label, value) in zip(st.columns(len(headline)), headline, strict=True):
    column.metric(label, value)

st.subheader("附件1 社保基金管理风险排查基本情况汇总表")
st.table(data.basic_display(basic).set_index("填报单位"))

agency_rows = basic[basic["agency_code"] != "TOTAL"].copy()
agency_rows["flag_amount"] = agency_rows["flag_amount"].astype(float)

left, right = st.columns(2)
with left:
    st.markdown("**各县区系统筛查疑点数与涉及金额**")
    order = agency_rows["agency_name"].tolist()
    bars = alt.Chart(agency_rows).mark_bar(color="#4472C4").encode(
        x=alt.X("agency_name:N", title=None, sort=order, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("system_flags:Q", title="疑点数"),
        tooltip=[alt.Tooltip("agency_name:N", title="县区"), alt.Tooltip("system_flags:Q", title="疑点数"),
                 alt.Tooltip("flag_amount:Q", title="涉及金额(万元)", format=",.2f")],
    )
    st.altair_chart(bars, width="stretch")
with right:
    st.markdown("**各问题项疑点数（全市）**")
    problems = data.summary_problems("TOTAL")
    by_rule = problems[(problems["item_type"] == "rule") & (problems["problem_count"] > 0)].copy()
    by_rule["label"] = by_rule["item_code"] + " " + by_rule["item_name"]
    rule_chart = alt.Chart(by_rule).mark_bar(color="#ED7D31").encode(
        y=alt.Y("label:N", title=None, sort="-x"),
        x=alt.X("problem_count:Q", title="疑点数"),
        tooltip=[alt.Tooltip("label:N", title="问题项"), alt.Tooltip("problem_count:Q", title="疑点数")],
    )
    st.altair_chart(rule_chart, width="stretch")

st.markdown("**按月趋势：发放金额与新增疑点**")
trend_left, trend_right = st.columns(2)
with trend_left:
    months = data.payouts_by_month()
    if len(months):
        months["pay_month"] = pd.to_datetime(months["pay_month"])
        months["paid_wan"] = months["paid_wan"].astype(float)
        line = alt.Chart(months).mark_line(point=True).encode(
            x=alt.X("yearmonth(pay_month):T", title="发放月份", axis=alt.Axis(format="%Y-%m")),
            y=alt.Y("paid_wan:Q", title="发放金额(万元)"),
            tooltip=[alt.Tooltip("yearmonth(pay_month):T", title="月份", format="%Y-%m"),
                     alt.Tooltip("paid_wan:Q", title="发放金额(万元)", format=",.2f"),
                     alt.Tooltip("payout_rows:Q", title="发放记录数")],
        )
        st.altair_chart(line, width="stretch")
with trend_right:
    new_flags = data.flags_by_month()
    if len(new_flags):
        flag_chart = alt.Chart(new_flags).mark_bar(color="#A5A5A5").encode(
            x=alt.X("batch_id:N", title="首次发现批次", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("flags:Q", title="新增疑点数"),
            tooltip=[alt.Tooltip("batch_id:N", title="批次"), alt.Tooltip("flags:Q", title="新增疑点数")],
        )
        st.altair_chart(flag_chart, width="stretch")
