{#
  共用账户团伙 (INTERFACE.md): one row per (cluster, account, person) of the
  connected components of the person-account graph (edges: int_account_links)
  that contain a shared account (int_shared_accounts). cluster_id = the smallest
  account_no of the component.
  Components by min-label propagation in portable SQL: every person starts with
  the smallest of its accounts; each round an account takes the smallest label of
  its persons and a person the smallest label of its accounts. The bound: after
  12 rounds (set rounds below) the label has crossed 12 account-person-account hops, exact for
  every component whose accounts are all within 12 such hops of its smallest
  account (rings and chains of up to 13 accounts; realistic rings are far smaller).
#}
{%- set rounds = 12 %}
with links as (
    select * from {{ ref('int_account_links') }}
),

shared_accounts as (
    select * from {{ ref('int_shared_accounts') }}
),

linked as (
    select distinct account_no, person_id
    from links
),

account_degrees as (
    select account_no, count(*) as person_count
    from linked
    group by account_no
),

person_degrees as (
    select person_id, count(*) as account_count
    from linked
    group by person_id
),

-- every link but those forming a component of one account and one person
edges as (
    select linked.account_no, linked.person_id
    from linked
    inner join account_degrees on linked.account_no = account_degrees.account_no
    inner join person_degrees on linked.person_id = person_degrees.person_id
    where account_degrees.person_count > 1 or person_degrees.account_count > 1
),

person_label_0 as (
    select person_id, min(account_no) as label
    from edges
    group by person_id
),
{% for i in range(1, rounds + 1) %}
account_label_{{ i }} as (
    select edges.account_no, min(person_label_{{ i - 1 }}.label) as label
    from edges
    inner join person_label_{{ i - 1 }} on edges.person_id = person_label_{{ i - 1 }}.person_id
    group by edges.account_no
),

person_label_{{ i }} as (
    select edges.person_id, min(account_label_{{ i }}.label) as label
    from edges
    inner join account_label_{{ i }} on edges.account_no = account_label_{{ i }}.account_no
    group by edges.person_id
),
{% endfor %}
edge_clusters as (
    select
        edges.account_no,
        edges.person_id,
        person_label_{{ rounds }}.label as cluster_id
    from edges
    inner join person_label_{{ rounds }} on edges.person_id = person_label_{{ rounds }}.person_id
),

shared_clusters as (
    select distinct edge_clusters.cluster_id
    from edge_clusters
    inner join shared_accounts on edge_clusters.account_no = shared_accounts.account_no
),

final as (
    select
        edge_clusters.cluster_id,
        edge_clusters.account_no,
        edge_clusters.person_id,
        coalesce(links.nid, links.id_number) as id_number,
        links.name,
        links.county_code
    from edge_clusters
    inner join shared_clusters on edge_clusters.cluster_id = shared_clusters.cluster_id
    inner join links
        on edge_clusters.account_no = links.account_no
        and edge_clusters.person_id = links.person_id
)

select * from final
