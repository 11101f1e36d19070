"""The docs are right: a short README, links that resolve, names that import.

Fast (no training): reads README.md and docs/*.md, imports the documented
modules and looks the documented names up.
"""

import glob
import importlib
import os
import re

import pytest

from tests import conftest

ROOT = conftest.ROOT
README = os.path.join(ROOT, "README.md")
DOCS = os.path.join(ROOT, "docs")
MAX_README_LINES = 200

# `[text](target)` and `![alt](target)`, with an optional "title".
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+-]*)")
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh"}
# A dotted public name: `keras_gan.models.dcgan_generator`,
# `keras_gan.tabular.TabularGAN.from_data`, `keras_gan.metrics` ...
NAME = re.compile(r"(?<![\w./-])keras_gan(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def guides():
    return sorted(glob.glob(os.path.join(DOCS, "*.md")))


def markdown_files():
    return [README] + guides()


def without_code_blocks(text, languages=None):
    """`text` without its fenced blocks (only those in `languages` if given)."""
    kept, fence, dropping = [], None, False
    for line in text.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            dropping = languages is None or match.group(2).lower() in languages
            if not dropping:
                kept.append(line)
            continue
        if fence is not None and line.strip().startswith(fence):
            if not dropping:
                kept.append(line)
            fence, dropping = None, False
            continue
        if not dropping:
            kept.append(line)
    return "\n".join(kept)


def relative_links(path):
    """Local link targets of the markdown file `path`, as absolute paths."""
    text = without_code_blocks(read(path))
    targets = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # http:, https:, mailto:, or an anchor in the same file
        target = target.split("#", 1)[0]
        targets.append(
            (target, os.path.normpath(os.path.join(os.path.dirname(path), target)))
        )
    return targets


def documented_names():
    """`(file, name)` for every `keras_gan.X.Y` outside shell blocks."""
    found = {}
    for path in markdown_files():
        text = without_code_blocks(read(path), SHELL_LANGUAGES)
        for name in NAME.findall(text):
            found.setdefault(name.rstrip("."), os.path.relpath(path, ROOT))
    return sorted((source, name) for name, source in found.items())


def resolve(name):
    """Imports the longest importable module prefix of `name`, then getattr."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        module_name = ".".join(parts[:split])
        try:
            value = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            # Only "this prefix is not a module" moves on to a shorter one;
            # a missing dependency inside the module is a failure.
            if error.name and (
                module_name == error.name
                or module_name.startswith(error.name + ".")
            ):
                continue
            raise
        break
    else:  # pragma: no cover - "keras_gan" itself always imports
        raise ImportError(name)
    for attribute in parts[split:]:
        value = getattr(value, attribute)
    return value


def test_readme_is_short():
    lines = read(README).splitlines()
    assert len(lines) <= MAX_README_LINES, (
        f"README.md has {len(lines)} lines; keep it at most "
        f"{MAX_README_LINES} and move details to a guide in docs/."
    )


def test_readme_quickstart_and_fresh_machine_sections_exist():
    readme = read(README)
    section = readme.split("## Quickstart", 1)[1]
    assert re.search(r"```python\n.*?```", section, re.S)
    assert "## On a fresh machine" in readme
    assert "examples/mnist_dcgan.py" in readme.split("## On a fresh machine", 1)[1]


@pytest.mark.parametrize(
    "path", markdown_files(), ids=lambda p: os.path.relpath(p, ROOT)
)
def test_every_relative_link_points_to_an_existing_file(path):
    missing = [target for target, full in relative_links(path)
               if not os.path.exists(full)]
    assert not missing, f"{os.path.relpath(path, ROOT)} links to missing {missing}"


def test_every_guide_the_readme_links_exists_and_is_not_empty():
    linked = [full for target, full in relative_links(README)
              if target.endswith(".md")]
    assert any(path.startswith(DOCS + os.sep) for path in linked)
    for path in linked:
        assert os.path.isfile(path), path
        assert read(path).strip(), f"{path} is empty"


def test_the_readme_links_every_guide():
    linked = {full for _, full in relative_links(README)}
    unlinked = [os.path.relpath(path, ROOT) for path in guides()
                if os.path.normpath(path) not in linked]
    assert not unlinked, f"README.md does not link {unlinked}"


def test_names_are_found():
    names = [name for _, name in documented_names()]
    # The main public names appear in the docs, so the test below checks them.
    for name in ("keras_gan.GAN", "keras_gan.tabular.TabularGAN",
                 "keras_gan.metrics.FIDInceptionV3"):
        assert any(n == name or n.startswith(name + ".") for n in names), name


@pytest.mark.parametrize(
    "source,name", documented_names(), ids=lambda value: value
)
def test_every_documented_name_resolves(source, name):
    try:
        resolve(name)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"{source} mentions `{name}`, which does not resolve: {error!r}")


def fenced_commands(text, language="bash"):
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_ci_runs_the_readme_test_command():
    section = read(README).split("## On a fresh machine", 1)[1]
    command = next(
        block.strip() for block in fenced_commands(section) if "pytest" in block
    )
    ci = read(os.path.join(ROOT, ".ci", "run"))
    # CI has made the virtual environment already: the rest is the same line.
    installed = command.split(" && ", 1)[1]
    assert installed in ci.splitlines(), "README's test command differs from .ci/run"
    # Every backend runs the fast tests; the slow ones run once.
    assert '-m "not slow"' in installed and "-m slow" in installed
