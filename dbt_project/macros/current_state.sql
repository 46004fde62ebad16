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

  of_keys (a query of the key column): only these keys' latest rows, from every batch (a
  current-state table kept from the previous build recomputes only its changed keys); a CTE read
  twice, materialized once, and small.
#}
{% macro latest_rows(staged_model, key, of_keys=none) -%}
with usable as (
    select * from {{ ref('int_batches_usable') }}
),
{%- if of_keys %}

of_keys as (
    {{ of_keys }}
),
{%- endif %}

staged as (
    select stg.*
    from {{ ref(staged_model) }} as stg
    inner join usable on stg._batch_id = usable.batch_id
    {%- if of_keys %}
    where stg.{{ key }} in (select {{ key }} from of_keys)
    {%- endif %}
),

corrected as (
    select
        stg.{{ key }},
        max(stg._batch_id) as latest_batch_id
    from {{ ref(staged_model) }} as stg
    inner join usable on stg._batch_id = usable.batch_id
    {%- if of_keys %}
    where stg.{{ key }} in (select {{ key }} from of_keys)
    {%- endif %}
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


{#
  A current-state table kept from the previous build (issue 9, item 3): instead of being
  rebuilt from every staged row, the table replaces only what the new batches change. It may do
  so only when its premise holds, checked at the start of every build (builds_on_previous):

    - it was built before, by this very code (the digest of the dbt project the orchestration
      passes in PENSION_RISK_CODE_DIGEST; a hand-run dbt has none and always rebuilds);
    - every batch version it was built from is still usable (none rejected or re-delivered since,
      and no history replay narrows below it);
    - every usable batch it was not built from is newer than all it was built from (a late older
      batch changes which row of a key is the latest: it rebuilds).

  The batch versions a table was built from, with the digest, are kept beside it in
  <table>__built_from (post-hook record_built_from). When the premise fails on an existing table,
  its rows are deleted (pre-hook) and it is refilled from every staged row, as a first build.
  DuckDB only: on Spark these models are plain tables (docs/SCALE.md).
#}
{% macro keeps_current_state() -%}
    {{ return(target.type == 'duckdb') }}
{%- endmacro %}

{% macro built_from_relation() -%}
    {{ this.schema }}.{{ this.identifier }}__built_from
{%- endmacro %}

{% macro builds_on_previous() -%}
    {%- if not execute or not keeps_current_state() or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set digest = env_var('PENSION_RISK_CODE_DIGEST', '') -%}
    {%- set state = adapter.get_relation(database=this.database, schema=this.schema,
                                         identifier=this.identifier ~ '__built_from') -%}
    {%- if not digest or state is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set premise -%}
        with usable as (
            select batch_id, batch_version from {{ ref('int_batches_usable') }}
        ),
        built as (
            select batch_id, batch_version, code_digest from {{ built_from_relation() }}
        )
        select
            (select count(*) from built) as built_batches,
            (select count(*) from built where code_digest <> '{{ digest }}') as other_code,
            (select count(*) from built
             where not exists (select 1 from usable
                               where usable.batch_id = built.batch_id
                                 and usable.batch_version = built.batch_version)) as gone,
            (select count(*) from usable
             where not exists (select 1 from built
                               where built.batch_id = usable.batch_id
                                 and built.batch_version = usable.batch_version)
               and usable.batch_id <= (select max(batch_id) from built)) as older_new
    {%- endset -%}
    {%- set row = run_query(premise).rows[0] -%}
    {{ return(row[0] > 0 and row[1] == 0 and row[2] == 0 and row[3] == 0) }}
{%- endmacro %}

{# The usable batch ids the table was not built from (a query), when builds_on_previous(). #}
{% macro new_usable_batches() -%}
    select usable.batch_id from {{ ref('int_batches_usable') }} as usable
    where not exists (select 1 from {{ built_from_relation() }} as built
                      where built.batch_id = usable.batch_id and built.batch_version = usable.batch_version)
{%- endmacro %}

{# Keys of a snapshot file in the newest usable batch and not in the newest batch the table was
   built from (direction 'added'), or the other way round ('removed'); a query. #}
{% macro snapshot_keys(staged_model, key, direction) -%}
    {%- set now_batch = "(select max(batch_id) from " ~ ref('int_batches_usable') ~ ")" -%}
    {%- set then_batch = "(select max(batch_id) from " ~ built_from_relation() ~ ")" -%}
    {%- set this_side, other_side = (now_batch, then_batch) if direction == 'added' else (then_batch, now_batch) -%}
    select side.{{ key }} from {{ ref(staged_model) }} as side
    where side._batch_id = {{ this_side }}
      and not exists (select 1 from {{ ref(staged_model) }} as other
                      where other._batch_id = {{ other_side }} and other.{{ key }} = side.{{ key }})
{%- endmacro %}

{# pre-hook: the rows about to be replaced (delete_where, a condition on the table's columns) when
   the table builds on the previous build; every row when it exists but its premise failed. #}
{% macro forget_replaced_rows(delete_where) -%}
    {%- if builds_on_previous() -%}
    delete from {{ this }} where {{ delete_where }}
    {%- elif keeps_current_state() and is_incremental() -%}
    delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{# post-hook: the batch versions this build used and the code it ran, for the next build's premise. #}
{% macro record_built_from() -%}
    {%- if keeps_current_state() -%}
    create or replace table {{ built_from_relation() }} as
    select batch_id, batch_version, '{{ env_var("PENSION_RISK_CODE_DIGEST", "") }}' as code_digest
    from {{ ref('int_batches_usable') }};
    comment on table {{ built_from_relation() }} is 'The batch versions {{ this.identifier }} was last built from and the digest of the code that built it: the next build replaces only what newer batches change while these are still usable (macros/current_state.sql).'
    {%- endif -%}
{%- endmacro %}


{# int_payouts_screened kept from the previous build: the payout ids whose current row may have
   changed — delivered in a new batch, or of a person or benefit that has become known (a row of
   theirs in any usable batch; its latest row decides). The table forgets these and the payouts
   of persons or benefits no longer known, then adds these ids' current rows that pass its
   filters: what a rebuild from every staged row gives (proof in tests/test_current_state.py). #}
{% macro changed_payout_ids() -%}
    select staged.payout_id from {{ ref('stg_landing__payouts') }} as staged
    where staged._batch_id in ({{ new_usable_batches() }})
    union
    select staged.payout_id from {{ ref('stg_landing__payouts') }} as staged
    inner join {{ ref('int_batches_usable') }} as usable on staged._batch_id = usable.batch_id
    where staged.person_id in ({{ snapshot_keys('stg_landing__persons', 'person_id', 'added') }})
       or staged.benefit_id in ({{ snapshot_keys('stg_landing__benefits', 'benefit_id', 'added') }})
{%- endmacro %}

{% macro screened_payouts_replaced() -%}
    payout_id in ({{ changed_payout_ids() }})
    or person_id in ({{ snapshot_keys('stg_landing__persons', 'person_id', 'removed') }})
    or benefit_id in ({{ snapshot_keys('stg_landing__benefits', 'benefit_id', 'removed') }})
{%- endmacro %}

{# One line in dbt's log (the run log) saying how the table is built this time; returns
   builds_on_previous(). #}
{% macro current_state_path() -%}
    {%- set previous = builds_on_previous() -%}
    {%- if execute and keeps_current_state() -%}
        {%- if previous -%}
            {%- do log(this.identifier ~ ": kept from the previous build, replacing only what the new batches change", info=True) -%}
        {%- elif is_incremental() -%}
            {%- do log(this.identifier ~ ": rebuilt from every staged row (its batches or code changed since it was built)", info=True) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(previous) }}
{%- endmacro %}
