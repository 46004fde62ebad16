"""数据时效: newest batch, as_of, last successful run and publish time."""

from __future__ import annotations

import streamlit as st

from dashboards import data

data.require_page("freshness")

st.title("数据时效")
info = data.freshness()


def _time(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "—"


st.caption("所有时间均为北京时间（Asia/Shanghai，UTC+8）。")
c1, c2, c3 = st.columns(3)
c1.metric("最新批次", str(info["newest_batch"] or "—"))
c2.metric("数据截至日期", str(info["as_of"] or "—"))
c3.metric("最近成功接收（北京时间）", _time(info["last_accepted_at"]))
c4, c5, c6 = st.columns(3)
c4.metric("仓库发布时间（北京时间）", _time(info["published_at"]))
c5.metric("最近接收，含拒收（北京时间）", _time(info["last_ingested_at"]))
c6.metric("被拒收批次数", f"{info['rejected_batches']:,d}")
if info["rejected_batches"]:
    st.warning("有批次被拒收，其数据未纳入统计；原因见“数据质量”页的批次接收情况。")
st.caption(f"数据仓库文件：{info['warehouse']}（只读打开；新发布的文件在下次刷新时自动生效）")

audit = data.batch_audit()
audit["ingested_at"] = [data.shanghai_time(v) for v in audit["ingested_at"]]
batches = (audit.groupby("batch_id")
           .agg(文件数=("file", "count"), 已接收=("status", lambda s: int((s == "accepted").sum())),
                接收时间=("ingested_at", "max"))
           .reset_index().rename(columns={"batch_id": "批次", "接收时间": "接收时间（北京时间）"}).sort_values("批次", ascending=False))
st.dataframe(batches, hide_index=True, width="stretch")
