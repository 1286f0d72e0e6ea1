"""Reading a rendered PDF in tests: its text (pypdf) and a picture of its first page to look at."""
import os
import shutil
import subprocess  # nosec B404 - pdftoppm, a fixed command on a test's own file
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", str(Path(__file__).resolve().parents[3] / "var" / "screenshots"))


def pdf_text(data: bytes) -> str:
    """The text of every page, a line between pages."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def pdf_png(data: bytes, name: str) -> None:
    """A picture of the first page to look at (pdftoppm, where poppler-utils is installed)."""
    if not shutil.which("pdftoppm"):
        return
    os.makedirs(SHOTS, exist_ok=True)
    pdf = os.path.join(SHOTS, f"{name}.pdf")
    Path(pdf).write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", pdf, pdf[:-4]], check=True)  # noqa: S603,S607
