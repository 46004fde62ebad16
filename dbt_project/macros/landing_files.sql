{# The 16 raw files of a batch (stem -> key columns), for models that loop over them. #}
{% macro landing_files() -%}
    {{ return({
        'regions': ['code'], 'persons': ['person_id'], 'benefits': ['benefit_id'],
        'bank_accounts': ['account_no'], 'payouts': ['payout_id'], 'status_changes': ['change_id'],
        'operations': ['log_id'], 'deaths': ['death_id'], 'incarcerations': ['record_id'],
        'certifications': ['cert_id'], 'cards': ['card_no'], 'users': ['user_id'],
        'user_roles': ['user_id', 'role_code', 'granted_on'], 'reconciliations': ['recon_id'],
        'staff': ['user_id'], 'suspects': ['suspect_id']
    }) }}
{%- endmacro %}

{% macro key_text(columns) -%}
    concat_ws('|'{% for c in columns %}, cast({{ c }} as {{ dbt.type_string() }}){% endfor %})
{%- endmacro %}
