"""Where the layers above add to the office's casework pages, without casework knowing them: links
on a round's page (reporting: the round's reports), registered in their AppConfig.ready()."""

from django.urls import reverse

_round_links: list[tuple[object, str]] = []


def register_round_link(label, url_name: str) -> None:
    """A link on each round's page of applications: `url_name` takes the round's id as `round_pk`."""
    if (label, url_name) not in _round_links:
        _round_links.append((label, url_name))


def round_links(round_) -> list[tuple[str, str]]:
    return [(str(label), reverse(url_name, kwargs={"round_pk": round_.pk})) for label, url_name in _round_links]
