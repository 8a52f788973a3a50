"""s3lint: an S3 security linter for CloudFormation, Terraform and JSON policies."""

__version__ = "0.1.0"
