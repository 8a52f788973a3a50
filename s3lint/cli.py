"""The `s3lint` command.

Exit codes follow ruff: 0 nothing at or above `--fail-on`, 1 findings, 2 a usage or
configuration error, or a file that could not be read or parsed (every other file is still
checked and reported).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn, Sequence

from s3lint import __version__

FORMATS = ("text", "json", "sarif", "github", "junit")
EXAMPLES = """\
examples:
  s3lint                                  check every template below the current folder
  s3lint templates/ main.tf               check some folders and files
  s3lint --format sarif -o s3lint.sarif . SARIF for GitHub code scanning
  s3lint --format github .                annotations on a pull request (GitHub Actions)
  s3lint --select S3002,S3020 infra/      only the public-policy and TLS rules
  s3lint --ignore S303 --fail-on high .   skip the logging rules, fail only on high and critical
  s3lint --extend-select S3012 .          also run an opt-in rule
  s3lint --statistics .                   how many findings of each rule
  s3lint --list-rules                     every rule, its severity and whether it is on
  s3lint --explain S3002                  what a rule checks and how to fix it
  s3lint --write-baseline .s3lint-baseline.json .   accept today's findings
  s3lint --baseline .s3lint-baseline.json .         report only new ones
  s3lint --dump-model main.tf             the model that custom rules query, as JSON

exit codes: 0 no findings at or above --fail-on, 1 findings, 2 bad usage or configuration,
or a file that could not be read (the other files are still checked)
configuration: [tool.s3lint] in pyproject.toml or .s3lint.yaml, found walking up from here
"""


class UsageError(Exception):
    """Bad flags or configuration: exit code 2, one line on stderr."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag costs one line, not the whole usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"s3lint: error: {message} (see s3lint --help)\n")


def _metavar_check_formatter(prog: str) -> argparse.HelpFormatter:
    """The formatter `add_argument` builds for each argument, only to check its metavar.

    The default one asks the terminal for its width, which imports shutil (and with it bz2
    and lzma): 3 ms of every run, for help that is almost never printed.  Any width serves
    the check; `build_parser` puts the real formatter back for --help."""
    return argparse.RawDescriptionHelpFormatter(prog, width=80)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="s3lint",
        description="Find S3 security problems in CloudFormation, Terraform and JSON policies.",
        epilog=EXAMPLES,
        formatter_class=_metavar_check_formatter,
    )
    add = parser.add_argument
    add("paths", nargs="*", metavar="PATH", help="files or folders to check (default: .)")
    add("--format", "--output-format", dest="format", choices=FORMATS, help="output format (default: text)")
    add("-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output")
    add("--select", action="append", metavar="RULES", help="rules to run instead of the default set: ids, names or id prefixes, comma-separated")
    add("--extend-select", action="append", metavar="RULES", help="rules to run in addition (turns on opt-in rules)")
    add("--ignore", action="append", metavar="RULES", help="rules not to run")
    add("--fail-on", choices=("critical", "high", "medium", "low"), help="lowest severity that makes the exit code 1 (default: low)")
    add("--exit-zero", action="store_true", help="exit 0 even when problems are found (still 2 on errors)")
    add("--strict", action="store_true", help="also report what is possibly wrong (values that cannot be known statically)")
    add("--account-id", action="append", metavar="ID", help="an AWS account id that is ours (repeatable)")
    add("--var-file", action="append", metavar="FILE", help="Terraform variable file (repeatable)")
    add("--var", action="append", metavar="NAME=VALUE", help="Terraform variable (repeatable)")
    add("--config", metavar="FILE", help="configuration file (default: nearest .s3lint.yaml or pyproject.toml)")
    add("--isolated", action="store_true", help="ignore configuration files")
    add("--exclude", action="append", metavar="GLOB", help="paths to leave out (repeatable)")
    add("--baseline", metavar="FILE", help="report only findings that are not in this baseline")
    add("--write-baseline", metavar="FILE", help="record the current findings as the baseline")
    add("--warn-unused-ignores", action="store_true", help="report suppressions that suppress nothing")
    add("--sarif-suppressed", choices=("include", "omit"), help="SARIF: include suppressed findings marked as suppressed (default), or omit them (GitHub code scanning ignores the mark)")
    add("--statistics", action="store_true", help="print counts per rule instead of findings")
    add("--list-rules", action="store_true", help="list the rules (with --format json: as JSON)")
    add("--explain", metavar="RULE", help="show a rule's documentation")
    add("--dump-model", action="store_true", help="print the common model of the given paths as JSON")
    add("--rules-dir", action="append", metavar="DIR", help="folder of custom YAML rules (repeatable)")
    add("--max-file-size", type=int, metavar="BYTES", help="skip files larger than this (default: 10 MiB)")
    add("--file-timeout", type=float, metavar="SECONDS", help="skip a file or Terraform module that takes longer than this to read (default: 20; 0: no limit)")
    add("--jobs", "-j", type=int, metavar="N", help="parallel processes for loading files and running rules (default: one per CPU; small inputs run in-process)")
    add("--color", choices=("auto", "always", "never"), default="auto", help="colour the text output (default: auto)")
    add("--no-color", dest="color", action="store_const", const="never", help="same as --color never")
    add("--no-progress", action="store_true", help="never show the progress line (shown only on a terminal, outside CI, for long scans)")
    add("--debug", action="store_true", help="show tracebacks of internal errors")
    add("--version", action="version", version=f"s3lint {__version__}")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter  # for --help and --version
    return parser


def console_main() -> None:
    """The `s3lint` command and `python -m s3lint`: `main()`, then leave at once.  A large
    scan's model is millions of objects that the interpreter would otherwise free one by one
    on the way out (0.1-0.4 s on 5,000 files) for nothing; the worker pools are closed by
    then, and the report is flushed here."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)  # let the interpreter's own exit deal with a stream that cannot be flushed
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except UsageError as error:
        print(f"s3lint: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("s3lint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`s3lint . | head`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except Exception as error:  # noqa: BLE001 - never a traceback without --debug
        if args.debug:
            import traceback  # only here: it costs every run 3 ms to import

            traceback.print_exc()
        print(f"s3lint: internal error: {type(error).__name__}: {error} (run with --debug for details)", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    from s3lint.catalog import CatalogError
    from s3lint.config import ConfigError
    from s3lint.runner import Settings, execute

    try:
        settings = Settings.from_args(args)
        return execute(settings)
    except (ConfigError, CatalogError) as error:
        raise UsageError(str(error)) from None
