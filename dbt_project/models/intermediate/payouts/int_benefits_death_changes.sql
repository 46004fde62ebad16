{#
  Death-related status changes of benefits (R02, R03): changes to status 2 with
  reason 1203 (暂停: 死亡待核实, kind 'suspension') and to status 4 with reason
  1401 (终止: 死亡, kind 'termination'), with the month of operated_at and the
  earliest later change of the same benefit to status 1 ("later" = strictly later
  operated_at). Only benefits of known persons.
#}
with status_changes as (
    select * from {{ ref('int_status_changes_current') }}
),

benefits as (
    select * from {{ ref('int_benefits_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

death_changes as (
    select
        status_changes.change_id,
        status_changes.benefit_id,
        benefits.person_id,
        case when status_changes.to_status = '2' then 'suspension' else 'termination' end as change_kind,
        status_changes.to_status,
        status_changes.reason_code,
        status_changes.operated_at,
        {{ month_start('status_changes.operated_at') }} as change_month
    from status_changes
    inner join benefits on status_changes.benefit_id = benefits.benefit_id
    inner join persons on benefits.person_id = persons.person_id
    where (status_changes.to_status = '2' and status_changes.reason_code = '1203')
       or (status_changes.to_status = '4' and status_changes.reason_code = '1401')
),

later_resumes as (
    select
        death_changes.change_id,
        resumes.change_id as resume_change_id,
        resumes.operated_at as resumed_at,
        row_number() over (
            partition by death_changes.change_id
            order by resumes.operated_at, resumes.change_id
        ) as resume_rank
    from death_changes
    inner join status_changes as resumes
        on resumes.benefit_id = death_changes.benefit_id
        and resumes.to_status = '1'
        and resumes.operated_at > death_changes.operated_at
),

final as (
    select
        death_changes.change_id,
        death_changes.benefit_id,
        death_changes.person_id,
        death_changes.change_kind,
        death_changes.to_status,
        death_changes.reason_code,
        death_changes.operated_at,
        death_changes.change_month,
        later_resumes.resume_change_id,
        later_resumes.resumed_at
    from death_changes
    left join later_resumes
        on death_changes.change_id = later_resumes.change_id
        and later_resumes.resume_rank = 1
)

select * from final
