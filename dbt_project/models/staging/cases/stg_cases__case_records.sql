with source as (
    select * from {{ source('cases', 'case_records') }}
),

final as (
    select
        case_id,
        case_type,
        flag_id,
        suspect_id,
        conclusion,
        problem_note,
        cast(recovered_amount as decimal(18, 2)) as recovered_amount,
        rectification_status,
        rectification_measures,
        verified_by,
        cast(verified_on as date) as verified_on,
        cast(updated_at as timestamp) as updated_at,
        coalesce(review_status, '未核查') as review_status,
        reviewed_by,
        cast(reviewed_at as timestamp) as reviewed_at,
        review_note
    from source
)

select * from final
