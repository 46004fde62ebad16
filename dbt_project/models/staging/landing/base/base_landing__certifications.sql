{# 待遇资格认证 (certifications.csv, increment): every delivered row (all ingested batch versions), typed,
   with the reason it is rejected (null = staged). #}
with source as (
    select * from {{ source('landing', 'certifications') }} as delivered
    {{ only_new_batch_versions() }}
),

typed as (
    select
        {{ clean('cert_id') }} as cert_id,
        {{ clean('person_id') }} as person_id,
        {{ parse_date('certified_on') }} as certified_on,
        {{ clean('method') }} as method,
        {{ clean('result') }} as result,
        {{ clean('operator_id') }} as operator_id,
        {{ clean('reviewer_id') }} as reviewer_id,
        cert_id as raw_cert_id,
        person_id as raw_person_id,
        certified_on as raw_certified_on,
        method as raw_method,
        result as raw_result,
        operator_id as raw_operator_id,
        reviewer_id as raw_reviewer_id,
        concat_ws(',', coalesce(cert_id, ''), coalesce(person_id, ''), coalesce(certified_on, ''), coalesce(method, ''), coalesce(result, ''), coalesce(operator_id, ''), coalesce(reviewer_id, '')) as raw_content,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from source
),

{{ repeated_keys('certifications') }}

checked as (
    select
        typed.*,
        case
            when cert_id is null then 'cert_id: missing key'
            when repeated_keys.first_row_number < typed._row_number then 'repeated key within the file (cert_id)'
            when cert_id is null then 'cert_id: missing'
            when person_id is null then 'person_id: missing'
            {{ check_value('raw_certified_on', 'certified_on', 'certified_on', required=true) }}
            {{ check_code('raw_method', 'method', landing_codes('certifications', 'method'), required=true) }}
            {{ check_code('raw_result', 'result', landing_codes('certifications', 'result'), required=true) }}
        end as _reject_reason
    from typed
    {{ join_repeated_keys('certifications') }}
),

final as (
    select
        cert_id,
        person_id,
        certified_on,
        method,
        result,
        operator_id,
        reviewer_id,
        case when _reject_reason is not null then raw_content end as raw_content,
        _reject_reason,
        _batch_id,
        _batch_version,
        _file,
        _row_number
    from checked
)

select * from final
