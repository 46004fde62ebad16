{#
  Every case (案件) of the risk ledger with its current verification record: the
  base of marts.case_ledger and marts.rule_outcomes (both read it, so the ledger
  can rank cases by the rules' outcomes without a cycle).
    - every flag of the 29 rules (int_flags_unioned; case_id = flag_id, case_type 'flag');
    - every issued suspect (部省下发疑点) of int_suspects_current
      (case_id = 'SUS-' || 疑点编号, case_type 'suspect');
    - every recorded case whose flag (or suspect) no longer appears: the case is
      kept, with detected = false.
  The verification record (核查结论, 问题说明, 追回金额, 整改状态, 整改措施, 核查人,
  核查日期) and its review state (review_status 未核查 / 待复核 / 已复核 / 已退回,
  reviewed_by, reviewed_at, review_note) come from the case store
  (stg_cases__case_records); a case nobody has recorded yet has null record
  columns and review_status 未核查.
  A suspect is matched to the system's own flags on the same person: the
  suspect's normalized id -> persons.nid -> person_id(s) -> flags with that
  person_id (matched_flag_ids, comma separated, sorted).
  The case store keeps rule_code / subject_id / person_id / county_code of a case
  from the moment it is first recorded (extra trailing columns of
  raw.case_records), so a case whose flag stopped firing is still attributed.
#}
{%- set identity_columns = ['rule_code', 'subject_id', 'person_id', 'county_code'] -%}
{%- set stored_identity = [] -%}
{%- if execute -%}
    {%- set raw_columns = adapter.get_columns_in_relation(source('cases', 'case_records')) | map(attribute='name') | map('lower') | list -%}
    {%- for c in identity_columns -%}
        {%- if c in raw_columns -%}{%- do stored_identity.append(c) -%}{%- endif -%}
    {%- endfor -%}
{%- endif %}

with flags as (
    select * from {{ ref('int_flags_unioned') }}
),

suspects as (
    select * from {{ ref('int_suspects_current') }}
),

persons as (
    select * from {{ ref('int_persons_current') }}
),

case_records as (
    select * from {{ ref('stg_cases__case_records') }}
),

rule_catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

-- identity of a case as stored when it was first recorded (survives a flag that stops firing)
stored_identity as (
    select
        case_id,
        {%- for c in identity_columns %}
        {% if c in stored_identity %}cast({{ c }} as {{ dbt.type_string() }}){% else %}cast(null as {{ dbt.type_string() }}){% endif %} as {{ c }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ source('cases', 'case_records') }}
),

as_of_date as (
    select
        as_of,
        {{ add_days('as_of', -var('r29_days')) }} as issued_by
    from {{ ref('int_as_of') }}
),

-- suspect -> person records with the same normalized id
suspect_persons as (
    select
        suspects.suspect_id,
        persons.person_id
    from suspects
    inner join persons
        on suspects.nid = persons.nid
    where suspects.nid is not null
),

suspect_person as (
    select
        suspect_id,
        min(person_id) as person_id
    from suspect_persons
    group by suspect_id
),

suspect_flag_pairs as (
    select distinct
        suspect_persons.suspect_id,
        flags.flag_id
    from suspect_persons
    inner join flags
        on suspect_persons.person_id = flags.person_id
),

suspect_matches as (
    select
        suspect_id,
        {{ dbt.listagg('flag_id', "','", 'order by flag_id') }} as matched_flag_ids
    from suspect_flag_pairs
    group by suspect_id
),

flag_cases as (
    select
        flags.flag_id as case_id,
        'flag' as case_type,
        flags.flag_id,
        flags.rule_code,
        flags.subject_id,
        cast(null as {{ dbt.type_string() }}) as suspect_id,
        flags.person_id,
        flags.county_code,
        flags.amount,
        true as detected,
        cast(null as {{ dbt.type_string() }}) as matched_flag_ids,
        cast(null as date) as issued_on
    from flags
),

suspect_cases as (
    select
        concat('SUS-', suspects.suspect_id) as case_id,
        'suspect' as case_type,
        cast(null as {{ dbt.type_string() }}) as flag_id,
        cast(null as {{ dbt.type_string() }}) as rule_code,
        suspects.suspect_id as subject_id,
        suspects.suspect_id,
        suspect_person.person_id,
        suspects.county_code,
        cast(null as decimal(18, 2)) as amount,
        true as detected,
        suspect_matches.matched_flag_ids,
        suspects.issued_on
    from suspects
    left join suspect_person
        on suspects.suspect_id = suspect_person.suspect_id
    left join suspect_matches
        on suspects.suspect_id = suspect_matches.suspect_id
),

detected_cases as (
    select * from flag_cases
    union all
    select * from suspect_cases
),

-- recorded cases whose flag / suspect is no longer in the published data
undetected_cases as (
    select
        case_records.case_id,
        case_records.case_type,
        case_records.flag_id,
        stored_identity.rule_code,
        coalesce(stored_identity.subject_id, case_records.suspect_id) as subject_id,
        case_records.suspect_id,
        stored_identity.person_id,
        stored_identity.county_code,
        cast(null as decimal(18, 2)) as amount,
        false as detected,
        cast(null as {{ dbt.type_string() }}) as matched_flag_ids,
        cast(null as date) as issued_on
    from case_records
    left join stored_identity
        on case_records.case_id = stored_identity.case_id
    left join detected_cases
        on case_records.case_id = detected_cases.case_id
    where detected_cases.case_id is null
),

all_cases as (
    select * from detected_cases
    union all
    select * from undetected_cases
),

final as (
    select
        all_cases.case_id,
        all_cases.case_type,
        all_cases.flag_id,
        all_cases.rule_code,
        all_cases.subject_id,
        all_cases.suspect_id,
        all_cases.person_id,
        all_cases.county_code,
        all_cases.amount,
        all_cases.detected,
        case_records.conclusion,
        case_records.problem_note,
        case_records.recovered_amount,
        case_records.rectification_status,
        case_records.rectification_measures,
        case_records.verified_by,
        case_records.verified_on,
        case_records.updated_at,
        coalesce(case_records.review_status, '未核查') as review_status,
        case_records.reviewed_by,
        case_records.reviewed_at,
        case_records.review_note,
        all_cases.matched_flag_ids,
        case
            when all_cases.case_type = 'suspect'
                 and all_cases.detected
                 and all_cases.issued_on <= as_of_date.issued_by
                 and coalesce(case_records.conclusion, '') not in ('属实', '不属实')
                then true
            else false
        end as overdue,
        rule_catalogue.rule_name,
        rule_catalogue.section,
        all_cases.issued_on
    from all_cases
    cross join as_of_date
    left join case_records
        on all_cases.case_id = case_records.case_id
    left join rule_catalogue
        on all_cases.rule_code = rule_catalogue.rule_code
)

select * from final
