{# 服刑人员信息 (incarcerations.csv, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'incarcerations') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('record_id') }} as record_id,
        {{ id_upper('id_number') }} as id_number,
        {{ normalize_id('id_number') }} as nid,
        {{ clean('name') }} as name,
        {{ clean('sentence_type') }} as sentence_type,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        record_id as raw_record_id,
        id_number as raw_id_number,
        name as raw_name,
        sentence_type as raw_sentence_type,
        start_date as raw_start_date,
        end_date as raw_end_date,
        concat_ws(',', coalesce(record_id, ''), coalesce(id_number, ''), coalesce(name, ''), coalesce(sentence_type, ''), coalesce(start_date, ''), coalesce(end_date, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('incarcerations') }}

checked as (
    select
        typed.*,
        case
            when record_id is null then 'record_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (record_id)'
            when record_id is null then 'record_id: missing'
            when raw_id_number is null or trim(raw_id_number) = '' then 'id_number: missing'
            {{ check_code('raw_sentence_type', 'sentence_type', landing_codes('incarcerations', 'sentence_type'), required=true) }}
            {{ check_value('raw_start_date', 'start_date', 'start_date', required=true) }}
            {{ check_value('raw_end_date', 'end_date', 'end_date', required=false) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('incarcerations') }}
),

final as (
    select
        record_id,
        id_number,
        nid,
        nid is not null as id_valid,
        name,
        sentence_type,
        start_date,
        end_date,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
