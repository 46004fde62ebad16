"""案件核查: one case — the explanation, the evidence, its history, and the form of the account's role.

A verifier records 初审 (核查结论 …) for cases of its own agency; a reviewer passes
(通过) or returns (退回) a case 待复核 in its scope. The account that records is
the login: there is no free-text 登记人.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboards import data
from pension_risk.access.roles import AccessDenied
from pension_risk.cases.store import (
    CASE_FIELDS,
    CONCLUSIONS,
    RECTIFICATION_STATUSES,
    REVIEW_DECISIONS,
    CaseStoreError,
)

principal = data.require_page("cases_case")

st.title("案件核查")
default_case = st.session_state.get("cases_selected", "")
case_id = st.text_input("案件编号（疑点编号，或 SUS-部省疑点编号）", value=default_case, key="case_id_input").strip()
if not case_id:
    st.info("请输入案件编号，或在“风险台账”页选择一个案件。")
    st.stop()

case = data.case_detail(case_id)
if case is None:
    st.error(f"台账中没有案件 {case_id}。")
    st.stop()
data.note_unmasked_view("cases_case", case_id)

agencies = data.agencies()
agency_names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
kind = "系统筛查疑点" if case["case_type"] == "flag" else "部省下发疑点"
title = f"{case['rule_code']} {case['rule_name']}" if case["case_type"] == "flag" else f"部省下发疑点 {case['suspect_id']}"
st.subheader(title)
if case.get("explanation"):
    st.info(case["explanation"])  # 疑点说明 first: what was found, in Chinese
c1, c2, c3, c4, c5 = st.columns(5)
c1.metric("类型", kind)
c2.metric("县区", agency_names.get(case["county_code"], case["county_code"] or "—"))
c3.metric("涉及金额(元)", "—" if case["amount"] is None else f"{Decimal(str(case['amount'])):,.2f}")
c4.metric("核查结论", case["conclusion"] or "未核查")
c5.metric("复核状态", case["review_status"])
st.caption(f"疑点对象 {case['subject_id']}　·　人员 {case['person_id'] or '—'} {case.get('person_name') or ''} "
           f"{case.get('id_number') or ''}")
if case["detected"] is False:
    st.warning("该疑点在最新数据中已不再被筛出；核查记录保留。")
if case.get("overdue"):
    st.error("逾期未核查：下发已超过规定期限，尚无属实/不属实结论。")
if case.get("matched_flag_ids"):
    st.info("同一人员的系统筛查疑点：" + "、".join(case["matched_flag_ids"].split(",")))
if case["review_status"] == "已退回":
    st.warning(f"复核员 {case.get('reviewed_by') or ''} 已退回：{case.get('review_note') or ''}")

st.markdown("#### 疑点依据")
facts, tables = data.evidence_frames(data.evidence_view(case.get("evidence"), case.get("rule_code")))
if facts.empty and not tables:
    st.write("无")
if not facts.empty:
    st.dataframe(facts, hide_index=True, width="stretch")
for table_title, table in tables:
    st.markdown(f"**{table_title}**")
    st.dataframe(table, hide_index=True, width="stretch")

version = int(case.get("version") or 0)


def _index(options, value):
    return options.index(value) if value in options else 0


if principal.role.records:
    st.markdown("#### 登记核查结论（初审）")
    with st.form("case_form"):
        f1, f2 = st.columns(2)
        conclusion = f1.selectbox("核查结论", ["", *CONCLUSIONS], index=_index(["", *CONCLUSIONS], case["conclusion"]),
                                  format_func=lambda v: v or "（未填写）")
        status = f2.selectbox("整改状态", ["", *RECTIFICATION_STATUSES],
                              index=_index(["", *RECTIFICATION_STATUSES], case["rectification_status"]),
                              format_func=lambda v: v or "（未填写）")
        problem_note = st.text_area("问题说明", value=case["problem_note"] or "")
        measures = st.text_area("整改措施", value=case["rectification_measures"] or "")
        f3, f4, f5 = st.columns(3)
        recovered = f3.text_input("追回金额(元)", value="" if case["recovered_amount"] is None
                                  else f"{Decimal(str(case['recovered_amount'])):.2f}")
        verified_by = f4.text_input("核查人（实地核查的人员，默认为登录人）", value=case["verified_by"] or "")
        verified_on = f5.date_input("核查日期", value=case["verified_on"] if isinstance(case["verified_on"], dt.date)
                                    else None, format="YYYY-MM-DD")
        st.caption(f"登记人：{principal.name}（{principal.login}）。保存后案件进入“待复核”，由复核员复核。")
        submitted = st.form_submit_button("保存")
    if submitted:
        fields = {
            "conclusion": conclusion or None, "rectification_status": status or None,
            "problem_note": problem_note, "rectification_measures": measures,
            "recovered_amount": recovered, "verified_by": verified_by or None, "verified_on": verified_on,
        }
        try:
            result = data.record_case(case_id, fields, expected_version=version)
        except (CaseStoreError, AccessDenied) as exc:
            st.error(str(exc))
        else:
            if result.changed:
                st.success(f"已保存（第 {result.version} 版），修改了：" +
                           "、".join(CASE_FIELDS[f] for f in result.changes) + "。案件待复核。")
            else:
                st.info("内容没有变化，未保存新版本。")

if principal.role.reviews:
    st.markdown("#### 复核")
    if case["review_status"] != "待复核":
        st.info(f"该案件当前为“{case['review_status']}”，只有“待复核”的案件可以复核。")
    else:
        with st.form("review_form"):
            decision = st.radio("复核结论", list(REVIEW_DECISIONS), horizontal=True)
            note = st.text_area("复核意见（退回时必填）")
            st.caption(f"复核人：{principal.name}（{principal.login}）。通过后计入附件1、附件2；退回后由核查员修改。")
            reviewed = st.form_submit_button("提交复核")
        if reviewed:
            try:
                result = data.review_case(case_id, decision, note, expected_version=version)
            except (CaseStoreError, AccessDenied) as exc:
                st.error(str(exc))
            else:
                st.success(f"已{decision}（第 {result.version} 版）。")

st.markdown("#### 修改记录")
history = data.case_history(case_id)
if not history:
    st.write("尚无记录。")
else:
    labels = {**CASE_FIELDS, "review_status": "复核状态", "review_note": "复核意见"}
    hist = pd.DataFrame(history)
    hist["field"] = hist["field"].map(lambda f: labels.get(f, f))
    hist = hist[["changed_at", "changed_by", "field", "old_value", "new_value", "version", "source"]]
    hist = hist.astype(object).where(hist.notna(), "")
    st.dataframe(hist.rename(columns={"changed_at": "时间", "changed_by": "修改人", "field": "项目", "old_value": "原值",
                                      "new_value": "新值", "version": "版本", "source": "来源"}),
                 hide_index=True, width="stretch")
