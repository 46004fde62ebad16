{# 待遇资格认证: increment file — the latest row per key among the usable batches (a later batch's row is a correction). #}
{{ latest_rows('stg_landing__certifications', 'cert_id') }}
