"""The schema.org ClaimReview that search engines read from a published claim's page.

It carries what Google's fact-check markup requires and recommends: the claim as reviewed,
the rating (the desk's five-point scale, named), the page, the date, the publishing
organisation, and the claim itself with who made it, when and where it appeared.
"""

import json

from django.utils.safestring import mark_safe

from ..models.claims import VERDICT_RATINGS

BEST_RATING = max(VERDICT_RATINGS.values())
WORST_RATING = min(VERDICT_RATINGS.values())


def claim_review(claim, *, url, publisher, source_url):
    """The ClaimReview of ``claim`` (fetched ``with_provenance``) published at ``url``.

    ``publisher`` is {"name", "url"}; ``source_url(source)`` gives the link for a source: its
    own address when the desk has one, else the desk's page about it.
    """
    rating = {"@type": "Rating", "alternateName": claim.get_verdict_display()}
    if claim.rating is not None:  # "unverifiable" is named, not scored
        rating.update(ratingValue=claim.rating, bestRating=BEST_RATING, worstRating=WORST_RATING)
    citations = list(claim.citations.all())
    appearances = [creative_work(c.source, source_url(c.source)) for c in citations]
    item = {"@type": "Claim", "author": claimant(claim), "appearance": appearances}
    origins = [
        work for c, work in zip(citations, appearances, strict=True) if c.relation == "originates"
    ]
    if origins:
        item["firstAppearance"] = origins[0]
    if date := claim_date(claim, citations):
        item["datePublished"] = date.isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "datePublished": claim.published_at.date().isoformat(),
        "author": {"@type": "Organization", **publisher},
        "reviewRating": rating,
        "itemReviewed": item,
    }


def claimant(claim):
    if claim.claimant_id:
        person = {"@type": "Person", "name": claim.claimant.name}
        if claim.claimant.wikidata_url:
            person["sameAs"] = claim.claimant.wikidata_url
        return person
    # "Sources within the delegation", "the article's headline": a party, not a named person.
    return {"@type": "Organization", "name": claim.claimant_label}


def claim_date(claim, citations):
    """When the claim was made, or else when it first appeared in a dated source."""
    if claim.claimed_on:
        return claim.claimed_on
    return min((c.source.published_on for c in citations if c.source.published_on), default=None)


def creative_work(source, url):
    work = {"@type": "CreativeWork", "headline": source.title, "url": url}
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.author:
        work["author"] = {"@type": "Person", "name": source.author}
    if source.outlet:
        work["publisher"] = {"@type": "Organization", "name": source.outlet}
    return work


def json_ld_script(data):
    """``data`` as a JSON-LD script element, safe whatever the text holds.

    ``<``, ``>`` and ``&`` are escaped inside the JSON, so no text can close the element.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
