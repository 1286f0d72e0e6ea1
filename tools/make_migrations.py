"""Write migrations for our addons only, never for pretix itself (its choices depend on pretix.cfg)."""
import os
import sys
from pathlib import Path

import django


def main(apps: list[str]) -> int:
    django.setup()
    from django.core.management import call_command

    import pretix

    pretix_migrations = Path(pretix.__file__).parent / "base" / "migrations"
    before = set(pretix_migrations.glob("*.py"))
    call_command("makemigrations", *apps)
    created = set(pretix_migrations.glob("*.py")) - before
    for path in created:
        name = path.stem
        path.unlink()
        for ours in Path("addons").glob("*/migrations/*.py"):
            text = ours.read_text()
            if name in text:
                latest = sorted(p.stem for p in before if p.stem[:4].isdigit())[-1]
                ours.write_text(text.replace(name, latest))
                print(f"{ours}: depends on pretixbase {latest} instead of the generated {name}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")
    sys.exit(main(sys.argv[1:]))
