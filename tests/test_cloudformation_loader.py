"""CloudFormation templates into the model: every resource type, with exact locations."""

from __future__ import annotations

import os
from typing import Any

import pytest

from s3lint.loaders.cloudformation import CANNED_ACLS, is_cloudformation, load_cloudformation
from s3lint.loaders.json_source import parse_json
from s3lint.loaders.yaml_source import parse_yaml
from s3lint.model import Bucket, Fragment, Value
from s3lint.source import LDict
from s3lint.symbols import Unknown, is_unknown, symbol

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "loaders")


def read(name: str) -> str:
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return handle.read()


def load(name: str) -> Fragment:
    text = read(name)
    tree = parse_json(text, name) if name.endswith(".json") else parse_yaml(text, name)[0]
    assert is_cloudformation(tree)
    return load_cloudformation(tree, name)


def load_text(text: str, path: str = "t.yaml") -> Fragment:
    return load_cloudformation(parse_yaml(text, path)[0], path)


def line_of(name: str, marker: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of a fixture that contains `marker`."""
    seen = 0
    for number, line in enumerate(read(name).splitlines(), start=1):
        if marker in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{marker!r} not in {name}")


def at(value: Value, name: str, marker: str, explicit: bool = True) -> None:
    assert value.loc.path == name
    assert value.loc.line == line_of(name, marker), (value, marker)
    assert value.explicit is explicit


def bucket(fragment: Fragment, address: str) -> Bucket:
    found = [b for b in fragment.buckets if b.address == address]
    assert len(found) == 1, [b.address for b in fragment.buckets]
    return found[0]


# -- recognising templates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tree", "expected"),
    [
        ({"AWSTemplateFormatVersion": "2010-09-09"}, True),
        ({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}, True),
        ({"Resources": {"C": {"Type": "Custom::Thing"}}}, True),
        ({"Resources": {"F": {"Type": "AWS::Serverless::Function"}}}, True),
        ({"Resources": {"X": {"Type": "Other::Thing"}}}, False),
        ({"Resources": []}, False),
        ({"Statement": []}, False),
        ({"resource": {"aws_s3_bucket": {}}}, False),
        (["AWS::S3::Bucket"], False),
        ("Resources", False),
    ],
)
def test_is_cloudformation(tree: Any, expected: bool) -> None:
    assert is_cloudformation(tree) is expected


# -- AWS::S3::Bucket --------------------------------------------------------------------------------

NAME = "cfn_bucket_settings.yaml"


def test_bucket_header_name_identity_and_scope() -> None:
    fragment = load(NAME)
    assert not fragment.errors
    assets = bucket(fragment, "Assets")
    assert (assets.loc.line, assets.loc.column) == (line_of(NAME, "  Assets:"), 3)
    assert assets.source_format == "cloudformation" and assets.scope == NAME and assets.declared
    assert assets.identity == symbol("bucket:Assets")
    assert assets.name.value == symbol("bucket:Assets") and not assets.name.explicit
    logs = bucket(fragment, "AccessLogs")
    expected = f"{symbol('param:AppName')}-access-logs-{symbol('AWS::AccountId')}"
    assert logs.identity == expected
    assert logs.name.value == expected
    at(logs.name, NAME, "BucketName: !Sub ${AppName}-access-logs")


def test_bucket_settings_map_to_the_model() -> None:
    assets = bucket(load(NAME), "Assets")
    assert assets.acl is not None and assets.acl.value == "public-read"
    at(assets.acl, NAME, "AccessControl: PublicRead")

    assert assets.encryption is not None
    at(Value(None, assets.encryption.loc), NAME, "BucketEncryption:")
    (rule,) = assets.encryption.rules
    assert rule.algorithm.value == "aws:kms"
    at(rule.algorithm, NAME, "SSEAlgorithm: aws:kms")
    assert rule.kms_key.value.startswith("arn:aws:kms:us-east-1:111122223333:key/")
    at(rule.kms_key, NAME, "KMSMasterKeyID: !Ref KeyArn")
    assert rule.bucket_key.value is True
    at(rule.bucket_key, NAME, "BucketKeyEnabled: true")

    assert assets.versioning is not None and assets.versioning.status.value == "Suspended"
    at(assets.versioning.status, NAME, "Status: Suspended")
    assert assets.versioning.mfa_delete.value is False and not assets.versioning.mfa_delete.explicit

    logs = bucket(load(NAME), "AccessLogs")
    assert assets.logging is not None
    assert assets.logging.target_bucket.value == logs.identity
    at(assets.logging.target_bucket, NAME, "DestinationBucketName: !Ref AccessLogs")
    assert assets.logging.target_prefix.value == "assets/"

    block = assets.public_access_block
    assert block is not None
    assert block.block_public_acls.value is False
    at(block.block_public_acls, NAME, "BlockPublicAcls: false")
    assert block.restrict_public_buckets.value is True  # "true" written as a string
    for absent in (block.ignore_public_acls, block.block_public_policy):
        assert absent.value is False and not absent.explicit  # absent in a present block: false
        assert absent.loc.line == line_of(NAME, "PublicAccessBlockConfiguration:")

    assert assets.object_lock is not None and assets.object_lock.value is True
    assert assets.website is not None and assets.website.value is True
    at(assets.website, NAME, "WebsiteConfiguration:")
    assert assets.tags == {"team": "web", "app": symbol("param:AppName")}
    assert assets.ownership is None


def test_log_bucket_acl_and_ownership() -> None:
    logs = bucket(load(NAME), "AccessLogs")
    assert logs.acl is not None and logs.acl.value == "log-delivery-write"
    assert logs.ownership is not None and logs.ownership.value == "ObjectWriter"
    at(logs.ownership, NAME, "ObjectOwnership: ObjectWriter")
    assert logs.public_access_block is None and logs.encryption is None and logs.versioning is None
    assert logs.logging is None and logs.website is None and logs.object_lock is None


def test_logging_without_destination_logs_to_the_bucket_itself() -> None:
    selfish = bucket(load(NAME), "SelfLogging")
    assert selfish.identity == "self-logging-bucket"
    assert selfish.logging is not None
    assert selfish.logging.target_bucket.value == "self-logging-bucket"
    assert not selfish.logging.target_bucket.explicit
    assert selfish.encryption is not None and selfish.encryption.rules[0].bucket_key.explicit is False


@pytest.mark.parametrize(("written", "canned"), sorted(CANNED_ACLS.items()))
def test_every_access_control_value_is_mapped(written: str, canned: str) -> None:
    fragment = load_text(f"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: {written}\n")
    acl = fragment.buckets[0].acl
    assert acl is not None and acl.value == canned and acl.loc.line == 5


# -- conditions -------------------------------------------------------------------------------------

COND = "cfn_conditions.yaml"


def test_false_conditions_skip_resources_and_undecidable_ones_mark_them() -> None:
    fragment = load(COND)
    addresses = {b.address for b in fragment.buckets}
    assert "ProductionOnly" not in addresses  # Environment defaults to dev
    assert bucket(fragment, "RegionalOnly").conditional is True  # depends on the region
    assert bucket(fragment, "DevOnly").conditional is False  # IsDevelopment holds by default
    assert bucket(fragment, "Website").conditional is False


def test_find_in_map_and_decided_if() -> None:
    dev = bucket(load(COND), "DevOnly")
    assert dev.versioning is not None and dev.versioning.status.value == "Suspended"
    assert dev.encryption is not None
    assert dev.encryption.rules[0].algorithm.value == "AES256"  # KmsKeyArn defaults to ""


def test_undecidable_if_gives_unknown_settings_with_alternatives() -> None:
    site = bucket(load(COND), "Website")
    assert site.acl is not None and isinstance(site.acl.value, Unknown)
    assert set(site.acl.value.alternatives) == {"public-read", "private"}
    at(site.acl, COND, "AccessControl: !If [MakePublic")

    assert site.website is not None and isinstance(site.website.value, Unknown)
    assert set(site.website.value.alternatives) == {True, False}

    block = site.public_access_block
    assert block is not None
    for value in block.settings().values():
        assert isinstance(value.value, Unknown)
        assert set(value.value.alternatives) == {True, None}  # set, or the block left out
        assert value.loc.line == line_of(COND, "PublicAccessBlockConfiguration: !If")

    assert site.versioning is not None
    status = site.versioning.status.value
    assert isinstance(status, Unknown) and set(status.alternatives) == {"Enabled", None}
    assert site.versioning.mfa_delete.value is False


def test_conditional_statements_reach_the_policy() -> None:
    fragment = load(COND)
    (attachment,) = fragment.attachments
    assert attachment.kind == "policy" and attachment.bucket.address == "Website"
    document = attachment.payload
    assert [s.sid for s in document.statements] == ["PublicRead", "DenyPlainHttp"]
    public, deny = document.statements
    assert public.conditional is True and deny.conditional is False
    arn = f"arn:{symbol('AWS::Partition')}:s3:::{symbol('bucket:Website')}"
    assert [v.value for v in public.resources] == [arn + "/*"]
    assert [v.value for v in deny.resources] == [arn, arn + "/*"]
    assert public.resources[0].loc.line == line_of(COND, 'Resource: !Sub "arn:${AWS::Partition}')
    assert deny.conditions[0].values[0].value is False


# -- CDK-style JSON -----------------------------------------------------------------------------

CDK = "cfn_cdk_style.template.json"


def test_cdk_json_template() -> None:
    fragment = load(CDK)
    site = bucket(fragment, "SiteBucket397A1860")
    assert site.acl is not None and site.acl.value == "public-read"
    at(site.acl, CDK, '"AccessControl": "PublicRead"')
    assert site.public_access_block is not None
    assert all(v.value is False and v.explicit for v in site.public_access_block.settings().values())
    attached = [a for a in fragment.attachments if a.owner == "SiteBucketPolicy3AC1D0F8"]
    (policy,) = attached
    assert policy.bucket.address == "SiteBucket397A1860"
    first, second = policy.payload.statements
    arn = f"arn:{symbol('AWS::Partition')}:s3:::{symbol('bucket:SiteBucket397A1860')}"
    assert [v.value for v in first.resources] == [arn + "/*"]
    at(first.resources[0], CDK, '"Resource": {')  # where the Fn::Join that builds it starts
    assert second.principals is not None
    assert second.principals[0].value == symbol("CustomS3AutoDeleteObjectsRole.Arn")


def test_policy_document_written_as_a_json_string() -> None:
    fragment = load(CDK)
    (legacy,) = [a for a in fragment.attachments if a.owner == "LegacyPolicy"]
    assert legacy.bucket.name == "legacy-reports" and legacy.bucket.address is None
    (statement,) = legacy.payload.statements
    assert statement.effect.value == "Allow"
    assert statement.principals[0].kind == "*"
    assert statement.resources[0].value == "arn:aws:s3:::legacy-reports/*"
    assert statement.effect.loc.line == line_of(CDK, '"PolicyDocument": "{')


def test_metadata_suppressions() -> None:
    fragment = load(CDK)
    rules = sorted((s.resource, tuple(s.rule_ids), s.reason) for s in fragment.suppressions)
    assert rules == [
        ("SiteBucket397A1860", ("S3030",), "a public web site"),
        ("SiteBucket397A1860", ("S3040", "S3041"), ""),
    ]
    assert all(s.line == line_of(CDK, '"s3lint": {"ignore"') for s in fragment.suppressions)


# -- access points, trails, IAM -----------------------------------------------------------------------

MIX = "cfn_access_point_trail_iam.yaml"


def test_access_points() -> None:
    fragment = load(MIX)
    points = {a.owner: a for a in fragment.attachments if a.kind == "access_point"}
    internal = points["InternalAccessPoint"]
    assert internal.bucket.address == "Data" and internal.scope == MIX
    point = internal.payload
    assert point.address == "InternalAccessPoint"
    assert point.network_origin.value == "VPC"
    at(point.network_origin, MIX, "VpcConfiguration:")
    assert point.public_access_block is not None
    assert point.public_access_block.block_public_policy.value is True
    assert point.public_access_block.block_public_acls.explicit is False
    assert point.policy is not None and point.policy.kind == "access_point"
    assert point.policy.statements[0].principals[0].value == f"arn:{symbol('AWS::Partition')}:iam::{symbol('AWS::AccountId')}:root"

    partner = points["PartnerAccessPoint"]
    assert partner.bucket.name == "shared-partner-bucket" and partner.bucket.address is None
    assert partner.payload.network_origin.value == "Internet" and not partner.payload.network_origin.explicit
    assert partner.payload.policy is None


def test_trails() -> None:
    fragment = load(MIX)
    trails = {t.address: t for t in fragment.trails}
    basic, advanced = trails["Trail"].data_events
    assert basic.resource_type == "AWS::S3::Object" and basic.read_write == "WriteOnly"
    assert [v.value for v in basic.values] == [f"arn:{symbol('AWS::Partition')}:s3:::example-data-bucket/"]
    assert basic.values[0].loc.line == line_of(MIX, '- !Sub "${Data.Arn}/"')
    assert advanced.resource_type == "AWS::S3::Object" and advanced.read_write == "ReadOnly"
    assert [v.value for v in advanced.values] == ["arn:aws:s3:::example-data-bucket/reports/"]
    assert trails["Trail"].is_logging is not None and trails["Trail"].is_logging.value is True
    assert trails["Trail"].selectors_loc is not None
    assert trails["Trail"].selectors_loc.line == line_of(MIX, "EventSelectors:")
    stopped = trails["StoppedTrail"]
    assert stopped.is_logging is not None and stopped.is_logging.is_false()
    assert stopped.is_logging.loc.line == line_of(MIX, "IsLogging: false")
    assert [s.resource_type for s in stopped.data_events] == ["AWS::S3::Object"]  # read; it records nothing


def test_identity_policies() -> None:
    fragment = load(MIX)
    policies = {p.address: p for p in fragment.identity_policies}
    assert set(policies) == {
        "AdminPolicy",
        "ReaderPolicy",
        "AppRole.Policies[0]",
        "AppRole.Policies[1]",
        "AppRolePolicy",
    }
    admin = policies["AdminPolicy"]
    assert admin.document.kind == "identity"
    assert admin.loc.line == line_of(MIX, "  AdminPolicy:")
    reader = policies["ReaderPolicy"].document.statements[0]
    arn = f"arn:{symbol('AWS::Partition')}:s3:::example-data-bucket"
    assert [v.value for v in reader.resources] == [arn, arn + "/*"]
    inline = policies["AppRole.Policies[0]"]
    assert inline.loc.line == line_of(MIX, "  AppRole:")
    assert inline.document.statements[0].resources[0].value == arn.replace("${AWS::Partition}", "aws") + "/*"
    from_string = policies["AppRole.Policies[1]"].document.statements[0]
    assert [v.value for v in from_string.actions] == ["s3:*"]
    assert from_string.actions[0].loc.line == line_of(MIX, "- PolicyName: inline-two") + 1
    suppressed = {s.resource for s in fragment.suppressions}
    assert suppressed == {"AppRole", "AppRole.Policies[0]", "AppRole.Policies[1]"}


# -- SAM, several documents, broken templates ------------------------------------------------------------


def test_sam_template_reads_buckets_and_function_policy_documents() -> None:
    fragment = load("sam_template.yaml")
    assert [b.address for b in fragment.buckets] == ["Uploads"]
    assert not fragment.errors
    (policy,) = fragment.identity_policies  # the managed policy name and SAM template are not documents
    assert policy.address == "UploadFunction.Policies[2]"
    assert policy.loc.line == line_of("sam_template.yaml", "  UploadFunction:")
    (statement,) = policy.document.statements
    assert statement.resources[0].value == f"arn:{symbol('AWS::Partition')}:s3:::{symbol('bucket:Uploads')}/*"
    assert statement.actions[0].loc.line == line_of("sam_template.yaml", "Action: s3:GetObject")


def test_sam_policies_given_as_one_document() -> None:
    fragment = load_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      Policies: {Statement: [{Effect: Allow, Action: 's3:*', Resource: '*'}]}\n"
    )
    (policy,) = fragment.identity_policies
    assert policy.address == "Fn.Policies[0]" and policy.document.statements[0].actions[0].value == "s3:*"


def test_each_document_of_a_stream_counts_lines_from_the_top() -> None:
    text = read("multi_document.yaml")
    documents = parse_yaml(text, "multi_document.yaml")
    second = load_cloudformation(documents[1], "multi_document.yaml")
    (only,) = second.buckets
    assert only.address == "Second"
    assert only.loc.line == line_of("multi_document.yaml", "  Second:")
    assert only.versioning is not None and only.versioning.status.loc.line == line_of("multi_document.yaml", "Status: Enabled")


@pytest.mark.parametrize(
    "text",
    [
        "Resources:\n  A: not-a-mapping\n  B: {Type: AWS::S3::Bucket}\n",
        "Resources:\n  A: {Type: 12}\n  B: {Type: AWS::S3::Bucket}\n",
        "Resources:\n  A: {Type: AWS::S3::Bucket, Properties: [1, 2]}\n  B: {Type: AWS::S3::Bucket}\n",
        "Resources:\n  A: {Type: AWS::S3::BucketPolicy}\n  B: {Type: AWS::S3::Bucket}\n",
        "Resources:\n  A: {Type: AWS::S3::Bucket, Properties: {BucketName: !Ref Missing, VersioningConfiguration: 7,"
        " BucketEncryption: {ServerSideEncryptionConfiguration: [1, {ServerSideEncryptionByDefault: x}]}}}\n"
        "  B: {Type: AWS::S3::Bucket}\n",
        "Resources:\n  A: {Type: AWS::CloudTrail::Trail, Properties: {EventSelectors: [1, {DataResources: [x]}]}}\n"
        "  B: {Type: AWS::S3::Bucket}\n",
    ],
)
def test_broken_resources_are_skipped_or_read_as_far_as_possible(text: str) -> None:
    fragment = load_text(text)
    assert not fragment.errors
    assert "B" in {b.address for b in fragment.buckets}


def test_a_template_whose_resources_cannot_be_read_is_an_error() -> None:
    fragment = load_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [1, 2]\n")
    (error,) = fragment.errors
    assert "Resources" in error.message and error.line == 2


def test_bucket_policy_naming_a_bucket_by_its_literal_name_links_by_address() -> None:
    fragment = load_text(
        "Resources:\n"
        "  Logs:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties: {BucketName: !Sub 'logs-${AWS::AccountId}'}\n"
        "  LogsPolicy:\n"
        "    Type: AWS::S3::BucketPolicy\n"
        "    Properties:\n"
        "      Bucket: !Sub 'logs-${AWS::AccountId}'\n"
        "      PolicyDocument: {Statement: []}\n"
        "  Elsewhere:\n"
        "    Type: AWS::S3::BucketPolicy\n"
        "    Properties:\n"
        "      Bucket: !ImportValue shared-bucket\n"
        "      PolicyDocument: {Statement: []}\n"
    )
    refs = {a.owner: a.bucket for a in fragment.attachments}
    assert refs["LogsPolicy"].address == "Logs"
    assert refs["Elsewhere"].address is None and refs["Elsewhere"].name == symbol("import:shared-bucket")


def test_conditional_block_of_unknown_content() -> None:
    fragment = load_text(
        "Resources:\n"
        "  B:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketEncryption: !ImportValue shared-encryption\n"
        "      PublicAccessBlockConfiguration: !GetAZs ''\n"
    )
    (made,) = fragment.buckets
    assert made.encryption is not None
    assert is_unknown(made.encryption.rules[0].algorithm.value)
    assert made.encryption.rules[0].algorithm.loc.line == 5
    assert made.public_access_block is not None
    assert all(is_unknown(v.value) for v in made.public_access_block.settings().values())


def test_symbolic_enum_settings_are_unknown_but_names_keep_symbols() -> None:
    fragment = load_text(
        "Parameters:\n  Status: {Type: String}\n  Name: {Type: String}\n"
        "Resources:\n"
        "  B:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: !Ref Name\n"
        "      VersioningConfiguration: {Status: !Ref Status}\n"
    )
    (made,) = fragment.buckets
    assert made.name.value == symbol("param:Name") and made.identity == symbol("param:Name")
    assert made.versioning is not None and isinstance(made.versioning.status.value, Unknown)


def test_no_value_block_branches_only_means_absent() -> None:
    fragment = load_text(
        "Conditions:\n  C: !Equals [!Ref AWS::Region, x]\n"
        "Resources:\n"
        "  B:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      VersioningConfiguration: !If [C, !Ref AWS::NoValue, !Ref AWS::NoValue]\n"
    )
    assert fragment.buckets[0].versioning is None


def test_loader_accepts_plain_dicts_without_positions() -> None:
    tree = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "Private"}}}}
    fragment = load_cloudformation(tree, "plain.json")
    (made,) = fragment.buckets
    assert made.acl is not None and made.acl.value == "private"
    assert made.loc.line == 1 and made.acl.loc.line >= 1
    assert not isinstance(tree["Resources"], LDict)
