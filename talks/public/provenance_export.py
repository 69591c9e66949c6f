"""A claim's provenance as W3C PROV-O, in JSON-LD: for the provenance world's tools.

The claim is a ``prov:Entity`` derived from the sources it cites (``prov:wasDerivedFrom``),
quoting them (``prov:wasQuotedFrom``, with each exact quote as an entity of its own whose
``prov:value`` is the words), resting on its independent origins (``prov:hadPrimarySource``)
and attributed to its claimant (``prov:wasAttributedTo``); each source in the chain is derived
from what it rests on and attributed to its outlet or author. Records are named by the
addresses of their public pages, so nothing off the public pages is named.
"""

from django.urls import reverse

PROV = "http://www.w3.org/ns/prov#"

CONTEXT = {
    "prov": PROV,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "label": "rdfs:label",
    "value": "prov:value",
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "wasQuotedFrom": {"@id": "prov:wasQuotedFrom", "@type": "@id"},
    "hadPrimarySource": {"@id": "prov:hadPrimarySource", "@type": "@id"},
    "wasAttributedTo": {"@id": "prov:wasAttributedTo", "@type": "@id"},
    "generatedAtTime": {"@id": "prov:generatedAtTime", "@type": "xsd:dateTime"},
    "url": {"@id": "schema:url", "@type": "@id"},
    "datePublished": {"@id": "schema:datePublished", "@type": "xsd:date"},
    "location": "schema:position",
    "attribution": "schema:creditText",
    "basis": "schema:description",
}


def claim_provenance(claim, *, absolute, provenance, origins):
    """The PROV-O document of ``claim`` (loaded ``with_provenance``): ``provenance`` its
    chains (``Claim.provenance()``), ``origins`` its independent origins, ``absolute`` a
    function making a path an absolute address."""
    claim_id = absolute(claim.get_absolute_url())
    graph, agents = [], {}

    def source_id(source):
        return absolute(reverse("public:source", args=[source.slug]))

    def agent(key, label, kind, identifier=None):
        identifier = identifier or f"{claim_id}#agent-{len(agents) + 1}"
        if key not in agents:
            agents[key] = {"@id": identifier, "@type": kind, "label": label}
        return agents[key]["@id"]

    citations = list(claim.citations.all())
    quotes = []
    for number, citation in enumerate(citations, start=1):
        if citation.quote:
            quote = {
                "@id": f"{claim_id}#quote-{number}",
                "@type": "prov:Entity",
                "value": citation.quote,
                "wasQuotedFrom": source_id(citation.source),
            }
            if citation.location:
                quote["location"] = citation.location
            if citation.attribution:
                quote["attribution"] = citation.get_attribution_display()
            quotes.append(quote)

    entity = {
        "@id": claim_id,
        "@type": ["prov:Entity", "schema:Claim"],
        "label": claim.text,
        "wasDerivedFrom": [source_id(c.source) for c in citations] + [q["@id"] for q in quotes],
        "wasQuotedFrom": sorted({q["wasQuotedFrom"] for q in quotes}),
        "hadPrimarySource": [source_id(s) for origin in origins for s in origin.sources],
    }
    if claim.published_at:
        entity["generatedAtTime"] = claim.published_at.isoformat()
    if claim.claimant_id:
        entity["wasAttributedTo"] = agent(
            ("person", claim.claimant_id),
            claim.claimant.name,
            "prov:Person",
            absolute(claim.claimant.get_absolute_url()),
        )
    elif claim.claimant_label:
        entity["wasAttributedTo"] = agent(
            ("label", claim.claimant_label), claim.claimant_label, "prov:Agent"
        )
    graph.append(entity)
    graph.extend(quotes)

    seen = set()
    for tree in provenance:
        for step in tree.walk():
            if step.source.pk in seen:
                continue
            seen.add(step.source.pk)
            graph.append(_source_entity(step, source_id, agent))
    graph.extend(agents.values())
    return {"@context": CONTEXT, "@graph": graph}


def _source_entity(step, source_id, agent):
    source = step.source
    node = {
        "@id": source_id(source),
        "@type": "prov:Entity",
        "label": source.title,
        "basis": source.get_reporting_display(),
    }
    derived = [source_id(basis.source) for basis in step.bases]
    derived += [source_id(other) for other in step.circles_back_to]
    if derived:
        node["wasDerivedFrom"] = derived
    if source.web_url:
        node["url"] = source.web_url
    if source.published_on:
        node["datePublished"] = source.published_on.isoformat()
    if source.is_unnamed:
        node["wasAttributedTo"] = agent(
            ("unnamed", source.pk), f"Unnamed: {source.title}", "prov:Agent"
        )
    elif source.outlet:
        node["wasAttributedTo"] = agent(
            ("outlet", source.outlet), source.outlet, "prov:Organization"
        )
    elif source.author:
        node["wasAttributedTo"] = agent(("author", source.author), source.author, "prov:Person")
    return node
