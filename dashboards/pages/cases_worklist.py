"""风险台账: every case (system flags and issued suspects) with its verification state, filtered."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from pension_risk.cases import queries
from pension_risk.cases.store import CONCLUSIONS, RECTIFICATION_STATUSES

data.ensure_navigation()


@st.cache_data(show_spinner=False)
def _ledger(path: str, version: float) -> pd.DataFrame:
    return queries.ledger(path)


st.title("风险台账")
warehouse = queries.warehouse_path()
store = queries.store_path(warehouse)
ledger = queries.overlay_store(_ledger(str(warehouse), queries.warehouse_version(warehouse)), store)
agencies = queries.agencies(warehouse)
agency_names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
rules = queries.rules(warehouse)
rule_names = dict(zip(rules["rule_code"], rules["rule_name"], strict=True))

c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
agency = c1.selectbox("县区", [""] + list(agency_names), format_func=lambda c: agency_names.get(c, "全部"),
                      key="cases_agency")
rule_options = [""] + sorted(r for r in ledger["rule_code"].dropna().unique()) + ["SUSPECT"]
rule = c2.selectbox("问题项", rule_options, key="cases_rule",
                    format_func=lambda r: "全部" if r == "" else ("部省下发疑点" if r == "SUSPECT"
                                                                 else f"{r} {rule_names.get(r, '')}"))
status_options = ["", "未核查", *CONCLUSIONS, *[f"整改:{s}" for s in RECTIFICATION_STATUSES]]
status = c3.selectbox("核查/整改状态", status_options, format_func=lambda s: s or "全部", key="cases_status")
overdue_only = c4.checkbox("仅逾期未核查", key="cases_overdue")
include_stopped = c4.checkbox("含已不再筛出的案件", value=True, key="cases_stopped")

view = ledger
if agency:
    view = view[view["county_code"] == agency]
if rule == "SUSPECT":
    view = view[view["case_type"] == "suspect"]
elif rule:
    view = view[view["rule_code"] == rule]
if status == "未核查":
    view = view[view["conclusion"].isna()]
elif status in CONCLUSIONS:
    view = view[view["conclusion"] == status]
elif status.startswith("整改:"):
    view = view[view["rectification_status"] == status.split(":", 1)[1]]
if overdue_only:
    view = view[view["overdue"].fillna(False).astype(bool)]
if not include_stopped:
    view = view[view["detected"].fillna(True).astype(bool)]

m1, m2, m3, m4 = st.columns(4)
m1.metric("案件数", f"{len(view):,d}")
m2.metric("已核查（属实/不属实）", f"{int(view['conclusion'].isin(['属实', '不属实']).sum()):,d}")
m3.metric("核查属实", f"{int((view['conclusion'] == '属实').sum()):,d}")
m4.metric("逾期未核查", f"{int(view['overdue'].fillna(False).astype(bool).sum()):,d}")

if view.empty:
    st.info("没有符合条件的案件。")
    st.stop()

table = view.assign(
    类型=view["case_type"].map({"flag": "系统筛查", "suspect": "部省下发"}),
    县区=view["county_code"].map(lambda c: agency_names.get(c, c)),
    仍被筛出=view["detected"].map({True: "是", False: "否"}),
    逾期=view["overdue"].map({True: "是", False: ""}),
)
table = table[["case_id", "类型", "县区", "rule_code", "rule_name", "subject_id", "person_name", "amount",
               "仍被筛出", "逾期", "conclusion", "rectification_status", "recovered_amount", "verified_by",
               "verified_on"]]
table = table.rename(columns={"person_name": "name"})
if not data.unmasked():
    table = data.mask_frame(table)
table = table.rename(columns={
    "case_id": "案件编号", "rule_code": "规则", "rule_name": "问题项", "subject_id": "疑点对象", "name": "姓名",
    "amount": "涉及金额(元)", "conclusion": "核查结论", "rectification_status": "整改状态",
    "recovered_amount": "追回金额(元)", "verified_by": "核查人", "verified_on": "核查日期",
})
event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                     key="cases_table",
                     column_config={"涉及金额(元)": st.column_config.NumberColumn(format="%.2f"),
                                    "追回金额(元)": st.column_config.NumberColumn(format="%.2f")})
rows = event.selection.rows if event and hasattr(event, "selection") else []
if rows:
    st.session_state["cases_selected"] = table["案件编号"].iloc[rows[0]]
    st.info(f"已选择案件 {st.session_state['cases_selected']}，请到“案件核查”页登记核查结论。")
st.caption("导出本县区台账：pension-risk cases export --warehouse 仓库文件 --out 台账.xlsx --agency 县区代码；"
           "填写后用 pension-risk cases import 台账.xlsx --warehouse 仓库文件 --by 核查人 导入。")
