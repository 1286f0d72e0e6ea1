"""Render ``pretix.cfg.template`` into pretix's configuration file from environment variables.

Placeholders (the subset of envsubst / Compose syntax the template uses):

* ``${NAME}``            required: the variable must be set and non-empty;
* ``${NAME:-default}``   optional: ``default`` is used when the variable is unset or empty;
* ``$$``                 a literal ``$``.

Every missing required variable is reported at once, by name, and nothing is written. Values are
inserted verbatim (pretix reads the file with ``RawConfigParser``, so ``%`` and ``$`` in secrets are
safe); a value spanning several lines is refused because it would corrupt the INI syntax.

Standard library only: the script runs in the image before anything else is configured.

Usage: ``python render_config.py TEMPLATE OUTPUT``
"""
import configparser
import os
import re
import sys
import tempfile
from collections.abc import Mapping

PLACEHOLDER = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}\n]*))?\})"
)


class ConfigError(Exception):
    """The template cannot be rendered with the given environment."""


class MissingVariablesError(ConfigError):
    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(
            "missing required environment variable(s): "
            + ", ".join(names)
            + " (set them in the environment, e.g. in the .env file next to docker-compose.yml)"
        )


def _check_syntax(template: str) -> None:
    """Refuse a ``${`` that is not a well-formed placeholder instead of copying it into the config."""
    for match in re.finditer(r"\$\$|\$\{", template):  # "$$" pairs are consumed left to right, like in render()
        if match.group() == "${" and not PLACEHOLDER.match(template, match.start()):
            line = template.count("\n", 0, match.start()) + 1
            raise ConfigError(f"malformed placeholder on line {line} of the template")


def variables(template: str) -> dict[str, str | None]:
    """Every variable the template uses, mapped to its default (``None`` when it is required)."""
    _check_syntax(template)
    found: dict[str, str | None] = {}
    for match in PLACEHOLDER.finditer(template):
        name = match.group("name")
        if name is None:
            continue
        default = match.group("default")
        if name in found and found[name] != default:
            raise ConfigError(f"variable {name} is used with different defaults in the template")
        found[name] = default
    return found


def render(template: str, environ: Mapping[str, str] | None = None) -> str:
    """Substitute the placeholders; raise :class:`ConfigError` naming every problem at once."""
    environ = os.environ if environ is None else environ
    required = [name for name, default in variables(template).items() if default is None]
    missing = sorted(name for name in required if not environ.get(name))
    if missing:
        raise MissingVariablesError(missing)

    multiline: set[str] = set()

    def substitute(match: re.Match) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("name")
        value = environ.get(name) or match.group("default") or ""
        if "\n" in value or "\r" in value:
            multiline.add(name)
        return value

    rendered = PLACEHOLDER.sub(substitute, template)
    if multiline:
        raise ConfigError("environment variable(s) must be a single line: " + ", ".join(sorted(multiline)))

    parser = configparser.RawConfigParser()
    try:
        parser.read_string(rendered, source="rendered pretix.cfg")
    except configparser.Error as e:
        raise ConfigError(f"the rendered configuration is not valid INI: {e}")
    return rendered


def write(path: str, text: str) -> None:
    """Write atomically, readable only by the owner: the file contains the secrets."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".pretix.cfg.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: render_config.py TEMPLATE OUTPUT", file=sys.stderr)
        return 2
    template_path, output_path = argv
    with open(template_path, encoding="utf-8") as f:
        template = f.read()
    try:
        rendered = render(template)
    except ConfigError as e:
        print(f"render_config: cannot render {template_path}: {e}", file=sys.stderr)
        return 1
    write(output_path, rendered)
    return 0


if __name__ == "__main__":
    sys.exit(main())
