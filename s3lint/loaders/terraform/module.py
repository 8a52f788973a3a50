"""Terraform modules: reading a folder, and evaluating it as `terraform plan` would.

`ModuleConfig` is one folder's blocks (parsed once, bodies converted lazily).
`ModuleInstance` is one instance of a module in the module tree (the root, or
`module.assets["x"]`): it answers the names an expression may use (`var`, `local`,
`module`, `data`, resources, `path`, `terraform`), evaluating each on first use and
remembering it.  A reference cycle gives an unknown value, not a hang.
"""

from __future__ import annotations

import json
import os
import re
import stat
from typing import TYPE_CHECKING, Any, Iterator

from s3lint.loaders.terraform import hcl
from s3lint.loaders.terraform.evaluate import (
    EvalError,
    Evaluator,
    HDict,
    HList,
    Lazy,
    Scope,
    TfUnknown,
    is_unknown,
    to_string,
)
from s3lint.loaders.terraform.references import resource_attribute
from s3lint.model import LoadError
from s3lint.safe_read import UnreadableFile, is_within, kind_of, read_regular
from s3lint.symbols import Unknown

if TYPE_CHECKING:
    from s3lint.loaders.terraform.builtin_modules import BuiltinModel

MAX_FILE_BYTES = 5_000_000
MAX_MODULE_DEPTH = 10
MAX_INSTANCES = 1_000  # instances of one resource or module call
MAX_TOTAL_MODULES = 2_000  # module instances in one root module's tree

META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


# ---------------------------------------------------------------------------------------
# One folder
# ---------------------------------------------------------------------------------------


class ModuleConfig:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.files: list[str] = []
        self.errors: list[LoadError] = []
        self.variables: dict[str, hcl.Block] = {}
        self.locals: dict[str, hcl.Attribute] = {}
        self.resources: dict[tuple[str, str, str], hcl.Block] = {}  # (mode, type, name)
        self.resource_types: set[str] = set()
        self.modules: dict[str, hcl.Block] = {}
        self.outputs: dict[str, hcl.Block] = {}
        self.parsed: list[hcl.ParsedFile] = []
        self.conflicts: list[str] = []  # things declared in two files (Terraform rejects that)

    def add(self, parsed: hcl.ParsedFile, override: bool) -> None:
        self.files.append(parsed.path)
        self.parsed.append(parsed)
        self.errors.extend(parsed.errors)
        for block in parsed.blocks:
            kind, labels = block.type, block.labels
            if kind == "resource" and len(labels) >= 2:
                self._put(self.resources, ("managed", labels[0], labels[1]), block, override, f"{labels[0]}.{labels[1]}")
                self.resource_types.add(labels[0])
            elif kind == "data" and len(labels) >= 2:
                self._put(self.resources, ("data", labels[0], labels[1]), block, override, f"data.{labels[0]}.{labels[1]}")
            elif kind == "variable" and labels:
                self._put(self.variables, labels[0], block, override, f"var.{labels[0]}")
            elif kind == "module" and labels:
                self._put(self.modules, labels[0], block, override, f"module.{labels[0]}")
            elif kind == "output" and labels:
                self._put(self.outputs, labels[0], block, override, f"output.{labels[0]}")
            elif kind == "locals":
                for name, attribute in block.body.attributes.items():
                    previous = self.locals.get(name)
                    if previous is not None and previous.path != attribute.path and not override:
                        self.conflicts.append(f"local.{name}")
                    self.locals[name] = attribute

    def _put(self, table: dict, key: Any, block: hcl.Block, override: bool, name: str) -> None:
        base = table.get(key)
        if base is not None and not override and base.path != block.path:
            self.conflicts.append(name)
        table[key] = _merge_override(base, block) if override and base is not None else block


def _merge_override(base: hcl.Block, override: hcl.Block) -> hcl.Block:
    """Terraform override files: arguments replace the base's; a nested block type present
    in the override replaces all the base's blocks of that type."""

    def make() -> hcl.Body:
        merged = hcl.Body()
        merged.attributes.update(base.body.attributes)
        merged.attributes.update(override.body.attributes)
        replaced = {block.type for block in override.body.blocks}
        merged.blocks = [b for b in base.body.blocks if b.type not in replaced] + list(override.body.blocks)
        return merged

    pos = (base.line, base.column, base.end_line, base.end_column)
    return hcl.Block(base.type, base.labels, base.path, pos, base.header_end, make=make)


def is_terraform_file(name: str) -> bool:
    return name.endswith(".tf") or name.endswith(".tf.json")


def _is_override(name: str) -> bool:
    stem = name[: -len(".json")] if name.endswith(".json") else name
    return stem == "override.tf" or stem.endswith("_override.tf")


OUTSIDE_LINK = "skipped: a symbolic link to a file outside the scanned folder"


def read_config(folder: str, root: str | None = None, keep: bool = True) -> ModuleConfig:
    """The folder's Terraform files; with `root`, a file that is a link leading out of the
    scanned folder is not read (its text could end up quoted in an error message).  With
    `keep`, the files parsed are kept for later loads (see `_PARSED`)."""
    config = ModuleConfig(folder)
    try:
        names = sorted(name for name in os.listdir(folder) if is_terraform_file(name))
    except OSError as error:
        config.errors.append(LoadError(folder, f"cannot read the folder: {error.strerror}"))
        return config
    ordered = [n for n in names if not _is_override(n)] + [n for n in names if _is_override(n)]
    for name in ordered:
        path = os.path.join(folder, name) if folder not in ("", ".") else name
        if root is not None and os.path.islink(path) and not is_within(path, root):
            config.errors.append(LoadError(path, OUTSIDE_LINK))
            continue
        parsed = read_file(path, keep)
        if parsed is not None:
            config.add(parsed, _is_override(name))
    return config


# Parsed files, shared by every load in this process: the engine loads one root module per
# folder, and examples/ folders all read the same module through `source = "../.."`.
# A parsed file keeps its syntax tree (bodies are converted lazily): from ~100 KB to a few MB
# a file.  Only the files of called modules are kept: discovery leaves a called folder out of
# the root modules, so a root module's own files are read once, and keeping them (128 big
# files) held ~70 MB in every loading process for nothing.  Neighbouring folders, which share
# modules, are loaded one after another.
_PARSED: dict[tuple[str, int, int], hcl.ParsedFile] = {}
MAX_CACHED_FILES = 128


def read_file(path: str, keep: bool = True) -> hcl.ParsedFile | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):  # a pipe would block, a device never end
        parsed = hcl.ParsedFile(path)
        parsed.errors.append(LoadError(path, f"skipped: {kind_of(info.st_mode)}, not a regular file"))
        return parsed
    key = (os.path.normpath(path), info.st_mtime_ns, info.st_size)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = _read_file(path)
        if parsed is not None and keep:
            if len(_PARSED) >= MAX_CACHED_FILES:
                _PARSED.clear()
            _PARSED[key] = parsed
    return parsed


def _read_file(path: str) -> hcl.ParsedFile | None:
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except UnreadableFile as error:
        parsed = hcl.ParsedFile(path)
        parsed.errors.append(LoadError(path, error.message))
        return parsed
    if path.endswith(".json"):
        return _parse_json_file(path, data)
    problem = _not_utf8_text(data)
    if problem is not None:  # Terraform reads only UTF-8; tree-sitter would guess at the rest
        parsed = hcl.ParsedFile(path)
        parsed.errors.append(LoadError(path, problem[0], problem[1], 1))
        return parsed
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 BOM: columns on the first line count from after it
    return hcl.parse_hcl(path, data)


def _not_utf8_text(data: bytes) -> tuple[str, int] | None:
    """(message, line) when `data` is not UTF-8 text, as the engine words it for documents."""
    if b"\0" in data[:8192]:
        return "binary file, not text", 1
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return f"not valid UTF-8 text (byte 0x{data[error.start]:02x})", line
    return None


def _parse_json_file(path: str, data: bytes) -> hcl.ParsedFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed = hcl.ParsedFile(path)
        parsed.errors.append(LoadError(path, "not UTF-8 text", 1, 1))
        return parsed
    if path.endswith(".tfvars.json"):
        return hcl.parse_tfvars_json(path, text)
    return hcl.parse_tf_json(path, text)


# ---------------------------------------------------------------------------------------
# The module tree
# ---------------------------------------------------------------------------------------


class Loader:
    """State shared by every module instance of one load: the evaluator, the parsed folders,
    the notes for the user."""

    def __init__(self, cwd: str, root: str, evaluator: Evaluator) -> None:
        self.cwd = cwd  # the root module's folder, as given
        self.root = root  # the scanned root: nothing outside it is read
        self.evaluator = evaluator
        self.configs: dict[str, ModuleConfig] = {}
        self.notes: list[str] = []
        self._modules_json: dict[str, str] | None = None
        self._placed: dict[tuple[str, int, int, str], ModuleConfig | None] = {}  # built-in models, per call
        relative = os.path.relpath(os.path.abspath(cwd), os.path.abspath(root))
        self.symbol_prefix = "" if relative == "." else relative.replace(os.sep, "/") + ":"

    def for_file(self, name: str) -> "Loader":
        """A loader for one file of a folder read file by file (see `load_module`)."""
        loader = Loader(self.cwd, self.root, self.evaluator)
        loader.configs = self.configs
        loader._placed = self._placed
        loader.symbol_prefix = f"{self.symbol_prefix}{name}:"
        return loader

    def config(self, folder: str) -> ModuleConfig:
        key = os.path.normpath(folder)
        config = self.configs.get(key)
        if config is None:
            # the root module's files are read by this load only (see _PARSED)
            config = read_config(folder, self.root, keep=key != os.path.normpath(self.cwd))
            self.configs[key] = config
        return config

    def within_root(self, folder: str) -> bool:
        real = os.path.realpath(folder)
        root = os.path.realpath(self.root)
        return real == root or real.startswith(root.rstrip(os.sep) + os.sep)

    def installed_module(self, key: str) -> str | None:
        """The folder `terraform init` put a registry/git module in, from modules.json."""
        if self._modules_json is None:
            self._modules_json = {}
            manifest = os.path.join(self.cwd, ".terraform", "modules", "modules.json")
            try:
                if os.path.getsize(manifest) <= MAX_FILE_BYTES:
                    with open(manifest, encoding="utf-8") as handle:
                        data = json.load(handle)
                    for entry in data.get("Modules", []) if isinstance(data, dict) else []:
                        if isinstance(entry, dict) and isinstance(entry.get("Key"), str) and isinstance(entry.get("Dir"), str):
                            self._modules_json[entry["Key"]] = entry["Dir"]
            except (OSError, ValueError, RecursionError):
                pass
        directory = self._modules_json.get(key)
        if directory is None:
            return None
        return os.path.normpath(os.path.join(self.cwd, directory))

    def builtin_config(self, where: str, model: "BuiltinModel", call: hcl.Block) -> ModuleConfig | None:
        """The built-in model placed at `call`, once per call (every instance of a call with
        count/for_each shares it); notes say that the model was used and what the call gets
        wrong."""
        from s3lint.loaders.terraform.builtin_modules import call_notes
        from s3lint.loaders.terraform.builtin_modules.placement import PlacementError, place_model

        key = (call.path, call.line, call.column, model.variant)
        if key in self._placed:
            return self._placed[key]
        try:
            config: ModuleConfig | None = place_model(model, call)
        except PlacementError as error:
            self.note(f"{where}: s3lint's built-in model of {model.title} could not be read ({error}); not read")
            config = None
        except Exception as error:  # noqa: BLE001 - a bug in the model must not lose the caller's module
            self.note(f"{where}: s3lint's built-in model of {model.title} failed ({type(error).__name__}: {error}); not read")
            config = None
        self._placed[key] = config
        if config is not None:
            at = f"{call.path}:{call.line}: {where}"
            self.note(f"{at}: {model.title} is not installed; checked with s3lint's built-in model of the module (run `terraform init` to check the real code)")
            for problem in call_notes(model, call, set(config.variables)):
                self.note(f"{at}: {problem}")
        return config

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


def key_suffix(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, Unknown):
        return "[*]"
    if isinstance(key, bool):
        return f"[{json.dumps(key)}]"
    if isinstance(key, (int, float)):
        return f"[{key}]"
    return f"[{json.dumps(str(key))}]"


class Instances:
    """How a `count`/`for_each` block expands: (key, each.value) pairs, or unknown."""

    __slots__ = ("kind", "pairs", "unknown")

    def __init__(self, kind: str, pairs: list[tuple[Any, Any]], unknown: bool = False) -> None:
        self.kind = kind  # "single" | "count" | "for_each"
        self.pairs = pairs
        self.unknown = unknown


def expand(evaluator: Evaluator, body: hcl.Body, scope: Scope) -> Instances:
    count = body.attributes.get("count")
    for_each = body.attributes.get("for_each")
    if count is not None:
        value = evaluator.value_of(count, scope)
        if isinstance(value, bool) or is_unknown(value) or not isinstance(value, (int, float, str)):
            return Instances("count", [(TfUnknown("count is unknown"), None)], unknown=True)
        try:
            number = int(float(value))
        except ValueError:
            return Instances("count", [(TfUnknown("count is unknown"), None)], unknown=True)
        if number > MAX_INSTANCES:
            return Instances("count", [(TfUnknown("count too large to expand"), None)], unknown=True)
        return Instances("count", [(i, None) for i in range(max(0, number))])
    if for_each is not None:
        value = evaluator.value_of(for_each, scope)
        if isinstance(value, Lazy):
            value = value.as_collection() if hasattr(value, "as_collection") else None
        if value is None or is_unknown(value) or not isinstance(value, (dict, list)):
            return Instances("for_each", [(TfUnknown("for_each is unknown"), TfUnknown("for_each is unknown"))], unknown=True)
        if len(value) > MAX_INSTANCES:
            return Instances("for_each", [(TfUnknown("for_each too large to expand"), TfUnknown("unknown"))], unknown=True)
        if isinstance(value, dict):
            return Instances("for_each", [(str(k), value[k]) for k in sorted(value)])
        pairs: list[tuple[Any, Any]] = []
        for item in value:
            if is_unknown(item) or not isinstance(item, str):
                return Instances("for_each", [(TfUnknown("for_each key is unknown"), TfUnknown("unknown"))], unknown=True)
            pairs.append((str(item), item))
        return Instances("for_each", sorted(set(pairs), key=lambda p: p[0]))
    return Instances("single", [(None, None)])


def instance_names(instances: Instances, key: Any, value: Any) -> dict[str, Any]:
    if instances.kind == "count":
        return {"count": HDict({"index": key})}
    if instances.kind == "for_each":
        return {"each": HDict({"key": key, "value": value})}
    return {}


class ModuleInstance:
    def __init__(
        self,
        loader: Loader,
        config: ModuleConfig,
        path: str,
        parent: "ModuleInstance | None" = None,
        call: hcl.Block | None = None,
        call_scope: Scope | None = None,
        call_keys: tuple[str, ...] = (),
        variables: dict[str, Any] | None = None,
    ) -> None:
        self.loader = loader
        self.config = config
        self.path = path  # "" for the root, else "module.a" / 'module.a["k"].module.b'
        self.parent = parent
        self.call = call
        self.call_scope = call_scope
        self.call_keys = call_keys  # module call names from the root, for modules.json
        self.variables = variables or {}  # root only: values from tfvars and --var
        self.cwd = loader.cwd
        self.depth = 0 if parent is None else parent.depth + 1
        self.token_prefix = loader.symbol_prefix + (path + "." if path else "")
        self._vars: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._outputs: dict[str, Any] = {}
        self._expansions: dict[Any, Instances] = {}
        self._children: dict[tuple[str, Any], ModuleInstance | None] = {}
        self._resource_instances: dict[tuple[str, str, str, Any], ResourceInstance] = {}
        self._busy: set[Any] = set()

    @property
    def scope(self) -> Scope:
        return Scope(self)

    def release(self) -> None:
        """Forget what this instance and its children computed, once the load is done.  The
        values computed (resource instances, scopes, namespaces) point back at their module,
        so without this the whole tree would be a reference cycle, left for the cyclic
        collector; with it, reference counting frees the tree as soon as the load drops it."""
        children = [child for child in self._children.values() if child is not None]
        for cache in (self._vars, self._locals, self._outputs, self._expansions, self._children, self._resource_instances):
            cache.clear()
        self._busy.clear()
        for child in children:
            child.release()

    def address(self, local: str) -> str:
        return f"{self.path}.{local}" if self.path else local

    # -- names ---------------------------------------------------------------------------

    def root_value(self, name: str) -> Any:
        if name == "var":
            return _Namespace(self, "var", self.var)
        if name == "local":
            return _Namespace(self, "local", self.local)
        if name == "module":
            return _Namespace(self, "module", self.module_value)
        if name == "data":
            return _Namespace(self, "data", lambda kind: _Namespace(self, f"data.{kind}", lambda n: self.resource_value("data", kind, n)))
        if name == "path":
            relative = os.path.relpath(self.config.folder or ".", self.cwd or ".")
            return HDict({"module": relative.replace(os.sep, "/"), "root": ".", "cwd": "."})
        if name == "terraform":
            return HDict({"workspace": "default"})
        if name == "self":
            return TfUnknown("self is known only after apply")
        if name in self.config.resource_types:
            return _Namespace(self, name, lambda n: self.resource_value("managed", name, n))
        if name in ("count", "each"):
            raise EvalError(f"{name} is not available here")
        if _RESOURCE_TYPE.match(name):
            # A resource this module does not declare (a snippet, a file checked alone):
            # its attributes stay unknown but keep their names, so a policy or setting that
            # names it still finds the same (undeclared) bucket.
            return _Namespace(self, name, lambda n: _undeclared(self.token_prefix, "", name, n))
        raise EvalError(f"unknown name {name!r}")

    def _guarded(self, key: Any, cache: dict, compute: Any) -> Any:
        if key in cache:
            return cache[key]
        if key in self._busy:
            return TfUnknown(f"{'.'.join(str(part) for part in key)} refers to itself")
        self._busy.add(key)
        try:
            value = compute()
        finally:
            self._busy.discard(key)
        cache[key] = value
        return value

    def var(self, name: str) -> Any:
        return self._guarded(("var", name), self._vars, lambda: self._compute_var(name))

    def _compute_var(self, name: str) -> Any:
        declaration = self.config.variables.get(name)
        if declaration is None:
            raise EvalError(f"variable {name!r} is not declared")
        evaluator = self.loader.evaluator
        if self.parent is None and name in self.variables:
            value = self.variables[name]
        elif self.call is not None and name in self.call.body.attributes and name not in META_ARGUMENTS:
            value = evaluator.value_of(self.call.body.attributes[name], self.call_scope or Scope(self.parent))
        elif "default" in declaration.body.attributes:
            value = evaluator.value_of(declaration.body.attributes["default"], Scope(None))
        else:
            return TfUnknown(f"variable {name} has no value", token=f"{self.token_prefix}var.{name}")
        if value is None and "default" in declaration.body.attributes and _is_false(declaration.body.attributes.get("nullable")):
            value = evaluator.value_of(declaration.body.attributes["default"], Scope(None))
        if isinstance(value, TfUnknown) and not value.token and not value.alternatives:
            value = TfUnknown(value.reason, token=f"{self.token_prefix}var.{name}")
        return _convert_to_type(value, declaration.body.attributes.get("type"))

    def local(self, name: str) -> Any:
        attribute = self.config.locals.get(name)
        if attribute is None:
            raise EvalError(f"local value {name!r} is not declared")
        return self._guarded(("local", name), self._locals, lambda: self._token(self.loader.evaluator.value_of(attribute, self.scope), f"local.{name}"))

    def _token(self, value: Any, name: str) -> Any:
        if isinstance(value, TfUnknown) and not value.token and not value.alternatives:
            return TfUnknown(value.reason, token=f"{self.token_prefix}{name}")
        return value

    def output(self, name: str) -> Any:
        block = self.config.outputs.get(name)
        if block is None:
            raise EvalError(f"module {self.path} has no output {name!r}")
        return self._guarded(("output", name), self._outputs, lambda: self._token(self.loader.evaluator.value_of(block.body.attributes.get("value"), self.scope), f"output.{name}"))

    # -- resources -----------------------------------------------------------------------------

    def expansion(self, mode: str, kind: str, name: str) -> Instances:
        cached = self._expansions.get(("expand", mode, kind, name))
        if cached is not None:  # asked for every reference to the resource
            return cached
        key = (mode, kind, name)
        block = self.config.resources.get(key)
        if block is None:
            raise EvalError(f"{'data.' if mode == 'data' else ''}{kind}.{name} is not declared")
        return self._guarded(("expand",) + key, self._expansions, lambda: expand(self.loader.evaluator, block.body, self.scope))

    def resource_instance(self, mode: str, kind: str, name: str, key: Any, each_value: Any, instances: Instances) -> "ResourceInstance":
        cache_key = (mode, kind, name, "*" if isinstance(key, Unknown) else key)
        instance = self._resource_instances.get(cache_key)
        if instance is None:
            block = self.config.resources[(mode, kind, name)]
            instance = ResourceInstance(self, block, mode, kind, name, key, each_value, instances)
            self._resource_instances[cache_key] = instance
        return instance

    def resource_value(self, mode: str, kind: str, name: str) -> Any:
        single = self._resource_instances.get((mode, kind, name, None))  # only a single instance has no key
        if single is not None:  # asked for every reference to the resource
            return single
        if (mode, kind, name) not in self.config.resources:
            return _undeclared(self.token_prefix, "data." if mode == "data" else "", kind, name)
        instances = self.expansion(mode, kind, name)
        if instances.kind == "single":
            return self.resource_instance(mode, kind, name, None, None, instances)
        items = [self.resource_instance(mode, kind, name, k, v, instances) for k, v in instances.pairs]
        if instances.unknown:
            return _AnyInstance(items[0], f"{kind}.{name}")
        if instances.kind == "count":
            return HList(items)
        return HDict({str(k): item for (k, _), item in zip(instances.pairs, items)})

    def resource_instances(self) -> Iterator["ResourceInstance"]:
        for mode, kind, name in self.config.resources:
            instances = self.expansion(mode, kind, name)
            for key, value in instances.pairs:
                yield self.resource_instance(mode, kind, name, key, value, instances)

    # -- child modules ---------------------------------------------------------------------------

    def module_value(self, name: str) -> Any:
        block = self.config.modules.get(name)
        if block is None:
            raise EvalError(f"module {name!r} is not declared")
        instances = self._guarded(("module", name), self._expansions, lambda: expand(self.loader.evaluator, block.body, self.scope))
        children = [self.child(name, k, v, instances) for k, v in instances.pairs]
        outputs = [_Outputs(child, self.address(f"module.{name}")) for child in children]
        if instances.kind == "single":
            return outputs[0]
        if instances.unknown:
            return _AnyInstance(outputs[0], f"module.{name}")
        if instances.kind == "count":
            return HList(outputs)
        return HDict({str(k): out for (k, _), out in zip(instances.pairs, outputs)})

    def child(self, name: str, key: Any, each_value: Any, instances: Instances) -> "ModuleInstance | None":
        cache_key = (name, "*" if isinstance(key, Unknown) else key)
        if cache_key in self._children:
            return self._children[cache_key]
        self._children[cache_key] = None  # a module that calls itself stops here
        block = self.config.modules[name]
        config = self._module_config(name, block)
        child = None
        if config is not None:
            path = self.address(f"module.{name}{key_suffix(key)}")
            call_scope = self.scope.child(instance_names(instances, key, each_value))
            child = ModuleInstance(self.loader, config, path, self, block, call_scope, self.call_keys + (name,))
        self._children[cache_key] = child
        return child

    def children(self) -> Iterator["ModuleInstance"]:
        for name, block in self.config.modules.items():
            instances = self._guarded(("module", name), self._expansions, lambda: expand(self.loader.evaluator, block.body, self.scope))
            for key, value in instances.pairs:
                child = self.child(name, key, value, instances)
                if child is not None:
                    yield child

    def _module_config(self, name: str, block: hcl.Block) -> ModuleConfig | None:
        where = self.address(f"module.{name}")
        if self.depth >= MAX_MODULE_DEPTH:
            self.loader.note(f"{where}: modules nested more than {MAX_MODULE_DEPTH} deep are not read")
            return None
        source = self.loader.evaluator.value_of(block.body.attributes.get("source"), Scope(None))
        if not isinstance(source, str) or is_unknown(source):
            self.loader.note(f"{where}: the module source is not a literal string; module not read")
            return None
        source = str(source)
        if source.startswith("./") or source.startswith("../") or source in (".", ".."):
            folder = os.path.normpath(os.path.join(self.config.folder or ".", source))
            if not self.loader.within_root(folder):
                self.loader.note(f"{where}: local module {source!r} is outside the scanned folder; not read")
                return None
            if not os.path.isdir(folder):
                self.loader.note(f"{where}: local module folder {source!r} does not exist")
                return None
        else:
            folder = self.loader.installed_module(".".join(self.call_keys + (name,)))
            if folder is None or not os.path.isdir(folder):
                return self._builtin_config(where, source, block)
            if not self.loader.within_root(folder):
                self.loader.note(f"{where}: installed module folder is outside the scanned folder; not read")
                return None
        ancestors: list[str] = []
        current: ModuleInstance | None = self
        while current is not None:
            ancestors.append(os.path.realpath(current.config.folder or "."))
            current = current.parent
        if os.path.realpath(folder) in ancestors:
            self.loader.note(f"{where}: module calls itself; not read again")
            return None
        return self.loader.config(folder)

    def _builtin_config(self, where: str, source: str, block: hcl.Block) -> ModuleConfig | None:
        """A module that is not installed: s3lint's built-in model of it, if it has one,
        placed at the call (see `builtin_modules`); otherwise it is not read."""
        from s3lint.loaders.terraform.builtin_modules import builtin_model

        version = self.loader.evaluator.value_of(block.body.attributes.get("version"), Scope(None))
        model = builtin_model(source, str(version) if isinstance(version, str) and not is_unknown(version) else None)
        if model is None:
            self.loader.note(f"{where}: module source {source!r} is not installed (run `terraform init` to have it checked); not read")
            return None
        return self.loader.builtin_config(where, model, block)


def walk_modules(root: ModuleInstance) -> Iterator[ModuleInstance]:
    """Every module instance of the tree, at most `MAX_TOTAL_MODULES`: a few small folders
    calling each other with `count = 100` would otherwise make millions."""
    stack = [root]
    walked = 0
    while stack:
        instance = stack.pop()
        walked += 1
        if walked > MAX_TOTAL_MODULES:
            root.loader.note(f"more than {MAX_TOTAL_MODULES} module instances; the rest are not read")
            return
        yield instance
        stack.extend(reversed(list(instance.children())))


def _is_false(attribute: hcl.Attribute | None) -> bool:
    return attribute is not None and isinstance(attribute.expr, hcl.Literal) and attribute.expr.value is False


def _convert_to_type(value: Any, type_attribute: hcl.Attribute | None) -> Any:
    """The primitive conversions Terraform applies to a variable's value."""
    if type_attribute is None or not isinstance(type_attribute.expr, hcl.Variable) or value is None:
        return value
    kind = type_attribute.expr.name
    if kind == "bool" and isinstance(value, str) and str(value) in ("true", "false"):
        return str(value) == "true"
    if kind == "string" and isinstance(value, (bool, int, float)):
        return to_string(value)
    if kind == "number" and isinstance(value, str):
        try:
            return hcl.parse_number_strict(str(value))
        except ValueError:
            return value
    return value


_RESOURCE_TYPE = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+$")


def _undeclared(prefix: str, mode: str, kind: str, name: str) -> Any:
    if kind == "aws_s3_bucket":
        return _UndeclaredBucket(f"{prefix}{mode}{kind}.{name}")
    return TfUnknown(f"{mode}{kind}.{name} is not declared in this module", token=f"{prefix}{mode}{kind}.{name}")


class _UndeclaredBucket(Lazy):
    """A bucket referenced but not declared: `.id`/`.bucket` are one symbol, `.arn` is built
    from it, as for a declared bucket whose name is unknown."""

    def __init__(self, token: str) -> None:
        self.token = token

    def get_attr(self, name: str) -> Any:
        from s3lint.loaders.terraform.references import S3_ARN_PREFIX
        from s3lint.symbols import symbol

        identity = symbol(f"{self.token}.id")
        if name in ("id", "bucket"):
            return identity
        if name == "arn":
            return S3_ARN_PREFIX + identity
        return TfUnknown(f"{self.token} is not declared in this module", token=f"{self.token}.{name}")

    def index(self, key: Any) -> Any:
        suffix = key_suffix(key) if not isinstance(key, Unknown) else "[*]"
        return _UndeclaredBucket(f"{self.token}{suffix}")

    def splat_items(self) -> list[Any]:
        return [self]

    def describe(self) -> str:
        return self.token


class _Namespace(Lazy):
    """`var`, `local`, `module`, `data.<type>`, `<resource type>`: attributes looked up lazily."""

    def __init__(self, module: ModuleInstance, name: str, lookup: Any) -> None:
        self.module = module
        self.name = name
        self.lookup = lookup

    def get_attr(self, name: str) -> Any:
        return self.lookup(name)

    def describe(self) -> str:
        return self.name


class _AnyInstance(Lazy):
    """A resource or module whose count/for_each is unknown: every index is the one
    instance we model, with unknown key."""

    def __init__(self, item: Any, name: str) -> None:
        self.item = item
        self.name = name

    def index(self, key: Any) -> Any:
        return self.item

    def splat_items(self) -> list[Any]:
        return [self.item]  # `x[*].id`: the id of every instance, all alike

    def get_attr(self, name: str) -> Any:
        return TfUnknown(f"{self.name} has an unknown number of instances")

    def describe(self) -> str:
        return self.name


class _Outputs(Lazy):
    def __init__(self, child: ModuleInstance | None, address: str) -> None:
        self.child = child
        self.address = address

    def get_attr(self, name: str) -> Any:
        if self.child is None:
            return TfUnknown(f"{self.address} is not read", token=f"{self.address}.{name}")
        return self.child.output(name)

    def describe(self) -> str:
        return self.address


class ResourceInstance(Lazy):
    """One instance of a resource or data block; attributes are its arguments, evaluated on
    demand, or what the provider computes (unknown, except what `references` knows)."""

    def __init__(self, module: ModuleInstance, block: hcl.Block, mode: str, kind: str, name: str, key: Any, each_value: Any, instances: Instances) -> None:
        self.module = module
        self.block = block
        self.mode = mode
        self.kind = kind
        self.name = name
        self.key = key
        self.each_value = each_value
        self.instances = instances
        local = f"{'data.' if mode == 'data' else ''}{kind}.{name}{key_suffix(key)}"
        self.address = module.address(local)
        self.scope = Scope(module, instance_names(instances, key, each_value))  # `module.scope.child(...)`: its names are none
        self._values: dict[str, Any] = {}
        self._busy: set[str] = set()

    @property
    def uncertain(self) -> bool:
        """True when this instance may not exist (unknown count/for_each)."""
        return self.instances.unknown

    @property
    def token(self) -> str:
        return self.module.loader.symbol_prefix + self.address

    def argument(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name in self._busy:
            return TfUnknown(f"{self.address}.{name} refers to itself")
        self._busy.add(name)
        try:
            value = self.module.loader.evaluator.value_of(self.block.body.attributes.get(name), self.scope)
        finally:
            self._busy.discard(name)
        self._values[name] = value
        return value

    def get_attr(self, name: str) -> Any:
        return resource_attribute(self, name)

    def describe(self) -> str:
        return self.address


__all__ = [
    "Instances",
    "Loader",
    "ModuleConfig",
    "ModuleInstance",
    "ResourceInstance",
    "expand",
    "instance_names",
    "is_terraform_file",
    "key_suffix",
    "read_config",
    "read_file",
    "walk_modules",
]
