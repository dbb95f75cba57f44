"""Accounts, roles, who may do what, login limits, sessions and the audit log (#15).

No Streamlit here: the dashboard's services call these functions, and so do the command
line (``python -m analysis accounts ...``) and the tests.

- :mod:`analysis.accounts.passwords`: argon2id hashes, verify, rehash, strength rules;
- :mod:`analysis.accounts.policy`: pure ``can_*`` functions (role, owner, published, county);
- :mod:`analysis.accounts.ratelimit`: failed logins per username and per client address;
- :mod:`analysis.accounts.sessions`: session tokens with idle and absolute expiry;
- :mod:`analysis.accounts.service`: log in, manage users, write the audit log;
- :mod:`analysis.accounts.settings`: whether accounts are on, trusted-header mode;
- :mod:`analysis.accounts.protocol`: the store methods the above need;
- :mod:`analysis.accounts.gpkg_tables`: users/audit/scenario-access tables in a GeoPackage.
"""
