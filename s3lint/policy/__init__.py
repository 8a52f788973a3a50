"""IAM and S3 policy semantics, read from the common model only.

- `document`: `read_policy` turns a located policy tree into a `PolicyDocument`.
- `actions`: the S3 action catalogue (`data/s3_actions.json`), wildcard expansion, access levels.
- `resources`: which of a bucket's ARNs a statement's Resource/NotResource covers.
- `principals`, `conditions`: who a statement admits; operator semantics and fixed-value limits.
- `public`: S3's public/non-public decision for bucket and access point policies.
- `exposure`: effective Block Public Access settings and public ACLs.
- `targets`: the bucket and access point policies of a scan.
"""
