"""共用账户团伙: persons linked through shared bank accounts, drawn as a network."""

from __future__ import annotations

import streamlit as st

from dashboards import data

data.require_page("clusters")


def dot(cluster) -> str:
    """Graphviz DOT of one cluster: accounts (boxes) linked to persons (ellipses)."""
    lines = [
        "graph cluster {",
        '  graph [rankdir=LR, bgcolor="transparent", fontname="Noto Sans CJK SC"];',
        '  node [fontname="Noto Sans CJK SC", fontsize=11];',
    ]
    for account in cluster["account_no"].unique():
        lines.append(f'  "A:{account}" [label="账户\\n{account}", shape=box, style=filled, fillcolor="#FCE4D6"];')
    for person in cluster.drop_duplicates("person_id").itertuples():
        label = f"{person.name or ''}\\n{person.person_id}\\n{person.id_number or ''}"
        lines.append(f'  "P:{person.person_id}" [label="{label}", shape=ellipse, style=filled, fillcolor="#DDEBF7"];')
    for link in cluster.itertuples():
        lines.append(f'  "A:{link.account_no}" -- "P:{link.person_id}";')
    lines.append("}")
    return "\n".join(lines)


st.title("共用账户团伙")
clusters = data.shared_account_clusters()
if clusters.empty:
    st.info("未发现多个待遇领取人员共用银行账号的情况。")
    st.stop()

summary = (clusters.groupby("cluster_id", sort=True)
           .agg(账户数=("account_no", "nunique"), 人数=("person_id", "nunique"), 县区=("agency_name", "first"))
           .reset_index().rename(columns={"cluster_id": "团伙编号"}))
c1, c2, c3 = st.columns(3)
c1.metric("团伙数", f"{len(summary):,d}")
c2.metric("涉及账户", f"{clusters['account_no'].nunique():,d}")
c3.metric("涉及人员", f"{clusters['person_id'].nunique():,d}")
st.dataframe(summary, hide_index=True, width="stretch")

cluster_id = st.selectbox("查看团伙", summary["团伙编号"].tolist(), key="clusters_cluster")
members = clusters[clusters["cluster_id"] == cluster_id]
st.graphviz_chart(dot(members), width="stretch")
st.dataframe(members.rename(columns={"account_no": "银行账号", "person_id": "人员编号", "id_number": "身份证号",
                                     "name": "姓名", "agency_name": "县区"})
             [["银行账号", "人员编号", "姓名", "身份证号", "县区"]], hide_index=True, width="stretch")
