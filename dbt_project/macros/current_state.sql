{#
  The current state of an increment file: the latest row per key among the usable batches (a
  later batch's row is a correction), with the staged model's columns. Staging rejects a key
  repeated within one batch version, and a batch is usable in one version only, so a key has at
  most one row per batch.

  Only the keys delivered in more than one usable batch (the corrections, few) are looked up:
  `corrected` groups the key column alone and keeps the batch of each corrected key's latest row;
  every other row is current as it stands. `corrected` reads the staged model itself, not the
  `staged` CTE: a CTE read twice is materialized whole. A window over every row and column
  (max(_batch_id) over (partition by key)) needed more than DuckDB's memory cap on the 28 M
  payouts of 1,000,000 persons: it spilled up to 26 GB and took 39 to 97 s, against 30 s with no
  spill this way (docs/PERFORMANCE.md).
#}
{% macro latest_rows(staged_model, key) -%}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),

staged as (
    select stg.*
    from {{ ref(staged_model) }} as stg
    inner join usable on stg._batch_id = usable.batch_id
),

corrected as (
    select
        stg.{{ key }},
        max(stg._batch_id) as latest_batch_id
    from {{ ref(staged_model) }} as stg
    inner join usable on stg._batch_id = usable.batch_id
    group by stg.{{ key }}
    having count(*) > 1
),

final as (
    select staged.*
    from staged
    left join corrected on staged.{{ key }} = corrected.{{ key }}
    where corrected.{{ key }} is null
       or staged._batch_id = corrected.latest_batch_id
)

select * from final
{%- endmacro %}
