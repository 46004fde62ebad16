{#
  The checks of int_exceptions_reported (models/intermediate/quality), one list each, read by
  the model and by the condition its kept table forgets.
  id checks: (file stem, column, validity column, key column).
  reference checks: (file stem, key column, column, referenced stem, referenced column, label).
#}
{% macro reported_id_checks() -%}
    {{ return([
        ('persons', 'id_number', 'id_valid', 'person_id'),
        ('users', 'id_number', 'id_valid', 'user_id'),
        ('staff', 'id_number', 'id_valid', 'user_id'),
        ('bank_accounts', 'holder_id_number', 'holder_id_valid', 'account_no'),
        ('deaths', 'id_number', 'id_valid', 'death_id'),
        ('incarcerations', 'id_number', 'id_valid', 'record_id'),
        ('suspects', 'id_number', 'id_valid', 'suspect_id'),
    ]) }}
{%- endmacro %}

{% macro reported_reference_checks() -%}
    {{ return([
        ('benefits', 'benefit_id', 'person_id', 'persons', 'person_id', 'unknown person'),
        ('benefits', 'benefit_id', 'account_no', 'bank_accounts', 'account_no', 'account absent from bank_accounts'),
        ('payouts', 'payout_id', 'person_id', 'persons', 'person_id', 'unknown person'),
        ('payouts', 'payout_id', 'benefit_id', 'benefits', 'benefit_id', 'unknown benefit'),
        ('payouts', 'payout_id', 'account_no', 'bank_accounts', 'account_no', 'account absent from bank_accounts'),
        ('status_changes', 'change_id', 'benefit_id', 'benefits', 'benefit_id', 'unknown benefit'),
        ('certifications', 'cert_id', 'person_id', 'persons', 'person_id', 'unknown person'),
        ('cards', 'card_no', 'person_id', 'persons', 'person_id', 'unknown person'),
        ('operations', 'log_id', 'user_id', 'users', 'user_id', 'unknown user'),
        ('user_roles', 'user_id', 'user_id', 'users', 'user_id', 'unknown user'),
        ('users', 'user_id', 'user_id', 'staff', 'user_id', 'user absent from the staff roster'),
    ]) }}
{%- endmacro %}

{# The technical reason of a reference check's row: "<column> <label>: <value>". #}
{% macro reference_reason(col, label, value) -%}
    concat('{{ col }} {{ label }}: ', {{ value }})
{%- endmacro %}

{#
  int_exceptions_reported kept from the previous build (macros/current_state.sql). Under the
  premise (the batches it was built from all still usable, the new ones newer) a row of an older
  batch is decided for good, except an orphan reference whose key a new batch now delivers: a
  reference is known when any usable batch delivered the key, and the known keys only grow. The
  table forgets those rows (by file and reason, which names the key) and appends the new batches'
  rows, checked against the keys of every usable batch.
#}
{% macro exceptions_reported_forgotten() -%}
    {%- set new = batch_literals(kept_batches().new) -%}
    {%- for stem, key, col, ref_stem, ref_col, label in reported_reference_checks() %}
    (file = '{{ landing_contract()[stem]['file'] }}' and reason in (
        select {{ reference_reason(col, label, 'known.' ~ ref_col) }} from {{ ref('stg_landing__' ~ ref_stem) }} as known
        where known._batch_id in ({{ new }}))){{ " or" if not loop.last }}
    {%- endfor %}
{%- endmacro %}
