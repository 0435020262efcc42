"""The console listener every browser test attaches: a page that logs an error fails its test."""

import os


def watch(page) -> list[str]:
    """Every console error and uncaught exception the page produces from now on."""
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return problems


def sideways_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 when it fits the viewport)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot as ``$BROWSER_SCREENSHOTS/<name>.png`` when that variable names a folder."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
