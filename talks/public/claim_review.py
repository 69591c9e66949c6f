"""The schema.org ClaimReview that search engines read from a published claim's page and from
the desk's ClaimReview data feed (``/claimreview.json``).

It carries what Google's fact-check markup requires and recommends: the claim in a few words
as reviewed, the rating (the desk's five-point scale, named), the page, the dates (published,
and modified by the last correction, each correction listed), the publishing organisation,
and the claim itself: its words, who made it, when, its language, every source that carries
it and the one where it first appeared (the origin of its source chain).
"""

import json

from django.utils.safestring import mark_safe

from ..models.claims import VERDICT_RATINGS

BEST_RATING = max(VERDICT_RATINGS.values())
WORST_RATING = min(VERDICT_RATINGS.values())
CLAIM_REVIEWED_LENGTH = 75  # Google: a short summary, under 75 characters on a phone


def claim_review(claim, *, url, publisher, source_url, corrections, bases=None):
    """The ClaimReview of ``claim`` (fetched ``with_provenance``) published at ``url``.

    ``publisher`` is {"name", "url"}; ``source_url(source)`` gives the link for a source: its
    own address when the desk has one, else the desk's page about it. ``corrections`` are
    the claim's, oldest first; ``bases`` the provenance steps behind its sources, when the
    caller holds them for many claims (``Claim.origins``).
    """
    rating = {"@type": "Rating", "alternateName": claim.get_verdict_display()}
    if claim.rating is not None:  # "unverifiable" is named, not scored
        rating.update(ratingValue=claim.rating, bestRating=BEST_RATING, worstRating=WORST_RATING)
    citations = list(claim.citations.all())
    origins = claim.origins(bases)
    item = {
        "@type": "Claim",
        "text": claim.text,
        "inLanguage": claim.language,
        "appearance": [creative_work(c.source, source_url(c.source)) for c in citations],
    }
    if author := claimant(claim, origins):
        item["author"] = author
    if origins:
        item["firstAppearance"] = creative_work(origins[0], source_url(origins[0]))
    if date := claim_date(claim, citations):
        item["datePublished"] = date.isoformat()
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.excerpt(CLAIM_REVIEWED_LENGTH),
        "inLanguage": claim.language,
        "datePublished": claim.published_at.date().isoformat(),
        "dateModified": modified(claim, corrections).isoformat(),
        "author": {"@type": "Organization", **publisher},
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if corrections:
        review["correction"] = [
            {
                "@type": "CorrectionComment",
                "datePublished": change.made_at.isoformat(),
                "text": change.reason,
            }
            for change in corrections
        ]
    return review


def modified(claim, corrections):
    """When the review last changed for readers: its last correction, else its publication."""
    return corrections[-1].made_at if corrections else claim.published_at


def claimant(claim, origins):
    """Who made the claim: the desk's person (with their Wikidata page), else who the source
    where it starts names: its author, a person, or else its outlet, an organisation. Only
    when the sources name neither is the claimant the words the desk recorded ("sources
    within the delegation"): people, unnamed. None when nobody is recorded."""
    if claim.claimant_id:
        person = {"@type": "Person", "name": claim.claimant.name}
        if claim.claimant.wikidata_url:
            person["sameAs"] = claim.claimant.wikidata_url
        return person
    origin = origins[0] if origins else None
    if origin and origin.author:
        return {"@type": "Person", "name": origin.author}
    if origin and origin.outlet:
        return {"@type": "Organization", "name": origin.outlet}
    if claim.claimant_label:
        return {"@type": "Person", "name": claim.claimant_label}
    return None


def claim_date(claim, citations):
    """When the claim was made, or else when it first appeared in a dated source."""
    if claim.claimed_on:
        return claim.claimed_on
    return min((c.source.published_on for c in citations if c.source.published_on), default=None)


def creative_work(source, url):
    work = {"@type": "CreativeWork", "headline": source.title, "url": url}
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.language:
        work["inLanguage"] = source.language
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
