{# Reported rows (staged = true): staged and used as RULES.md says, but listed for
   the data team: id numbers failing their check, references to unknown persons,
   benefits, accounts or users (orphans). Every staged row of every usable batch is
   checked (a snapshot's row is reported in each batch that delivers it); a
   reference is known when any usable batch delivered the referenced key.
   reason = technical (for the data team), reason_zh = the same in Chinese (column
   names from seeds/column_names.csv, orphan kinds from seeds/code_names.csv dq_reference). #}
{% set id_checks = [
    ('persons', 'id_number', 'id_valid', 'person_id'),
    ('users', 'id_number', 'id_valid', 'user_id'),
    ('staff', 'id_number', 'id_valid', 'user_id'),
    ('bank_accounts', 'holder_id_number', 'holder_id_valid', 'account_no'),
    ('deaths', 'id_number', 'id_valid', 'death_id'),
    ('incarcerations', 'id_number', 'id_valid', 'record_id'),
    ('suspects', 'id_number', 'id_valid', 'suspect_id'),
] %}
{% set ref_checks = [
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
] %}
with
names as (
    {{ names_map() }}
),
{% for stem, col, valid, key in id_checks %}
bad_id_{{ loop.index }} as (
    select
        _batch_id as batch_id,
        _file as file,
        _row_number as row_number,
        cast({{ key }} as {{ dbt.type_string() }}) as key,
        concat('{{ col }} fails its check (GB 11643): ', {{ col }}) as reason,
        concat({{ column_zh('_file', "'" ~ col ~ "'") }}, '未通过校验（GB 11643）：', {{ col }}) as reason_zh
    from {{ ref('stg_landing__' ~ stem) }}
    cross join names
    where {{ col }} is not null and not {{ valid }}
),
{% endfor %}
{% for stem, key, col, ref_stem, ref_col, label in ref_checks %}
orphan_{{ loop.index }} as (
    select
        src._batch_id as batch_id,
        src._file as file,
        src._row_number as row_number,
        cast(src.{{ key }} as {{ dbt.type_string() }}) as key,
        concat('{{ col }} {{ label }}: ', src.{{ col }}) as reason,
        concat({{ column_zh('src._file', "'" ~ col ~ "'") }}, {{ code_name('dq_reference', "'" ~ label ~ "'") }}, '：', src.{{ col }}) as reason_zh
    from {{ ref('stg_landing__' ~ stem) }} as src
    cross join names
    left join (select distinct {{ ref_col }} from {{ ref('stg_landing__' ~ ref_stem) }}) as known
        on src.{{ col }} = known.{{ ref_col }}
    where src.{{ col }} is not null and known.{{ ref_col }} is null
),
{% endfor %}

final as (
{% for _c in id_checks %}
    select * from bad_id_{{ loop.index }}
    union all
{% endfor %}
{% for _c in ref_checks %}
    select * from orphan_{{ loop.index }}{% if not loop.last %}
    union all{% endif %}
{% endfor %}
)

select * from final
