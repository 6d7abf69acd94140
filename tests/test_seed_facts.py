"""Every fact of both seed documents is in the graph, inside the named graph of the document stating it;
and what the documents do not say is not there."""

from __future__ import annotations

import pytest

from casegraph.store import CaseStore

USCIRF = "<source/uscirf-gulmira-imin>"
HRW = "<source/hrw-ikram-nurmehmet>"

# (id, source graph, triple patterns that must all hold inside that graph), in the documents' order.
FACTS: list[tuple[str, str, str]] = [
    # --- USCIRF, Freedom of Religion or Belief Victims List: Gulmira Imin
    ("gulmira-key-fact-uyghur-muslim", USCIRF, "<person/gulmira-imin> cg:ethnicity cg:ethnicity-uyghur ; cg:religion cg:religion-islam"),
    ("gulmira-website-administrator", USCIRF, '<person/gulmira-imin> cg:occupation "website administrator"@en'),
    ("gulmira-detained-since-2009-07-14", USCIRF, '?e a cg:Detention ; cg:concerns <person/gulmira-imin> ; cg:date "2009-07-14"^^xsd:date'),
    ("gulmira-former-web-administrator-of-salkin", USCIRF, "?r cg:holder <person/gulmira-imin> ; cg:organisation <organisation/salkin> ; cg:former true"),
    ("salkin-is-a-uyghur-language-website", USCIRF, '<organisation/salkin> a cg:Website ; schema:description ?d FILTER(CONTAINS(?d, "Uyghur-language"))'),
    ("gulmira-government-employee-in-urumqi", USCIRF, '?r cg:holder <person/gulmira-imin> ; cg:roleName "government employee"@en ; cg:place <place/urumqi>'),
    ("urumqi-capital-of-xinjiang", USCIRF, "<place/urumqi> cg:capitalOf <place/xinjiang>"),
    ("xinjiang-in-northwest-china", USCIRF, '<place/xinjiang> cg:locatedIn <place/china> ; schema:description ?d FILTER(CONTAINS(?d, "northwest"))'),
    ("xinjiang-home-to-most-uyghurs", USCIRF, '<place/xinjiang> schema:description ?d FILTER(CONTAINS(?d, "majority"))'),
    ("gulmira-born-1978", USCIRF, '<person/gulmira-imin> cg:birthDate "1978"^^xsd:gYear'),
    ("gulmira-born-in-aksu", USCIRF, "<person/gulmira-imin> cg:birthPlace <place/aksu> . <place/aksu> cg:locatedIn <place/xinjiang>"),
    ("gulmira-graduated-2000", USCIRF, '?e a cg:Study ; cg:concerns <person/gulmira-imin> ; cg:date "2000"^^xsd:gYear ; cg:organisation ?d . ?d cg:partOf <organisation/xinjiang-university>'),
    ("gulmira-moderator-spring-2009", USCIRF, '?r cg:holder <person/gulmira-imin> ; cg:roleName "moderator"@en ; cg:startDate "2009"^^xsd:gYear ; cg:dateNote "spring"@en'),
    ("gulmira-contributed-poetry-and-stories", USCIRF, '?r cg:holder <person/gulmira-imin> ; cg:organisation <organisation/salkin> ; cg:roleName ?n FILTER(CONTAINS(?n, "poetry"))'),
    ("gulmira-writings-criticised-policies", USCIRF, '?r cg:holder <person/gulmira-imin> ; schema:description ?d FILTER(CONTAINS(?d, "criticised government policies"))'),
    ("gulmira-at-2009-07-05-demonstration", USCIRF, '?e a cg:Protest ; cg:date "2009-07-05"^^xsd:date ; cg:attendee <person/gulmira-imin>'),
    ("demonstration-against-deaths-in-guangdong", USCIRF, "?e a cg:Protest ; cg:protestedAgainst ?d . ?d cg:place <place/guangdong>"),
    ("about-200-killed", USCIRF, '?e a cg:Protest ; cg:reportedDeaths 200 ; cg:quantityNote "about"@en ; schema:description ?d FILTER(CONTAINS(?d, "Han Chinese"))'),
    ("gulmira-arrested-in-aksu", USCIRF, "?e a cg:Detention ; cg:concerns <person/gulmira-imin> ; cg:place <place/aksu>"),
    ("arrest-grounds-organising", USCIRF, '?e a cg:Detention ; cg:statedReason ?r FILTER(CONTAINS(?r, "organised the protests"))'),
    ("arrest-grounds-announcement-on-salkin", USCIRF, '?e a cg:Detention ; cg:statedReason ?r FILTER(CONTAINS(?r, "announcement"))'),
    ("arrest-grounds-leaking-secrets-to-husband", USCIRF, '?e a cg:Detention ; cg:statedReason ?r FILTER(CONTAINS(?r, "state secrets by phone"))'),
    ("gulmira-husband-in-norway", USCIRF, "<person/gulmira-imin> cg:spouse ?h . ?h a cg:UnidentifiedPerson ; cg:basedIn <place/norway>"),
    ("family-not-notified-of-arrest", USCIRF, "?n a cg:FamilyNotification ; cg:notified false ; cg:notificationOf ?e . ?e a cg:Detention"),
    ("cctv-documentary-october-2009", USCIRF, '?b a cg:Broadcast ; cg:agent <organisation/cctv> ; cg:date "2009-10"^^xsd:gYearMonth ; cg:depicts <person/gulmira-imin>'),
    ("sentenced-2010-04-01-by-urumqi-court", USCIRF, '?v a cg:Verdict ; cg:concerns <person/gulmira-imin> ; cg:date "2010-04-01"^^xsd:date ; cg:court <court/urumqi-intermediate-peoples-court>'),
    ("sentenced-to-life", USCIRF, "?v a cg:Verdict ; cg:concerns <person/gulmira-imin> ; cg:sentence ?s . ?s cg:penalty cg:penalty-life"),
    ("under-articles-103-111-296", USCIRF, "?v cg:article ?a, ?b, ?c . ?a cg:articleNumber \"103\" . ?b cg:articleNumber \"111\" . ?c cg:articleNumber \"296\""),
    ("articles-of-chinas-criminal-law", USCIRF, "?a cg:articleNumber \"103\" ; cg:articleOf <law/prc-criminal-law>"),
    ("charges-splittism-secrets-demonstration", USCIRF, '?v cg:charge ?a, ?b, ?c . ?a skos:prefLabel "splittism"@en . ?b skos:prefLabel "leaking state secrets"@en . ?c skos:prefLabel "organizing an illegal demonstration"@en'),
    ("alleges-torture", USCIRF, "?a cg:allegationKind cg:allegation-torture ; cg:allegedBy <person/gulmira-imin> ; cg:during ?e . ?e a cg:Detention"),
    ("alleges-forced-to-sign", USCIRF, "?a cg:allegationKind cg:allegation-coerced-statement ; cg:allegedBy <person/gulmira-imin>"),
    ("lawyer-only-at-trial-reportedly", USCIRF, '?a cg:allegationKind cg:allegation-denial-of-counsel ; cg:attribution "reportedly"@en ; cg:during ?t . ?t a cg:Trial'),
    ("appeal-rejected", USCIRF, "?a a cg:Appeal ; cg:concerns <person/gulmira-imin> ; cg:outcome cg:outcome-rejected"),
    ("held-in-xinjiang-womens-prison", USCIRF, "?c a cg:Custody ; cg:concerns <person/gulmira-imin> ; cg:facility <facility/xinjiang-womens-prison> ; cg:current true"),
    ("womens-prison-is-no-2-prison-in-urumqi", USCIRF, '<facility/xinjiang-womens-prison> skos:altLabel "Xinjiang No. 2 Prison"@en ; cg:locatedIn <place/urumqi>'),
    ("one-family-visit-every-three-months", USCIRF, '?c a cg:Custody ; cg:visitRule "one family visit every three months"@en'),
    ("reduced-to-19-years-8-months", USCIRF, '?c a cg:SentenceChange ; cg:previousSentence ?old ; cg:sentence ?new . ?old cg:penalty cg:penalty-life . ?new cg:term "P19Y8M"^^xsd:yearMonthDuration'),
    ("reduction-reported-june-2021", USCIRF, '?c a cg:SentenceChange ; cg:reportedDate "2021-06"^^xsd:gYearMonth'),
    ("reduction-by-xinjiang-authorities", USCIRF, "?c a cg:SentenceChange ; cg:agent <organisation/xinjiang-authorities>"),
    ("reduction-after-2017-statement", USCIRF, '?c a cg:SentenceChange ; cg:follows ?s . ?s a cg:PublicStatement ; cg:speaker <person/gulmira-imin> ; cg:date "2017"^^xsd:gYear'),
    ("statement-videotaped", USCIRF, '?s a cg:PublicStatement ; schema:description ?d FILTER(CONTAINS(?d, "videotaped"))'),
    ("statement-likely-forced-say-supporters", USCIRF, '?a cg:allegationKind cg:allegation-coerced-statement ; cg:attribution "activists and her supporters"@en'),
    ("video-shown-in-prisons-and-camps", USCIRF, "?b a cg:Broadcast ; cg:records ?s ; cg:agent <organisation/xinjiang-authorities> . ?s a cg:PublicStatement"),
    ("according-to-a-policeman", USCIRF, "?b a cg:Broadcast ; cg:accordingTo ?p . ?p a cg:UnidentifiedPerson ; cg:occupation \"policeman\"@en"),
    ("policeman-worked-at-yanbulaq-and-opal", USCIRF, "?r1 cg:holder ?p ; cg:facility <facility/yanbulaq-prison> . ?r2 cg:holder ?p ; cg:facility <facility/opal-internment-camp>"),
    ("yanbulaq-in-kashgar", USCIRF, "<facility/yanbulaq-prison> cg:locatedIn <place/kashgar>"),
    ("forb-victims-list-by-uscirf", USCIRF, "<publication/uscirf-forb-victims-list> dcterms:publisher <organisation/uscirf>"),
    # --- HRW, 17 October 2024: China: Free Unjustly Convicted Uyghur Filmmaker
    ("hrw-calls-for-release", HRW, '?s a cg:PublicStatement ; cg:speaker <organisation/human-rights-watch> ; cg:concerns <person/ikram-nurmehmet> ; cg:date "2024-10-17"^^xsd:date'),
    ("ikram-filmmaker-and-director", HRW, '<person/ikram-nurmehmet> cg:occupation "filmmaker"@en, "director"@en ; cg:ethnicity cg:ethnicity-uyghur'),
    ("ikram-six-and-a-half-years", HRW, '?v cg:concerns <person/ikram-nurmehmet> ; cg:sentence ?s . ?s cg:term "P6Y6M"^^xsd:yearMonthDuration'),
    ("ikram-convicted-january-2024-by-urumqi-court", HRW, '?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet> ; cg:date "2024-01"^^xsd:gYearMonth ; cg:court <court/urumqi-intermediate-peoples-court>'),
    ("urumqi-court-in-xinjiang", HRW, "<court/urumqi-intermediate-peoples-court> cg:locatedIn <place/xinjiang>"),
    ("ikram-aged-33", HRW, "<person/ikram-nurmehmet> cg:reportedAge 33"),
    ("charge-terrorist-activities", HRW, '?v cg:concerns <person/ikram-nurmehmet> ; cg:charge ?c . ?c skos:prefLabel "actively participating in terrorist activities"@en'),
    ("studied-in-turkey-2010-2016", HRW, '?e a cg:Study ; cg:concerns <person/ikram-nurmehmet> ; cg:place <place/turkey> ; cg:startDate "2010"^^xsd:gYear ; cg:endDate "2016"^^xsd:gYear'),
    ("per-knowledgeable-sources", HRW, '?v cg:concerns <person/ikram-nurmehmet> ; cg:attribution ?a FILTER(CONTAINS(?a, "knowledgeable sources"))'),
    ("dark-room-20-days", HRW, '?a cg:allegationKind cg:allegation-incommunicado ; cg:allegedBy <person/ikram-nurmehmet> ; skos:prefLabel ?l FILTER(CONTAINS(?l, "20 days"))'),
    ("tortured-into-false-confession", HRW, "?a cg:allegationKind cg:allegation-torture, cg:allegation-forced-confession ; cg:allegedBy <person/ikram-nurmehmet>"),
    ("confession-and-permit-sole-basis", HRW, '?v cg:concerns <person/ikram-nurmehmet> ; cg:evidence "possession of a Turkish residency permit"@en, ?c FILTER(CONTAINS(?c, "false confession"))'),
    ("parents-and-wife-attended-trial", HRW, "?t a cg:Trial ; cg:attendee <person/ikram-nurmehmet-wife>, <person/ikram-nurmehmet-parent-1>, <person/ikram-nurmehmet-parent-2>"),
    ("ikram-wife-and-parents", HRW, "<person/ikram-nurmehmet> cg:spouse <person/ikram-nurmehmet-wife> ; cg:parent <person/ikram-nurmehmet-parent-1>, <person/ikram-nurmehmet-parent-2>"),
    ("family-told-2024-08-23", HRW, '?n a cg:FamilyNotification ; cg:concerns <person/ikram-nurmehmet> ; cg:notified true ; cg:date "2024-08-23"^^xsd:date'),
    ("family-not-told-for-half-a-year", HRW, "?a cg:allegationKind cg:allegation-family-not-notified ; cg:concerns <person/ikram-nurmehmet>"),
    ("maya-wang-associate-china-director", HRW, '?r cg:holder <person/maya-wang> ; cg:organisation <organisation/human-rights-watch> ; cg:roleName "associate China director"@en'),
    ("maya-wang-two-statements", HRW, '?a cg:speaker <person/maya-wang> ; cg:reportedDate "2024-10-17"^^xsd:date . ?b cg:speaker <person/maya-wang> FILTER(?a != ?b)'),
    ("strike-hard-begun-by-chinese-government", HRW, "<campaign/strike-hard> cg:agent <organisation/chinese-government>"),
    ("ikram-held-in-urumqi-no-1", HRW, "?c a cg:Custody ; cg:concerns <person/ikram-nurmehmet> ; cg:facility <facility/urumqi-no-1-detention-center> ; cg:current true"),
    ("four-unidentified-uyghurs-convicted", HRW, "<person/ikram-nurmehmet> cg:coDefendant ?a, ?b, ?c, ?d . ?a a cg:UnidentifiedPerson ; cg:ethnicity cg:ethnicity-uyghur . ?v a cg:Verdict ; cg:concerns ?d ; cg:outcome cg:outcome-convicted FILTER(?a != ?b && ?a != ?c && ?a != ?d && ?b != ?c && ?b != ?d && ?c != ?d)"),
    ("criminal-procedure-law-prohibits-torture-evidence", HRW, '<law/prc-criminal-procedure-law> schema:description ?d FILTER(CONTAINS(?d, "evidence obtained through torture") && CONTAINS(?d, "acquit"))'),
    ("strike-hard-since-late-2016-in-uyghur-region", HRW, '<campaign/strike-hard> cg:startDate "2016"^^xsd:gYear ; cg:dateNote "late 2016"@en ; cg:region <place/xinjiang>'),
    ("campaign-pressure-on-police-and-judiciary", HRW, '<campaign/strike-hard> schema:description ?d FILTER(CONTAINS(?d, "procuratorate"))'),
    ("foreign-ties-punishable", HRW, "<policy/foreign-ties-punishable> cg:partOfCampaign <campaign/strike-hard> ; cg:agent <organisation/xinjiang-authorities>"),
    ("26-sensitive-countries-include-turkey", HRW, "<policy/26-sensitive-countries> cg:listSize 26 ; cg:listsCountry <place/turkey>"),
    ("foreign-ties-campaign-ongoing", HRW, '<policy/foreign-ties-punishable> schema:description ?d FILTER(CONTAINS(?d, "ongoing"))'),
    ("tahir-imin-us-based-uyghur-activist-42", HRW, '<person/tahir-imin> cg:basedIn <place/united-states> ; cg:occupation "activist"@en ; cg:ethnicity cg:ethnicity-uyghur ; cg:reportedAge 42'),
    ("tahir-imin-said-so-in-2024", HRW, '?s cg:speaker <person/tahir-imin> ; cg:date "2024"^^xsd:gYear'),
    ("six-business-partners", HRW, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { <person/tahir-imin> cg:businessPartner ?p . ?p a cg:UnidentifiedPerson } HAVING (COUNT(DISTINCT ?p) = 6)"),
    ("partners-12-to-15-years-for-separatism-by-urumqi-court", HRW, '?v cg:concerns <person/tahir-imin-business-partner-3> ; cg:court <court/urumqi-intermediate-peoples-court> ; cg:accordingTo <person/tahir-imin> ; cg:charge/skos:prefLabel "separatism"@en ; cg:sentence ?s . ?s cg:minimumTerm "P12Y"^^xsd:yearMonthDuration ; cg:maximumTerm "P15Y"^^xsd:yearMonthDuration'),
    ("because-of-association-with-him", HRW, '?v cg:concerns <person/tahir-imin-business-partner-1> ; cg:statedReason "because of their association with Tahir Imin"@en'),
    ("wang-governments-should-confront", HRW, '?s cg:speaker <person/maya-wang> ; cg:concerns <person/tahir-imin-business-partner-6> ; schema:description ?d FILTER(CONTAINS(?d, "confront"))'),
]

CATALOG_FACTS: list[tuple[str, str]] = [
    ("uscirf-title-publisher-address", '<source/uscirf-gulmira-imin> dcterms:title "Gulmira Imin"@en ; dcterms:publisher <organisation/uscirf> ; schema:url <https://www.uscirf.gov/religious-prisoners-conscience/current-rpocs/gulmira-imin> ; cg:addressStatus cg:address-confirmed ; dcterms:isPartOf <publication/uscirf-forb-victims-list>'),
    ("uscirf-has-no-publication-date", '<source/uscirf-gulmira-imin> cg:dateNote ?n FILTER NOT EXISTS { <source/uscirf-gulmira-imin> dcterms:issued ?any }'),
    ("hrw-title-publisher-date-dateline", '<source/hrw-ikram-nurmehmet> dcterms:title "China: Free Unjustly Convicted Uyghur Filmmaker"@en ; dcterms:publisher <organisation/human-rights-watch> ; dcterms:issued "2024-10-17"^^xsd:date ; cg:dateline <place/new-york> ; cg:sourceKind cg:source-news-release'),
    ("hrw-address-unconfirmed", "<source/hrw-ikram-nurmehmet> cg:addressStatus cg:address-unconfirmed"),
]

# What neither document says, and so must appear nowhere in the store.
ABSENT: list[tuple[str, str]] = [
    ("gulmira-and-tahir-imin-unrelated", "{ <person/gulmira-imin> ?p <person/tahir-imin> } UNION { <person/tahir-imin> ?p <person/gulmira-imin> }"),
    ("no-ages-turned-into-birth-years", "VALUES ?p { <person/ikram-nurmehmet> <person/tahir-imin> } ?p cg:birthDate ?d"),
    ("urumqi-no-1-location-not-guessed-from-name", "<facility/urumqi-no-1-detention-center> cg:locatedIn ?place"),
    ("partners-ethnicity-not-stated", "?p cg:businessPartner|^cg:businessPartner <person/tahir-imin> ; cg:ethnicity ?e"),
    ("partners-not-said-to-be-co-defendants", "?a cg:coDefendant ?b . ?a cg:businessPartner|^cg:businessPartner <person/tahir-imin>"),
    ("partners-sentencing-undated", "?v a cg:Verdict ; cg:concerns <person/tahir-imin-business-partner-1> ; cg:date ?d"),
    ("reduction-has-no-event-date", "?c a cg:SentenceChange ; cg:date ?d"),
    ("demonstration-place-not-stated", "?e a cg:Protest ; cg:place ?p"),
    ("charges-not-paired-with-articles", "?c a cg:Charge ; cg:restsOn ?a"),
    ("hrw-address-not-guessed", "<source/hrw-ikram-nurmehmet> schema:url ?u"),
    ("maya-wang-statements-not-dated-as-events", "?s cg:speaker <person/maya-wang> ; cg:date ?d"),
    ("co-defendants-trial-not-invented", "?v cg:concerns <person/ikram-nurmehmet-co-defendant-1> ; cg:court|cg:date ?x"),
    ("no-names-in-other-scripts-without-a-source", '?p a cg:Person ; skos:prefLabel ?l FILTER(lang(?l) != "en")'),
]


@pytest.mark.parametrize(("source", "pattern"), [(s, p) for _, s, p in FACTS], ids=[i for i, _, _ in FACTS])
def test_fact_is_stated_by_its_source(store: CaseStore, source: str, pattern: str) -> None:
    body = f"{{ {pattern} }}" if pattern.startswith("SELECT") else pattern  # a subquery needs its own braces
    query = f"ASK {{ GRAPH {source} {{ {body} }} }}"
    assert bool(store.query(query)), f"not in {source}: {pattern}"


@pytest.mark.parametrize("pattern", [p for _, p in CATALOG_FACTS], ids=[i for i, _ in CATALOG_FACTS])
def test_source_is_described_in_the_catalog(store: CaseStore, pattern: str) -> None:
    assert bool(store.query(f"ASK {{ GRAPH <graph/sources> {{ {pattern} }} }}"))


@pytest.mark.parametrize("pattern", [p for _, p in ABSENT], ids=[i for i, _ in ABSENT])
def test_what_no_source_says_is_not_in_the_graph(store: CaseStore, pattern: str) -> None:
    assert not bool(store.query(f"ASK {{ {pattern} }}"))


def test_every_fact_sits_in_the_graph_of_the_source_that_states_it(store: CaseStore) -> None:
    # A fact of one document must not be attributed to the other: Ikram Nurmehmet is not in USCIRF's graph.
    assert not bool(store.query(f"ASK {{ GRAPH {USCIRF} {{ <person/ikram-nurmehmet> ?p ?o }} }}"))
    assert not bool(store.query(f"ASK {{ GRAPH {HRW} {{ <person/gulmira-imin> ?p ?o }} }}"))
