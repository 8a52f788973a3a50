"""Unit tests of S3001-S3004 and S3006 over hand-built models."""

from __future__ import annotations

from typing import Any

from s3lint.checks import Context, load_check
from s3lint.model import AccessPoint, AccountPublicAccessBlock, Bucket, Grant, ObjectAcl, PublicAccessBlock, ScanModel
from s3lint.policy.document import read_policy
from s3lint.symbols import Unknown, symbol
from tests.model_builders import bucket, loc, val

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def run(rule_id: str, model: ScanModel, strict: bool = False, accounts: frozenset[str] = frozenset()) -> list[Any]:
    return list(load_check(rule_id)(model, Context(account_ids=accounts, strict=strict)))


def short(findings: list[Any]) -> list[tuple[str, int, str]]:
    return [(f.resource, f.loc.line, f.certainty) for f in findings]


def pab(acls: Any = True, ignore: Any = True, policy: Any = True, restrict: Any = True, line: int = 20) -> PublicAccessBlock:
    return PublicAccessBlock(loc(line), val(acls, line + 1), val(ignore, line + 2), val(policy, line + 3), val(restrict, line + 4))


def policy(*statements: dict[str, Any], owner: str = "Policy") -> Any:
    return read_policy({"Version": "2012-10-17", "Statement": list(statements)}, kind="bucket", owner=owner, path="t.yaml", default_pos=(40, 1))


def allow(**element: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}
    body.update(element)
    return body


# -- S3001 ------------------------------------------------------------------------------------


def test_public_canned_acl() -> None:
    findings = run("S3001", ScanModel(buckets=[bucket(acl=val("public-read", 12)), bucket("Private", acl=val("private", 12))]))
    assert short(findings) == [("Data", 12, "definite")]
    assert "canned ACL \"public-read\" gives READ to anyone on the internet" in findings[0].message
    assert findings[0].severity is None


def test_public_read_write_is_critical() -> None:
    (finding,) = run("S3001", ScanModel(buckets=[bucket(acl=val("public-read-write", 12))]))
    assert finding.severity == "critical"


def test_grants_and_object_acls_each_give_a_finding() -> None:
    grants = [Grant("Group", ALL_USERS, val("READ", 30), loc(30)), Grant("Group", ALL_USERS, val("WRITE", 31), loc(31))]
    objects = [ObjectAcl("Upload", loc(60), val("authenticated-read", 61))]
    findings = run("S3001", ScanModel(buckets=[bucket(grants=grants, object_acls=objects)]))
    assert short(findings) == [("Data", 30, "definite"), ("Data", 31, "definite"), ("Upload", 61, "definite")]
    assert len({f.key for f in findings}) == 3
    assert "every signed-in AWS user" in findings[2].message


def test_acl_neutralised_by_ignore_public_acls_or_owner_enforced() -> None:
    ignored = bucket("Ignored", acl=val("public-read", 12), public_access_block=pab(acls=False, ignore=True))
    enforced = bucket("Enforced", acl=val("public-read", 12), ownership=val("BucketOwnerEnforced"))
    account = AccountPublicAccessBlock("Acct", loc(70), pab(line=70))
    by_account = bucket("ByAccount", acl=val("public-read", 12))
    assert run("S3001", ScanModel(buckets=[ignored, enforced])) == []
    assert run("S3001", ScanModel(buckets=[by_account], account_public_access_blocks=[account])) == []


def test_block_public_acls_means_deployment_fails() -> None:
    blocked = bucket(acl=val("public-read", 12), public_access_block=pab(acls=True, ignore=False))
    (finding,) = run("S3001", ScanModel(buckets=[blocked]))
    assert "BlockPublicAcls is on at bucket level, so S3 rejects this ACL and the deployment will fail" in finding.message


def test_unknown_acl_is_possible_only_in_strict_mode() -> None:
    model = ScanModel(buckets=[bucket(acl=val(Unknown("parameter"), 12))])
    assert run("S3001", model) == []
    assert short(run("S3001", model, strict=True)) == [("Data", 12, "possible")]
    unsure = ScanModel(buckets=[bucket(acl=val("public-read", 12), public_access_block=pab(ignore=Unknown("p")))])
    assert run("S3001", unsure) == [] and short(run("S3001", unsure, strict=True)) == [("Data", 12, "possible")]


def test_acl_resources_of_buckets_defined_elsewhere_are_reported() -> None:
    elsewhere = bucket(acl=val("public-read", 12))
    elsewhere.declared = False
    assert short(run("S3001", ScanModel(buckets=[elsewhere]))) == [("Data", 12, "definite")]


# -- S3002 ------------------------------------------------------------------------------------


def test_public_policy_points_at_the_principal() -> None:
    findings = run("S3002", ScanModel(buckets=[bucket(policies=[policy(allow(), allow(Principal={"AWS": "111122223333"}))])]))
    assert short(findings) == [("Policy", 40, "definite")]
    assert "is public: statement 1 allows s3:GetObject (read) to everyone" in findings[0].message
    assert findings[0].severity == "high"


def test_public_write_policy_is_critical_and_findings_are_per_statement() -> None:
    model = ScanModel(buckets=[bucket(policies=[policy(allow(Action="s3:PutObject"), allow(Sid="Read"))])])
    findings = run("S3002", model)
    assert [f.severity for f in findings] == ["critical", "high"]
    assert len({f.key for f in findings}) == 2


def test_restrict_public_buckets_neutralises_and_block_public_policy_rejects() -> None:
    restricted = bucket(policies=[policy(allow())], public_access_block=pab(policy=False, restrict=True))
    assert run("S3002", ScanModel(buckets=[restricted])) == []
    rejected = bucket(policies=[policy(allow())], public_access_block=pab(policy=True, restrict=False))
    (finding,) = run("S3002", ScanModel(buckets=[rejected]))
    assert "BlockPublicPolicy is on at bucket level, so S3 will reject this policy at deploy time" in finding.message
    account = AccountPublicAccessBlock("Acct", loc(70), pab(line=70))
    assert run("S3002", ScanModel(buckets=[bucket(policies=[policy(allow())])], account_public_access_blocks=[account])) == []


def test_non_public_policies() -> None:
    vpce = allow(Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})
    assert run("S3002", ScanModel(buckets=[bucket(policies=[policy(vpce)])])) == []


def test_policy_of_an_undeclared_bucket_is_checked() -> None:
    elsewhere = Bucket("data-bucket", loc(1), "policy-json", val("data-bucket"), "data-bucket", declared=False)
    elsewhere.policies.append(policy(allow(), owner="policy.json"))
    assert short(run("S3002", ScanModel(buckets=[elsewhere]))) == [("policy.json", 40, "definite")]


def test_unknown_principal_is_possible() -> None:
    model = ScanModel(buckets=[bucket(policies=[policy(allow(Principal=Unknown("parameter")))])])
    assert run("S3002", model) == []
    assert short(run("S3002", model, strict=True)) == [("Policy", 40, "possible")]


def test_access_point_policies() -> None:
    ap_policy = read_policy(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1:1:accesspoint/ap/object/*"}]},
        kind="access_point",
        owner="Ap",
        path="t.yaml",
        default_pos=(80, 1),
    )
    internet = AccessPoint("Ap", loc(80), ap_policy, None, val("Internet"))
    vpc = AccessPoint("VpcAp", loc(90), ap_policy, None, val("VPC"))
    findings = run("S3002", ScanModel(buckets=[bucket(access_points=[internet, vpc])]))
    assert short(findings) == [("Ap", 80, "definite")]
    assert "the policy of access point 'Ap' is public" in findings[0].message


# -- S3003 ------------------------------------------------------------------------------------


def test_missing_block_public_access_points_at_the_header() -> None:
    (finding,) = run("S3003", ScanModel(buckets=[bucket()]))
    assert (finding.loc.line, finding.certainty) == (10, "definite")
    assert "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are not set" in finding.message


def test_setting_turned_off_points_at_it() -> None:
    (finding,) = run("S3003", ScanModel(buckets=[bucket(public_access_block=pab(policy=False, restrict=False))]))
    assert finding.loc.line == 23
    assert "BlockPublicPolicy and RestrictPublicBuckets are turned off" in finding.message


def test_account_level_block_covers_buckets() -> None:
    account = AccountPublicAccessBlock("Acct", loc(70), pab(line=70))
    assert run("S3003", ScanModel(buckets=[bucket()], account_public_access_blocks=[account])) == []
    assert run("S3003", ScanModel(buckets=[bucket(public_access_block=pab())])) == []


def test_unknown_setting_and_undeclared_bucket() -> None:
    unsure = ScanModel(buckets=[bucket(public_access_block=pab(acls=Unknown("parameter")))])
    assert run("S3003", unsure) == []
    assert short(run("S3003", unsure, strict=True)) == [("Data", 21, "possible")]
    elsewhere = bucket()
    elsewhere.declared = False
    assert run("S3003", ScanModel(buckets=[elsewhere])) == []


# -- S3004 ------------------------------------------------------------------------------------


def cross(principal: Any, accounts: frozenset[str] = frozenset(), strict: bool = False) -> list[Any]:
    model = ScanModel(buckets=[bucket(policies=[policy(allow(Principal=principal))])])
    return run("S3004", model, strict=strict, accounts=accounts)


def test_foreign_accounts_are_reported_once_per_account() -> None:
    findings = cross({"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/r", "444455556666"]})
    assert [f.key.rsplit(":", 1)[1] for f in findings] == ["111122223333", "444455556666"]
    assert "no --account-id given" in findings[0].message


def test_our_accounts_are_not_reported() -> None:
    assert cross({"AWS": "arn:aws:iam::111122223333:root"}, accounts=frozenset({"111122223333"})) == []
    assert cross({"AWS": f"arn:{symbol('AWS::Partition')}:iam::{symbol('AWS::AccountId')}:root"}) == []
    (finding,) = cross({"AWS": "444455556666"}, accounts=frozenset({"111122223333"}))
    assert "is not one of your accounts (111122223333)" in finding.message


def test_public_services_and_symbols() -> None:
    assert cross("*") == []
    assert cross({"Service": "cloudtrail.amazonaws.com"}) == []
    assert cross({"AWS": symbol("var.partner")}) == []
    assert [f.certainty for f in cross({"AWS": symbol("var.partner")}, strict=True)] == ["possible"]


def test_deny_statements_are_not_grants() -> None:
    model = ScanModel(buckets=[bucket(policies=[policy(allow(Effect="Deny", Principal={"AWS": "444455556666"}))])])
    assert run("S3004", model) == []


# -- S3006 ------------------------------------------------------------------------------------


def wildcard(principal: Any, action: Any = "s3:*", accounts: frozenset[str] = frozenset(), strict: bool = False, **extra: Any) -> list[Any]:
    model = ScanModel(buckets=[bucket(policies=[policy(allow(Principal=principal, Action=action, **extra))])])
    return run("S3006", model, strict=strict, accounts=accounts)


def test_all_actions_to_outsiders() -> None:
    assert len(wildcard("*")) == 1
    assert len(wildcard({"AWS": "444455556666"}, action="*")) == 1
    (finding,) = wildcard({"AWS": "444455556666"})
    assert "allows every S3 action (Action s3:*) to AWS 444455556666 (account 444455556666)" in finding.message


def test_all_actions_to_our_account_or_services_is_fine() -> None:
    assert wildcard({"AWS": "111122223333"}, accounts=frozenset({"111122223333"})) == []
    assert wildcard({"AWS": symbol("AWS::AccountId")}) == []
    assert wildcard({"Service": "logging.s3.amazonaws.com"}) == []


def test_fewer_actions_are_not_reported_but_equivalent_not_action_is() -> None:
    assert wildcard("*", action=["s3:GetObject", "s3:PutObject"]) == []
    assert wildcard("*", action="s3:Get*") == []
    model = ScanModel(buckets=[bucket(policies=[policy({"Effect": "Allow", "Principal": "*", "NotAction": "iam:*", "Resource": "*"})])])
    assert len(run("S3006", model)) == 1


def test_unknown_actions_are_possible() -> None:
    assert wildcard("*", action=Unknown("parameter")) == []
    assert [f.certainty for f in wildcard("*", action=Unknown("parameter"), strict=True)] == ["possible"]


def test_access_point_with_settings_turned_off() -> None:
    off = AccessPoint("Ap", loc(80), None, pab(False, False, False, False, line=80), val("Internet"))
    unset = AccessPoint("Quiet", loc(90), None, None, val("Internet"))
    on_bucket = bucket(public_access_block=pab(), access_points=[off, unset])
    findings = run("S3003", ScanModel(buckets=[bucket("Open", access_points=[off, unset])]))
    assert [(f.resource, f.loc.line) for f in findings] == [("Open", 10), ("Ap", 81)]
    assert "turned off on the access point" in findings[1].message
    assert run("S3003", ScanModel(buckets=[on_bucket])) == []
