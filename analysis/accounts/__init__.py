"""Accounts, roles, who may do what, login limits, sessions and the audit log (#15).

No Streamlit here: the dashboard's services call these functions, and so do the command
line (``python -m analysis accounts ...``) and the tests.

- :mod:`analysis.accounts.passwords`: argon2id hashes, verify, rehash, strength rules;
- :mod:`analysis.accounts.policy`: pure ``can_*`` functions (role, owner, published, county);
- :mod:`analysis.accounts.ratelimit`: failed logins per username and per client address;
- :mod:`analysis.accounts.sessions`: session tokens with idle and absolute expiry;
- :mod:`analysis.accounts.quota`: upload megabytes per user and day;
- :mod:`analysis.accounts.service`: log in, manage users, write the audit log;
- :mod:`analysis.accounts.settings`: whether accounts are on, trusted-header mode.

Every record (users, audit log, sessions, failed-login counts, uploads, a scenario's owner
and published flag) is kept by the one store (:class:`analysis.workspace.api.Store`: the
GeoPackage file or PostgreSQL/PostGIS), so several app servers of one store share them.
"""
