{#
  The batch in which each flag first appeared (first_seen_batch), kept across
  nightly runs: the table is incremental, existing rows are never rewritten, and a
  flag_id not yet in the table gets the batch_id of the current run (int_as_of).
  A flag that stops firing keeps its row, so if it fires again it keeps its
  original first_seen_batch. Only new flag_ids are appended, so the append strategy
  is enough (and portable to Spark); uniqueness is tested. full_refresh=false: a
  `dbt build --full-refresh` never wipes this history (drop the table by hand to
  reset it).
#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', full_refresh=false) }}

with flags as (
    select * from {{ ref('int_flags_unioned') }}
),

current_batch as (
    select batch_id from {{ ref('int_as_of') }}
),

{% if is_incremental() %}
already_seen as (
    select flag_id from {{ this }}
),
{% endif %}

new_flags as (
    select distinct flags.flag_id
    from flags
    {% if is_incremental() %}
    left join already_seen
        on flags.flag_id = already_seen.flag_id
    where already_seen.flag_id is null
    {% endif %}
),

final as (
    select
        new_flags.flag_id,
        current_batch.batch_id as first_seen_batch
    from new_flags
    cross join current_batch
)

select * from final
