{# 部省下发疑点数据 (suspects.xlsx, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'suspects') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('suspect_id') }} as suspect_id,
        {{ clean('issuer') }} as issuer,
        {{ parse_date('issued_on') }} as issued_on,
        {{ clean('suspect_type') }} as suspect_type,
        {{ id_upper('id_number') }} as id_number,
        {{ normalize_id('id_number') }} as nid,
        {{ clean('name') }} as name,
        {{ clean('county_code') }} as county_code,
        {{ clean('description') }} as description,
        suspect_id as raw_suspect_id,
        issuer as raw_issuer,
        issued_on as raw_issued_on,
        suspect_type as raw_suspect_type,
        id_number as raw_id_number,
        name as raw_name,
        county_code as raw_county_code,
        description as raw_description,
        concat_ws(',', coalesce(suspect_id, ''), coalesce(issuer, ''), coalesce(issued_on, ''), coalesce(suspect_type, ''), coalesce(id_number, ''), coalesce(name, ''), coalesce(county_code, ''), coalesce(description, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('suspects') }}

checked as (
    select
        typed.*,
        case
            when suspect_id is null then 'suspect_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (suspect_id)'
            when suspect_id is null then 'suspect_id: missing'
            {{ check_code('raw_issuer', 'issuer', landing_codes('suspects', 'issuer'), required=true) }}
            {{ check_value('raw_issued_on', 'issued_on', 'issued_on', required=true) }}
            {{ check_code('raw_suspect_type', 'suspect_type', landing_codes('suspects', 'suspect_type'), required=true) }}
            {{ check_code('raw_county_code', 'county_code', landing_codes('suspects', 'county_code'), required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('suspects') }}
),

final as (
    select
        suspect_id,
        issuer,
        issued_on,
        suspect_type,
        id_number,
        nid,
        nid is not null as id_valid,
        name,
        county_code,
        description,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
