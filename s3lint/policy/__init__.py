"""IAM and S3 policy semantics, read from the common model only."""
