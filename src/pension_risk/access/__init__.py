"""Who may see and do what (权限): roles, accounts, masking, the audit log.

- ``roles``: the five roles, what each may see and do, the pages each may open.
- ``accounts``: accounts of the case store, password hashes, lock-out, login.
- ``masking``: the one place that masks personal data for roles without the right to it.
- ``audit``: the append-only audit log.
"""
