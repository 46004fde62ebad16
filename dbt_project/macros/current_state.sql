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
  twice, materialized once, and small. only_batches (a list of batch ids): the latest rows among
  these batches only.
#}
{% macro latest_rows(staged_model, key, of_keys=none, only_batches=none) -%}
{%- set filters = [] -%}
{%- if of_keys -%}{%- do filters.append('stg.' ~ key ~ ' in (select ' ~ key ~ ' from of_keys)') -%}{%- endif -%}
{%- if only_batches is not none -%}{%- do filters.append('stg._batch_id in (' ~ batch_literals(only_batches) ~ ')') -%}{%- endif -%}
with usable as (
    select * from {{ ref('int_batches_usable') }}
    {%- if only_batches is not none %}
    where batch_id in ({{ batch_literals(only_batches) }})
    {%- endif %}
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
    {%- if filters %}
    where {{ filters | join(' and ') }}
    {%- endif %}
),

corrected as (
    select
        stg.{{ key }},
        max(stg._batch_id) as latest_batch_id
    from {{ ref(staged_model) }} as stg
    inner join usable on stg._batch_id = usable.batch_id
    {%- if filters %}
    where {{ filters | join(' and ') }}
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
{# The config of a table kept from the previous build. forgotten: a call of a macro giving the
   condition on the table's rows that the new batches replace, e.g. 'month_totals_forgotten()'.
   reads: the models its SQL reads only when it builds on the previous build (in a pre-hook or a
   branch dbt does not render while parsing), which dbt must know before it runs; a table reading
   no other is not made to depend on it (its lineage, and Dagster's asset graph, stay true). #}
{% macro kept_from_previous_build(forgotten, reads=[]) -%}
    {{ config(
        materialized=('incremental' if keeps_current_state() else 'table'),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ forget_replaced_rows(" ~ forgotten ~ ") }}",
        post_hook="{{ record_built_from() }}",
    ) }}
-- depends_on: {{ ref('int_batches_usable') }}{% for model in reads %} {{ ref(model) }}{% endfor %}
{%- endmacro %}

{# The current state of an increment file (latest_rows) kept from the previous build: a key
   delivered in a new batch has its latest row there (every new batch is newer than all the table
   was built from), so the table forgets those keys and appends their latest rows among the new
   batches; every other key's row stands as it was. For the large increment files other than the
   payouts (operations, certifications: 2.6 M and 3 M rows at 1,000,000 persons). #}
{% macro kept_latest_rows(staged_model, key) -%}
{{ kept_from_previous_build("new_batch_keys_forgotten('" ~ staged_model ~ "', '" ~ key ~ "')") }}
{%- if current_state_path() %}
{{ latest_rows(staged_model, key, only_batches=kept_batches().new) }}
{%- else %}
{{ latest_rows(staged_model, key) }}
{%- endif %}
{%- endmacro %}

{% macro new_batch_keys_forgotten(staged_model, key) -%}
    {{ key }} in (select staged.{{ key }} from {{ ref(staged_model) }} as staged
                  where staged._batch_id in ({{ batch_literals(kept_batches().new) }}))
{%- endmacro %}

{# A history replay (first_seen_batch) narrows the current state to the batches up to
   env_var('PENSION_RISK_THROUGH_BATCH'), set by the pipeline (orchestration/assets/dbt.py):
   `and <column> <= '<batch>'` during a replay, nothing otherwise. #}
{% macro through_batch_condition(column) -%}
    {%- if env_var('PENSION_RISK_THROUGH_BATCH', '') -%}
    and {{ column }} <= '{{ env_var("PENSION_RISK_THROUGH_BATCH", "") }}'
    {%- endif -%}
{%- endmacro %}

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

{# The batches of a build that builds on the previous one, read from the warehouse at each call
   (four small queries; a kept model calls it a few times per build):
   new (the usable batch ids the table was not built from), then (the newest batch it was built
   from) and now (the newest usable batch). As literals in the SQL, so that DuckDB skips the row
   groups of other batches (zone maps) instead of joining every staged row. #}
{% macro kept_batches() -%}
    {%- if not builds_on_previous() -%}
        {{ return({'new': [], 'then': none, 'now': none}) }}
    {%- endif -%}
    {%- set new = run_query("select usable.batch_id from " ~ ref('int_batches_usable') ~ " as usable "
        ~ "where not exists (select 1 from " ~ built_from_relation() ~ " as built "
        ~ "where built.batch_id = usable.batch_id and built.batch_version = usable.batch_version) "
        ~ "order by 1").columns[0].values() -%}
    {%- set then = run_query("select max(batch_id) from " ~ built_from_relation()).columns[0].values()[0] -%}
    {%- set now = run_query("select max(batch_id) from " ~ ref('int_batches_usable')).columns[0].values()[0] -%}
    {{ return({'new': new | list, 'then': then, 'now': now}) }}
{%- endmacro %}

{# A list of batch ids as SQL literals (null for none: `in (null)` matches nothing). #}
{% macro batch_literals(batch_ids) -%}
    {%- if batch_ids -%}'{{ batch_ids | join("', '") }}'{%- else -%}null{%- endif -%}
{%- endmacro %}

{# Keys of a snapshot file in the newest usable batch and not in the newest batch the table was
   built from (direction 'added'), or the other way round ('removed'); a query. #}
{% macro snapshot_keys(staged_model, key, direction) -%}
    {%- set batches = kept_batches() -%}
    {%- set this_side, other_side = (batches.now, batches.then) if direction == 'added' else (batches.then, batches.now) -%}
    select side.{{ key }} from {{ ref(staged_model) }} as side
    where side._batch_id = '{{ this_side }}'
      and not exists (select 1 from {{ ref(staged_model) }} as other
                      where other._batch_id = '{{ other_side }}' and other.{{ key }} = side.{{ key }})
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


{#
  int_payouts_screened kept from the previous build. The payouts whose current row may differ
  from the table's:
    - those delivered in a new batch: their latest row is among the new batches (every new batch
      is newer than all the table was built from), so only the new batches' rows are read;
    - the other payouts with a row (in any batch) of a person or benefit the newest snapshot adds:
      their latest row, among all usable batches, may now pass the known-person filter
      (newly_known_payout_ids, few);
    - the payouts of a person or benefit the newest snapshot drops: no longer known.
  The table forgets all of these (replaced_payout_ids, a query of payout ids) and appends
  the current rows of the first two that pass its filters: what a rebuild from every staged row gives (proof:
  tests/test_current_state.py).
#}
{% macro new_batch_payout_ids() -%}
    select staged.payout_id from {{ ref('stg_landing__payouts') }} as staged
    where staged._batch_id in ({{ batch_literals(kept_batches().new) }})
{%- endmacro %}

{# Each condition a semi-join of its own, united: DuckDB answers a semi-join with an empty key
   set (usually no person is added or dropped) without reading the rows, where an OR of them reads
   and probes every row for each (3 s against 0.7 s on 28 M payouts). #}
{% macro newly_known_payout_ids() -%}
    (select staged.payout_id from {{ ref('stg_landing__payouts') }} as staged
     where staged.person_id in ({{ snapshot_keys('stg_landing__persons', 'person_id', 'added') }})
     union
     select staged.payout_id from {{ ref('stg_landing__payouts') }} as staged
     where staged.benefit_id in ({{ snapshot_keys('stg_landing__benefits', 'benefit_id', 'added') }}))
    except
    {{ new_batch_payout_ids() }}
{%- endmacro %}

{# The payout ids the table forgets: those replaced, the no longer known read from its own rows. #}
{% macro screened_payouts_forgotten() -%}
    payout_id in ({{ replaced_payout_ids(this) }})
{%- endmacro %}

{# The models replaced_payout_ids reads: the kept models that call it name them (reads=). #}
{% macro replaced_payout_ids_reads() -%}
    {{ return(['stg_landing__payouts', 'stg_landing__persons', 'stg_landing__benefits']) }}
{%- endmacro %}

{# The payout ids whose current row may differ from the previous build's (a query): delivered in a
   new batch, newly known, or of a person or benefit the newest snapshot drops, looked up in
   `dropped_from` (a relation with payout_id, person_id, benefit_id). The one definition the
   screened payouts forget and the month totals recompute the months of. #}
{% macro replaced_payout_ids(dropped_from) -%}
    {{ new_batch_payout_ids() }}
    union
    ({{ newly_known_payout_ids() }})
    union
    select dropped.payout_id from {{ dropped_from }} as dropped
    where dropped.person_id in ({{ snapshot_keys('stg_landing__persons', 'person_id', 'removed') }})
    union
    select dropped.payout_id from {{ dropped_from }} as dropped
    where dropped.benefit_id in ({{ snapshot_keys('stg_landing__benefits', 'benefit_id', 'removed') }})
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


{# int_person_month_totals kept from the previous build: the pay months whose totals may differ
   from the table's, as literals — every month of a row (in any batch) of a payout
   int_payouts_screened replaces (replaced_payout_ids; the dropped persons' and benefits' payouts
   looked up in the staged rows: the screened payouts, built before this table, have forgotten
   them already). The table forgets these months and sums them again from the screened payouts; a
   nightly batch touches its new month and the few its corrections move. #}
{% macro changed_pay_months() -%}
    {%- if not builds_on_previous() -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set months -%}
        select distinct staged.pay_month from {{ ref('stg_landing__payouts') }} as staged
        where staged.payout_id in ({{ replaced_payout_ids(ref('stg_landing__payouts')) }})
        order by 1
    {%- endset -%}
    {{ return(run_query(months).columns[0].values() | map('string') | list) }}
{%- endmacro %}

{% macro month_totals_forgotten() -%}
    pay_month in ({{ month_literals(changed_pay_months()) }})
{%- endmacro %}

{% macro month_literals(months) -%}
    {%- if months -%}
    {%- for month in months %}cast('{{ month }}' as date){{ ", " if not loop.last }}{% endfor -%}
    {%- else -%}null{%- endif -%}
{%- endmacro %}
