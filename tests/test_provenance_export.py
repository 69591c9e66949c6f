"""The claim's chain as W3C PROV-O: JSON-LD that a JSON-LD processor (pyld) reads without
fetching anything, with the claim derived from its sources, quoting them, resting on its
origins and attributed to its claimant."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from pyld import jsonld

from .conftest import SEED_FIXTURE
from .test_public_pages import links

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    call_command("import_fixtures", str(SEED_FIXTURE), stdout=StringIO())


PROV = "http://www.w3.org/ns/prov#"
HOST = "http://testserver"


def expanded(client, slug):
    response = client.get(f"/claims/{slug}/provenance.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    nodes = jsonld.expand(json.loads(response.content))
    return {node["@id"]: node for node in nodes}


def ids(node, term):
    return [value["@id"] for value in node.get(PROV + term, [])]


def test_the_prov_o_export_parses_and_follows_the_chain_to_the_unnamed_origin(seed, client):
    nodes = expanded(client, "miami-talks-concluded")
    claim = nodes[f"{HOST}/claims/miami-talks-concluded/"]
    assert PROV + "Entity" in claim["@type"]
    article = f"{HOST}/sources/article-2025-12-05-miami-talks/"
    suspilne = f"{HOST}/sources/suspilne-report-miami-talks-concluded/"
    briefing = f"{HOST}/sources/ukrainian-delegation-sources-miami-talks/"
    assert set(ids(claim, "wasDerivedFrom")) >= {article, suspilne, briefing}
    assert set(ids(claim, "wasQuotedFrom")) == {article, suspilne, briefing}
    assert ids(claim, "hadPrimarySource") == [briefing]
    (agent,) = ids(claim, "wasAttributedTo")
    assert nodes[agent]["http://www.w3.org/2000/01/rdf-schema#label"][0]["@value"] == (
        "Sources within the delegation"
    )
    assert ids(nodes[article], "wasDerivedFrom") == [suspilne]
    assert ids(nodes[suspilne], "wasDerivedFrom") == [briefing]
    (unnamed,) = ids(nodes[briefing], "wasAttributedTo")
    assert nodes[unnamed]["@type"] == [PROV + "Agent"]
    quotes = [node for node in nodes.values() if PROV + "value" in node]
    assert {ids(quote, "wasQuotedFrom")[0] for quote in quotes} == {article, suspilne, briefing}
    # As RDF: every statement is a triple a store can load.
    triples = jsonld.to_rdf(
        json.loads(client.get("/claims/miami-talks-concluded/provenance.jsonld").content),
        {"format": "application/n-quads"},
    )
    assert (
        f"<{f'{HOST}/claims/miami-talks-concluded/'}> <{PROV}hadPrimarySource> <{briefing}>"
        in triples
    )


def test_a_named_claimant_is_the_agent_and_the_page_links_the_export(seed, client):
    nodes = expanded(client, "umerov-clear-directives-from-president")
    claim = nodes[f"{HOST}/claims/umerov-clear-directives-from-president/"]
    assert ids(claim, "wasAttributedTo") == [f"{HOST}/people/rustem-umerov/"]
    assert nodes[f"{HOST}/people/rustem-umerov/"]["@type"] == [PROV + "Person"]

    page = client.get("/claims/umerov-clear-directives-from-president/")
    html = page.content.decode()
    export = "/claims/umerov-clear-directives-from-president/provenance.jsonld"
    assert f'<link rel="alternate" type="application/ld+json" href="{export}"' in html
    assert export in links(page)


def test_an_unpublished_claim_has_no_export(seed, client):
    assert (
        client.get("/claims/follow-up-with-bidens-negotiators/provenance.jsonld").status_code == 404
    )
