"""Terraform configurations (`.tf`, `.tf.json`) into the common model.

A folder is one root module.  It is evaluated the way `terraform plan` would see it, without
running Terraform: variables (defaults, `terraform.tfvars`, `*.auto.tfvars`, `--var-file`,
`--var`), locals, `count`/`for_each`, local modules (and installed registry modules), and the
functions that appear around S3 configurations.  What only `apply` knows stays unknown.

tree-sitter is imported only when a file is parsed (see `hcl._parser`).
"""

from __future__ import annotations

import glob
import os
from typing import Any

from s3lint.model import Fragment, LoadError

__all__ = ["load_module"]


def load_module(
    folder: str,
    *,
    root: str,
    var_files: list[str] | None = None,
    variables: dict[str, str] | None = None,
) -> Fragment:
    """Load the module in `folder` (with its local modules) into one fragment.

    `root` is the scanned folder: `file()`, `templatefile()` and module sources are read
    only below it.  Never raises for bad input: syntax errors go to `Fragment.errors` (the
    rest is still loaded), anything that cannot be evaluated stays unknown."""
    from s3lint.loaders.terraform.evaluate import Evaluator
    from s3lint.loaders.terraform.module import Loader, ModuleConfig, ModuleInstance

    fragment = Fragment()
    if not _within(folder, root):
        root = folder  # a folder named outside the scan root is its own root
    evaluator = Evaluator(root)
    loader = Loader(folder, root, evaluator)
    config = loader.config(folder)
    tfvars, errors = _root_variables(folder, config, var_files or [], variables or {}, evaluator)
    fragment.errors.extend(errors)
    roots = [(loader, config, folder)]
    if config.conflicts:
        # Terraform rejects such a folder; it is typically a folder of separate examples or
        # test cases, so each file is read as a module of its own.
        shown = ", ".join(sorted(set(config.conflicts))[:5])
        fragment.notes.append(f"{folder}: {shown} declared in more than one file; each file is read as a separate module")
        roots = []
        for parsed in config.parsed:
            single = ModuleConfig(folder)
            single.add(parsed, False)
            roots.append((loader.for_file(os.path.basename(parsed.path)), single, parsed.path))
    for root_loader, root_config, scope_name in roots:
        _load_tree(fragment, ModuleInstance(root_loader, root_config, "", variables=tfvars), scope_name)
        if root_loader is not loader:
            loader.notes.extend(n for n in root_loader.notes if n not in loader.notes)
    fragment.notes.extend(loader.notes)
    return fragment


def _within(folder: str, root: str) -> bool:
    real, base = os.path.realpath(folder), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def _load_tree(fragment: Fragment, root_instance: Any, scope_name: str) -> None:
    from s3lint.loaders.terraform.aws import Mapper
    from s3lint.loaders.terraform.module import walk_modules

    seen_configs: set[int] = set()
    try:
        for instance in walk_modules(root_instance):
            if id(instance.config) not in seen_configs:
                seen_configs.add(id(instance.config))
                for error in instance.config.errors:
                    if error not in fragment.errors:
                        fragment.errors.append(error)
            scope = scope_name if not instance.path else f"{scope_name}::{instance.path}"
            Mapper(fragment, scope, instance.loader.evaluator).run(instance)
    except RecursionError:
        fragment.notes.append(f"{scope_name}: the configuration is nested too deeply to read completely")
    except Exception as error:  # noqa: BLE001 - report, keep what was read
        fragment.notes.append(f"{scope_name}: not read completely ({type(error).__name__}: {error})")
    finally:
        root_instance.release()


def _root_variables(
    folder: str, config: Any, var_files: list[str], variables: dict[str, str], evaluator: Any
) -> tuple[dict[str, Any], list[LoadError]]:
    """Values for the root module's variables, in Terraform's order of precedence."""
    from s3lint.loaders.terraform import hcl
    from s3lint.loaders.terraform.evaluate import Scope
    from s3lint.loaders.terraform.module import read_file

    values: dict[str, Any] = {}
    errors: list[LoadError] = []
    automatic = [os.path.join(folder, "terraform.tfvars"), os.path.join(folder, "terraform.tfvars.json")]
    automatic += sorted(glob.glob(os.path.join(glob.escape(folder), "*.auto.tfvars")) + glob.glob(os.path.join(glob.escape(folder), "*.auto.tfvars.json")))
    for path in automatic + list(var_files):
        parsed = read_file(path)
        if parsed is None:
            if path in var_files:
                errors.append(LoadError(path, "variable file not found"))
            continue
        errors.extend(parsed.errors)
        for name, attribute in parsed.attributes.items():
            values[name] = evaluator.value_of(attribute, Scope(None))
    for name, text in variables.items():
        declaration = config.variables.get(name)
        type_attribute = declaration.body.attributes.get("type") if declaration is not None else None
        is_string = type_attribute is None or (isinstance(type_attribute.expr, hcl.Variable) and type_attribute.expr.name == "string")
        if is_string:
            values[name] = text
            continue
        try:
            values[name] = evaluator.expression(hcl.parse_expression(text), Scope(None), "<--var>")
        except ValueError:
            values[name] = text
    return values, errors
