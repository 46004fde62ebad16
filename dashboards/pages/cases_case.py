"""案件核查: one case with its evidence, its change history, and the form to record a conclusion."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboards import data
from pension_risk.cases import queries, service
from pension_risk.cases.store import (
    CASE_FIELDS,
    CONCLUSIONS,
    RECTIFICATION_STATUSES,
    CaseStore,
    CaseStoreError,
)

data.ensure_navigation()

st.title("案件核查")
warehouse = queries.warehouse_path()
store = queries.store_path(warehouse)

default_case = st.session_state.get("cases_selected", "")
case_id = st.text_input("案件编号（疑点编号 flag_id，或 SUS-部省疑点编号）", value=default_case,
                        key="case_id_input").strip()
if not case_id:
    st.info("请输入案件编号，或在“风险台账”页选择一个案件。")
    st.stop()

case = queries.case_detail(case_id, warehouse, store)
if case is None:
    st.error(f"台账中没有案件 {case_id}。")
    st.stop()

agencies = queries.agencies(warehouse)
agency_names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
kind = "系统筛查疑点" if case["case_type"] == "flag" else "部省下发疑点"
title = f"{case['rule_code']} {case['rule_name']}" if case["case_type"] == "flag" else f"部省下发疑点 {case['suspect_id']}"
st.subheader(title)
name = case.get("person_name")
id_number = case.get("id_number")
if not data.unmasked():
    name, id_number = data.mask_name(name), data.mask_id(id_number)
c1, c2, c3, c4 = st.columns(4)
c1.metric("类型", kind)
c2.metric("县区", agency_names.get(case["county_code"], case["county_code"] or "—"))
c3.metric("涉及金额(元)", "—" if case["amount"] is None else f"{Decimal(str(case['amount'])):,.2f}")
c4.metric("当前核查结论", case["conclusion"] or "未核查")
st.caption(f"疑点对象 {case['subject_id']}　·　人员 {case['person_id'] or '—'} {name or ''} {id_number or ''}")
if case["detected"] is False:
    st.warning("该疑点在最新数据中已不再被筛出；核查记录保留。")
if case.get("overdue"):
    st.error("逾期未核查：下发已超过规定期限，尚无属实/不属实结论。")
if case.get("matched_flag_ids"):
    st.info("同一人员的系统筛查疑点：" + "、".join(case["matched_flag_ids"].split(",")))

st.markdown("#### 疑点依据")
evidence = case.get("evidence_parsed")
if evidence is None and case.get("evidence"):
    try:
        evidence = json.loads(case["evidence"])
    except ValueError:
        evidence = case["evidence"]
if evidence is None:
    st.write("—")
else:
    st.json(evidence if data.unmasked() else data.mask_json(evidence), expanded=2)

st.markdown("#### 登记核查结论")
version = int(case.get("version") or 0)


def _index(options, value):
    return options.index(value) if value in options else 0


with st.form("case_form"):
    f1, f2 = st.columns(2)
    conclusion = f1.selectbox("核查结论", ["", *CONCLUSIONS], index=_index(["", *CONCLUSIONS], case["conclusion"]))
    status = f2.selectbox("整改状态", ["", *RECTIFICATION_STATUSES],
                          index=_index(["", *RECTIFICATION_STATUSES], case["rectification_status"]))
    problem_note = st.text_area("问题说明", value=case["problem_note"] or "")
    measures = st.text_area("整改措施", value=case["rectification_measures"] or "")
    f3, f4, f5 = st.columns(3)
    recovered = f3.text_input("追回金额(元)", value="" if case["recovered_amount"] is None
                              else f"{Decimal(str(case['recovered_amount'])):.2f}")
    verified_by = f4.text_input("核查人", value=case["verified_by"] or "")
    verified_on = f5.date_input("核查日期", value=case["verified_on"] if isinstance(case["verified_on"], dt.date)
                                else None)
    by = st.text_input("登记人（必填）", value=st.session_state.get("cases_recorder", ""))
    submitted = st.form_submit_button("保存")
if submitted:
    if not by.strip():
        st.error("请填写登记人。")
    else:
        st.session_state["cases_recorder"] = by.strip()
        fields = {
            "conclusion": conclusion or None, "rectification_status": status or None,
            "problem_note": problem_note, "rectification_measures": measures,
            "recovered_amount": recovered, "verified_by": verified_by or None, "verified_on": verified_on,
        }
        try:
            result = service.record_case(case_id, fields, by.strip(), warehouse=warehouse, store=store,
                                         expected_version=version)
        except CaseStoreError as exc:
            st.error(str(exc))
        else:
            if result.changed:
                st.success(f"已保存（第 {result.version} 版），修改了：" +
                           "、".join(CASE_FIELDS[f] for f in result.changes))
            else:
                st.info("内容没有变化，未保存新版本。")

st.markdown("#### 修改记录")
history = CaseStore(store).history(case_id)
if not history:
    st.write("尚无记录。")
else:
    hist = pd.DataFrame(history)
    hist["field"] = hist["field"].map(lambda f: CASE_FIELDS.get(f, f))
    st.dataframe(hist[["changed_at", "changed_by", "field", "old_value", "new_value", "version", "source"]].rename(
        columns={"changed_at": "时间", "changed_by": "修改人", "field": "项目", "old_value": "原值",
                 "new_value": "新值", "version": "版本", "source": "来源"}),
        hide_index=True, width="stretch")
