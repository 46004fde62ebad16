"""风险台账: every case of the account's scope with its verification and review state; download / upload."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data
from pension_risk.cases import queries
from pension_risk.cases.store import CONCLUSIONS, RECTIFICATION_STATUSES, REVIEW_STATES

principal = data.require_page("cases_worklist")

st.title("风险台账")
ledger = data.worklist()
data.note_unmasked_view("cases_worklist", principal.scope_label)
agencies = data.agencies()
agency_names = dict(zip(agencies["agency_code"], agencies["agency_name"], strict=True))
rules = data.rules()
rule_names = dict(zip(rules["rule_code"], rules["rule_name"], strict=True))

c1, c2, c3, c4, c5 = st.columns([2, 3, 2, 2, 2])
if principal.agency_code is None:
    agency = c1.selectbox("县区", [""] + list(agency_names), format_func=lambda c: agency_names.get(c, "全部"),
                          key="cases_agency")
else:
    agency = principal.agency_code
    c1.text_input("县区", value=agency_names.get(agency, agency), disabled=True)
rule_options = [""] + sorted(r for r in ledger["rule_code"].dropna().unique()) + ["SUSPECT"]
rule = c2.selectbox("问题项", rule_options, key="cases_rule",
                    format_func=lambda r: "全部" if r == "" else ("部省下发疑点" if r == "SUSPECT"
                                                                 else f"{r} {rule_names.get(r, '')}"))
status_options = ["", "未核查", *CONCLUSIONS, *[f"整改:{s}" for s in RECTIFICATION_STATUSES]]
status = c3.selectbox("核查/整改状态", status_options, format_func=lambda s: s or "全部", key="cases_status")
review = c4.selectbox("复核状态", ["", *REVIEW_STATES], format_func=lambda s: s or "全部", key="cases_review")
overdue_only = c5.checkbox("仅逾期未核查", key="cases_overdue")
include_stopped = c5.checkbox("含已不再筛出的案件", value=True, key="cases_stopped")

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
if review:
    view = view[view["review_status"] == review]
if overdue_only:
    view = view[view["overdue"].fillna(False).astype(bool)]
if not include_stopped:
    view = view[view["detected"].fillna(True).astype(bool)]

m1, m2, m3, m4, m5 = st.columns(5)
m1.metric("案件数", f"{len(view):,d}")
m2.metric("已核查（属实/不属实）", f"{int(view['conclusion'].isin(['属实', '不属实']).sum()):,d}")
m3.metric("待复核", f"{int((view['review_status'] == '待复核').sum()):,d}")
m4.metric("已复核", f"{int((view['review_status'] == '已复核').sum()):,d}")
m5.metric("逾期未核查", f"{int(view['overdue'].fillna(False).astype(bool).sum()):,d}")
st.caption(queries.PRIORITY_NOTE if view["priority"].notna().any() else "")
st.caption("附件1、附件2 的核查情况只统计“已复核”的案件。")

# ------------------------------------------------------------ download / upload (the same code as cases export/import)
#: The uploader's button and size note in Chinese (Streamlit writes "Upload" and "200MB per file • XLSX").
UPLOADER_ZH = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after { content: "选择文件"; }
[data-testid="stFileUploaderDropzoneInstructions"] span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "单个文件不超过 200MB，xlsx 格式"; font-size: 0.875rem; opacity: 0.6; }
</style>"""

with st.expander("下载台账 / 上传填好的台账", expanded=False):
    name, content = data.worklist_download(view)
    st.download_button(
        f"下载当前筛选的台账（{len(view):,d} 件，xlsx）", content, file_name=name,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click=data.log_download, args=(name, len(view)), key="cases_download",
    )
    hint = ("填写黄色表头的列（核查结论等）后上传。" if principal.role.records
            else "填写蓝色表头的列（复核结论 通过/退回、复核意见）后上传。")
    st.html(UPLOADER_ZH)  # Streamlit's uploader has no setting for its own English words
    uploaded = st.file_uploader(f"上传填好的台账（{hint}）", type=["xlsx"], key="cases_upload")
    if uploaded is not None and st.button("导入上传的台账", key="cases_import", type="primary"):
        try:
            report = data.worklist_upload(uploaded.name, uploaded.getvalue())
        except data.NotAllowed as exc:
            st.error(str(exc))
        except Exception as exc:  # an unreadable file: one line, nothing recorded
            st.error(f"无法导入：{exc}")
        else:
            st.success(f"已导入 {report.rows} 行：修改 {report.changed} 行，未变 {report.unchanged} 行，"
                       f"拒绝 {len(report.rejected)} 行。")
            for row_number, reason in report.rejected:
                st.warning(f"第 {row_number} 行未导入：{reason}")

with st.expander("核查通知单（打印后入户核查，PDF）", expanded=False):
    if not agency:
        st.caption("请先选择县区。")
    else:
        st.caption("按乡镇、村（社区）分组，每个待核查案件一页；同一村内按优先级排列。")
        if st.button("生成核查通知单", key="cases_sheets"):
            sheet_name, sheet_pdf, sheet_cases = data.sheets_download(agency)
            st.download_button(f"下载 {sheet_name}（{sheet_cases:,d} 件）", sheet_pdf, file_name=sheet_name,
                               mime="application/pdf", key="cases_sheets_download")

if view.empty:
    st.info("没有符合条件的案件。")
    st.stop()

table = view.assign(
    优先顺序=range(1, len(view) + 1),  # the ledger comes sorted by priority, highest first
    类型=view["case_type"].map({"flag": "系统筛查", "suspect": "部省下发"}),
    县区=view["county_code"].map(lambda c: agency_names.get(c, c)),
    仍被筛出=view["detected"].map({True: "是", False: "否"}),
    逾期=view["overdue"].map({True: "是", False: ""}),
)
table = table[["优先顺序", "case_id", "类型", "县区", "rule_code", "rule_name", "subject_id", "person_name", "amount",
               "仍被筛出", "逾期", "conclusion", "review_status", "rectification_status", "recovered_amount",
               "verified_by", "verified_on"]]
table = table.rename(columns={
    "case_id": "案件编号", "rule_code": "规则", "rule_name": "问题项", "subject_id": "疑点对象", "person_name": "姓名",
    "amount": "涉及金额(元)", "conclusion": "核查结论", "review_status": "复核状态", "rectification_status": "整改状态",
    "recovered_amount": "追回金额(元)", "verified_by": "核查人", "verified_on": "核查日期",
})
table["核查日期"] = [v.isoformat() if hasattr(v, "isoformat") else v for v in table["核查日期"]]
for amount in ("涉及金额(元)", "追回金额(元)"):  # yuan as shown in the xlsx; an empty cell stays blank
    table[amount] = [f"{float(v):,.2f}" if v is not None and not pd.isna(v) else "" for v in table[amount]]
text_columns = [c for c in table.columns if c != "优先顺序"]
table[text_columns] = table[text_columns].astype(object).where(table[text_columns].notna(), "")
event = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                     key="cases_table")
rows = event.selection.rows if event and hasattr(event, "selection") else []
if rows:
    st.session_state["cases_selected"] = table["案件编号"].iloc[rows[0]]
    st.info(f"已选择案件 {st.session_state['cases_selected']}，请到“案件核查”页"
            + ("登记核查结论。" if principal.role.records else "复核。"))
