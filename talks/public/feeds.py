"""The Atom feed of claims as they are published and as they are corrected."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, gettext_lazy

from sources import history_chain

from .. import visibility
from ..models import Claim

HISTORY_NAMESPACE = "https://factdesk.example/ns/history-chain"


class ChainedAtomFeed(Atom1Feed):
    """Atom, with the history chain's head (sources/history_chain.py) as of the feed's
    rendering: a ``<link rel="related">`` to /transparency/ and a ``history:head`` element
    with its position, digest and time, for readers that keep it."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:history": HISTORY_NAMESPACE}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement(
            "link", "", {"rel": "related", "href": self.feed["transparency_url"]}
        )
        checkpoint = self.feed["history_head"]
        if checkpoint is not None:
            handler.addQuickElement(
                "history:head",
                "",
                {
                    "position": str(checkpoint.position),
                    "digest": checkpoint.digest,
                    "at": checkpoint.at.isoformat(),
                },
            )


FEED_LENGTH = 50


def recently_published_or_corrected(limit=FEED_LENGTH):
    """The published claims with the newest publication or correction, newest first.

    Each carries ``updated_at`` (its publication or last correction) and ``correction`` (its
    last ``Correction``, or None). Only history since the ``limit``-th newest publication can
    reach the list, so only the claims changed since then are looked at.
    """
    published = visibility.claims().select_related("claimant")
    claims = {claim.pk: claim for claim in published.newest_first()[:limit]}
    since = min((c.published_at for c in claims.values()), default=None)
    history = Claim.history.all()
    if since and len(claims) == limit:
        # The ids first: as a subquery the planner expects thousands and reads all history.
        changed = Claim.history.filter(history_date__gte=since).values_list("id", flat=True)
        history = history.filter(id__in=set(changed))
    else:
        since = None
    corrections = {}
    for correction in history.corrections():
        if since is None or correction.made_at >= since:
            corrections[correction.claim_id] = correction  # oldest first: the last one stays
    newest = sorted(corrections.values(), key=lambda c: c.made_at, reverse=True)
    missing = {correction.claim_id for correction in newest[:limit]} - set(claims)
    claims.update((c.pk, c) for c in published.filter(pk__in=missing))
    for claim in claims.values():
        claim.correction = corrections.get(claim.pk)
        claim.updated_at = claim.published_at
        if claim.correction:
            claim.updated_at = max(claim.updated_at, claim.correction.made_at)
    return sorted(claims.values(), key=lambda c: c.updated_at, reverse=True)[:limit]


class ClaimFeed(Feed):
    feed_type = ChainedAtomFeed
    link = reverse_lazy("public:claims")
    subtitle = gettext_lazy(
        "Claims as the desk publishes its verdicts on them, and as it corrects them."
    )

    def title(self):
        return gettext("%(publisher)s: published and corrected claims") % {
            "publisher": settings.FACTDESK_PUBLISHER_NAME
        }

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["history_head"] = history_chain.checkpoint()
        feed.feed["transparency_url"] = request.build_absolute_uri(reverse("public:transparency"))
        return feed

    def author_name(self):
        return settings.FACTDESK_PUBLISHER_NAME

    def items(self):
        return recently_published_or_corrected()

    def item_title(self, claim):
        title = f"{claim.get_verdict_display()}: {claim.text}"
        return gettext("Corrected: %(title)s") % {"title": title} if claim.correction else title

    def item_description(self, claim):
        lines = [f"{claim.claimant_name}: “{claim.text}”" if claim.claimant_name else claim.text]
        lines.append(
            gettext("Verdict: %(verdict)s.") % {"verdict": claim.get_verdict_display()}
            + f" {claim.verdict_rationale}"
        )
        if claim.correction:
            lines.append(gettext("Correction: %(reason)s") % {"reason": claim.correction.reason})
        return "\n\n".join(lines)

    def item_pubdate(self, claim):
        return claim.published_at

    def item_updateddate(self, claim):
        return claim.updated_at
