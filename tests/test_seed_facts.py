"""Every fact of both seed documents is in the graph, inside the named graph of the document stating it;
and what the documents do not say is not there.

The seed documents are /work/shared/seeds/uscirf-gulmira-imin.txt and hrw-ikram-nurmehmet.txt (metadata in
their README). Each row of FACTS is one fact: an id "<source>:<fact>", the graph it must hold in, and a
SPARQL group pattern (relative IRIs resolve against the store's base). A source's own description (title,
publisher, date, address) lives in the catalog graph <graph/sources>; every other fact lives in the graph
named after its source document. Each row of ABSENT is a pattern that must match nowhere in the store.
"""

from __future__ import annotations

import pytest

from graph.store.seam import Store

USCIRF = "<source/uscirf-gulmira-imin>"
HRW = "<source/hrw-ikram-nurmehmet>"
CATALOG = "<graph/sources>"

# (id, graph, group pattern that must hold inside that graph), in the documents' order.
# A pattern starting with SELECT is a subquery (for counts) and is wrapped in its own braces.
FACTS: list[tuple[str, str, str]] = [
    # ================= USCIRF, Freedom of Religion or Belief Victims List: "Gulmira Imin" =================
    # --- the source (README: publisher, title, address, no publication date)
    ("uscirf:source-title", CATALOG, '<source/uscirf-gulmira-imin> a cg:SourceDocument ; dcterms:title "Gulmira Imin"@en'),
    ("uscirf:source-publisher-uscirf", CATALOG, "<source/uscirf-gulmira-imin> dcterms:publisher <organisation/uscirf>"),
    ("uscirf:source-kind-victims-list-entry", CATALOG, "<source/uscirf-gulmira-imin> cg:sourceKind cg:source-victims-list-entry"),
    ("uscirf:source-part-of-forb-victims-list", CATALOG, "<source/uscirf-gulmira-imin> dcterms:isPartOf <publication/uscirf-forb-victims-list>"),
    ("uscirf:source-address-confirmed", CATALOG, "<source/uscirf-gulmira-imin> schema:url <https://www.uscirf.gov/religious-prisoners-conscience/current-rpocs/gulmira-imin> ; cg:addressStatus cg:address-confirmed"),
    ("uscirf:source-undated-cites-june-2021", CATALOG, '<source/uscirf-gulmira-imin> cg:dateNote ?n FILTER(CONTAINS(?n, "No publication date") && CONTAINS(?n, "June 2021"))'),
    ("uscirf:uscirf-name", USCIRF, '<organisation/uscirf> skos:prefLabel "U.S. Commission on International Religious Freedom"@en ; skos:altLabel "USCIRF"@en'),
    ("uscirf:forb-victims-list-by-uscirf", USCIRF, '<publication/uscirf-forb-victims-list> a cg:Publication ; skos:prefLabel "Freedom of Religion or Belief Victims List"@en ; skos:altLabel "FoRB Victims List"@en ; dcterms:publisher <organisation/uscirf>'),
    ("uscirf:forb-victims-list-highlights-victims-of-religion", USCIRF, '<publication/uscirf-forb-victims-list> schema:description ?d FILTER(CONTAINS(?d, "religion or belief"))'),
    # --- Key Fact / Detained Since
    ("uscirf:gulmira-uyghur", USCIRF, "<person/gulmira-imin> a cg:Person ; cg:ethnicity cg:ethnicity-uyghur"),
    ("uscirf:gulmira-muslim", USCIRF, "<person/gulmira-imin> cg:religion cg:religion-islam"),
    ("uscirf:gulmira-female", USCIRF, "<person/gulmira-imin> cg:gender cg:gender-female"),
    ("uscirf:gulmira-website-administrator", USCIRF, '<person/gulmira-imin> cg:occupation "website administrator"@en'),
    ("uscirf:gulmira-detained-since-2009-07-14", USCIRF, '?e a cg:Detention ; cg:concerns <person/gulmira-imin> ; cg:date "2009-07-14"^^xsd:date'),
    # --- "former web administrator for the Uighur-language website Salkin ... government employee in Urumqi"
    ("uscirf:gulmira-former-web-administrator-of-salkin", USCIRF, '?r a cg:Role ; cg:holder <person/gulmira-imin> ; cg:organisation <organisation/salkin> ; cg:roleName "web administrator"@en ; cg:former true'),
    ("uscirf:salkin-uyghur-language-culture-and-news-website", USCIRF, '<organisation/salkin> a cg:Website ; skos:prefLabel "Salkin"@en ; schema:description ?d FILTER(CONTAINS(?d, "Uyghur-language") && CONTAINS(?d, "culture and news"))'),
    ("uscirf:gulmira-government-employee-in-urumqi", USCIRF, '<person/gulmira-imin> cg:occupation "government employee"@en . ?r cg:holder <person/gulmira-imin> ; cg:roleName "government employee"@en ; cg:place <place/urumqi>'),
    ("uscirf:urumqi-capital-of-xinjiang", USCIRF, "<place/urumqi> cg:placeKind cg:place-city ; cg:capitalOf <place/xinjiang>"),
    ("uscirf:xinjiang-uyghur-autonomous-region-names", USCIRF, '<place/xinjiang> skos:prefLabel "Xinjiang Uyghur Autonomous Region"@en ; skos:altLabel "Xinjiang Uighur Autonomous Region"@en ; cg:placeKind cg:place-region'),
    ("uscirf:xinjiang-in-northwest-china", USCIRF, '<place/xinjiang> cg:locatedIn <place/china> ; schema:description ?d FILTER(CONTAINS(?d, "northwest China")) . <place/china> cg:placeKind cg:place-country'),
    ("uscirf:xinjiang-home-to-majority-of-uyghur-muslims", USCIRF, '<place/xinjiang> schema:description ?d FILTER(CONTAINS(?d, "majority") && CONTAINS(?d, "Uyghur Muslim"))'),
    # --- born 1978 in Aksu in Xinjiang; graduated 2000
    ("uscirf:gulmira-born-1978", USCIRF, '<person/gulmira-imin> cg:birthDate "1978"^^xsd:gYear'),
    ("uscirf:gulmira-born-in-aksu", USCIRF, "<person/gulmira-imin> cg:birthPlace <place/aksu>"),
    ("uscirf:aksu-in-xinjiang", USCIRF, '<place/aksu> skos:prefLabel "Aksu"@en ; cg:locatedIn <place/xinjiang>'),
    ("uscirf:gulmira-graduated-2000-translation-department", USCIRF, '?e a cg:Study ; cg:concerns <person/gulmira-imin> ; cg:date "2000"^^xsd:gYear ; cg:organisation ?d . ?d cg:partOf <organisation/xinjiang-university> ; skos:prefLabel ?l FILTER(CONTAINS(?l, "Chinese-Uyghur translation department"))'),
    ("uscirf:xinjiang-university", USCIRF, '<organisation/xinjiang-university> skos:prefLabel "Xinjiang University"@en'),
    # --- spring 2009 moderator of Salkin; earlier poetry and short stories; writings criticised policies
    ("uscirf:gulmira-moderator-of-salkin-spring-2009", USCIRF, '?r cg:holder <person/gulmira-imin> ; cg:organisation <organisation/salkin> ; cg:roleName "moderator"@en ; cg:startDate "2009"^^xsd:gYear ; cg:dateNote "spring"@en'),
    ("uscirf:gulmira-contributed-poetry-and-short-stories", USCIRF, '?r cg:holder <person/gulmira-imin> ; cg:organisation <organisation/salkin> ; cg:roleName ?n FILTER(CONTAINS(?n, "poetry") && CONTAINS(?n, "short stories"))'),
    ("uscirf:gulmira-writings-criticised-government-policies", USCIRF, '?r cg:holder <person/gulmira-imin> ; schema:description ?d FILTER(CONTAINS(?d, "criticised government policies"))'),
    # --- 5 July 2009 demonstration
    ("uscirf:gulmira-at-demonstration-2009-07-05", USCIRF, '?e a cg:Protest ; cg:date "2009-07-05"^^xsd:date ; cg:attendee <person/gulmira-imin>'),
    ("uscirf:demonstration-against-deaths-of-uyghur-migrant-workers-in-guangdong", USCIRF, '?e a cg:Protest ; cg:protestedAgainst ?d . ?d cg:place <place/guangdong> ; skos:prefLabel ?l FILTER(CONTAINS(?l, "migrant workers"))'),
    ("uscirf:guangdong-province", USCIRF, '<place/guangdong> skos:prefLabel "Guangdong Province"@en ; cg:placeKind cg:place-province'),
    ("uscirf:demonstration-peaceful-then-violent", USCIRF, '?e a cg:Protest ; schema:description ?d FILTER(CONTAINS(?d, "major demonstration") && CONTAINS(?d, "initially peaceful") && CONTAINS(?d, "turned violent"))'),
    ("uscirf:about-200-killed-including-han-chinese", USCIRF, '?e a cg:Protest ; cg:reportedDeaths 200 ; cg:quantityNote "about"@en ; schema:description ?d FILTER(CONTAINS(?d, "Han Chinese") && CONTAINS(?d, "confrontations with police"))'),
    # --- arrest on 14 July 2009 in Aksu, and what the authorities alleged
    ("uscirf:gulmira-arrested-2009-07-14-in-aksu", USCIRF, '?e a cg:Detention ; cg:concerns <person/gulmira-imin> ; cg:date "2009-07-14"^^xsd:date ; cg:place <place/aksu>'),
    ("uscirf:arrest-ground-organised-the-protests", USCIRF, '?e a cg:Detention ; cg:concerns <person/gulmira-imin> ; cg:statedReason ?r FILTER(CONTAINS(?r, "authorities alleged") && CONTAINS(?r, "organised the protests"))'),
    ("uscirf:arrest-ground-announcement-on-salkin", USCIRF, '?e a cg:Detention ; cg:concerns <person/gulmira-imin> ; cg:statedReason ?r FILTER(CONTAINS(?r, "announcement") && CONTAINS(?r, "Salkin"))'),
    ("uscirf:arrest-ground-leaked-secrets-by-phone-to-husband", USCIRF, '?e a cg:Detention ; cg:concerns <person/gulmira-imin> ; cg:statedReason ?r FILTER(CONTAINS(?r, "state secrets by phone") && CONTAINS(?r, "husband in Norway"))'),
    ("uscirf:gulmira-has-unidentified-husband", USCIRF, "<person/gulmira-imin> cg:spouse ?h . ?h a cg:UnidentifiedPerson ; cg:gender cg:gender-male"),
    ("uscirf:husband-in-norway", USCIRF, "<person/gulmira-imin> cg:spouse ?h . ?h cg:basedIn <place/norway>"),
    # --- family not notified; unaware of her location until the October 2009 CCTV documentary
    ("uscirf:family-not-notified-of-arrest", USCIRF, "?n a cg:FamilyNotification ; cg:concerns <person/gulmira-imin> ; cg:notified false ; cg:notificationOf ?e . ?e a cg:Detention ; cg:concerns <person/gulmira-imin>"),
    ("uscirf:family-not-notified-allegation", USCIRF, "?a a cg:Allegation ; cg:concerns <person/gulmira-imin> ; cg:allegationKind cg:allegation-family-not-notified ; cg:during ?e . ?e a cg:Detention"),
    ("uscirf:family-unaware-of-location-until-documentary", USCIRF, '?n a cg:FamilyNotification ; cg:concerns <person/gulmira-imin> ; schema:description ?d FILTER(CONTAINS(?d, "October 2009") && CONTAINS(?d, "documentary"))'),
    ("uscirf:cctv-documentary-october-2009", USCIRF, '?b a cg:Broadcast ; cg:agent <organisation/cctv> ; cg:date "2009-10"^^xsd:gYearMonth ; cg:depicts <person/gulmira-imin> ; skos:prefLabel ?l FILTER(CONTAINS(?l, "prison garb"))'),
    ("uscirf:cctv-is-china-central-television", USCIRF, '<organisation/cctv> skos:prefLabel "China Central Television"@en'),
    # --- 1 April 2010: Urumqi Intermediate People's Court, life, Articles 103/111/296, three charges
    ("uscirf:sentenced-2010-04-01-by-urumqi-intermediate-court", USCIRF, '?v a cg:Verdict ; cg:concerns <person/gulmira-imin> ; cg:date "2010-04-01"^^xsd:date ; cg:court <court/urumqi-intermediate-peoples-court> ; cg:outcome cg:outcome-convicted'),
    ("uscirf:urumqi-intermediate-court", USCIRF, '<court/urumqi-intermediate-peoples-court> a cg:Court ; skos:prefLabel "Urumqi Intermediate People\'s Court"@en'),
    ("uscirf:sentenced-to-life", USCIRF, '?v a cg:Verdict ; cg:concerns <person/gulmira-imin> ; cg:date "2010-04-01"^^xsd:date ; cg:sentence ?s . ?s a cg:Sentence ; cg:penalty cg:penalty-life'),
    ("uscirf:under-article-103", USCIRF, '?v cg:concerns <person/gulmira-imin> ; cg:article ?a . ?a cg:articleNumber "103" ; cg:articleOf <law/prc-criminal-law>'),
    ("uscirf:under-article-111", USCIRF, '?v cg:concerns <person/gulmira-imin> ; cg:article ?a . ?a cg:articleNumber "111" ; cg:articleOf <law/prc-criminal-law>'),
    ("uscirf:under-article-296", USCIRF, '?v cg:concerns <person/gulmira-imin> ; cg:article ?a . ?a cg:articleNumber "296" ; cg:articleOf <law/prc-criminal-law>'),
    ("uscirf:chinas-criminal-law", USCIRF, '<law/prc-criminal-law> a cg:Law ; skos:altLabel "China\'s Criminal Law"@en'),
    ("uscirf:charge-splittism", USCIRF, '?v a cg:Verdict ; cg:concerns <person/gulmira-imin> ; cg:charge ?c . ?c a cg:Charge ; skos:prefLabel "splittism"@en'),
    ("uscirf:charge-leaking-state-secrets", USCIRF, '?v a cg:Verdict ; cg:concerns <person/gulmira-imin> ; cg:charge ?c . ?c a cg:Charge ; skos:prefLabel "leaking state secrets"@en'),
    ("uscirf:charge-organizing-illegal-demonstration", USCIRF, '?v a cg:Verdict ; cg:concerns <person/gulmira-imin> ; cg:charge ?c . ?c a cg:Charge ; skos:prefLabel "organizing an illegal demonstration"@en'),
    # --- allegations; lawyer; appeal
    ("uscirf:alleges-torture-in-detention", USCIRF, "?a a cg:Allegation ; cg:allegationKind cg:allegation-torture ; cg:allegedBy <person/gulmira-imin> ; cg:during ?e . ?e a cg:Detention ; cg:concerns <person/gulmira-imin>"),
    ("uscirf:alleges-forced-to-sign-documents", USCIRF, '?a a cg:Allegation ; cg:allegationKind cg:allegation-coerced-statement ; cg:allegedBy <person/gulmira-imin> ; cg:during ?e ; skos:prefLabel ?l FILTER(CONTAINS(?l, "sign documents")) ?e a cg:Detention'),
    ("uscirf:reportedly-no-lawyer-until-trial", USCIRF, '?a a cg:Allegation ; cg:concerns <person/gulmira-imin> ; cg:allegationKind cg:allegation-denial-of-counsel ; cg:attribution "reportedly"@en ; cg:during ?d ; schema:description ?text . ?d a cg:Detention ; cg:concerns <person/gulmira-imin> FILTER(CONTAINS(?text, "until the trial"))'),
    ("uscirf:her-lawyer", USCIRF, '?l a cg:UnidentifiedPerson ; cg:occupation "lawyer"@en ; skos:prefLabel ?n FILTER(CONTAINS(?n, "Gulmira Imin"))'),
    ("uscirf:appeal-rejected-after-verdict", USCIRF, "?a a cg:Appeal ; cg:concerns <person/gulmira-imin> ; cg:outcome cg:outcome-rejected ; cg:follows ?v . ?v a cg:Verdict ; cg:concerns <person/gulmira-imin>"),
    # --- currently in the Xinjiang Women's Prison (Xinjiang No. 2 Prison) in Urumqi; visits
    ("uscirf:currently-held-in-xinjiang-womens-prison", USCIRF, "?c a cg:Custody ; cg:concerns <person/gulmira-imin> ; cg:facility <facility/xinjiang-womens-prison> ; cg:current true"),
    ("uscirf:womens-prison-is-no-2-prison", USCIRF, '<facility/xinjiang-womens-prison> a cg:DetentionFacility ; skos:prefLabel "Xinjiang Women\'s Prison"@en ; skos:altLabel "Xinjiang No. 2 Prison"@en'),
    ("uscirf:womens-prison-in-urumqi", USCIRF, "<facility/xinjiang-womens-prison> cg:locatedIn <place/urumqi>"),
    ("uscirf:one-family-visit-every-three-months", USCIRF, '?c a cg:Custody ; cg:concerns <person/gulmira-imin> ; cg:visitRule "one family visit every three months"@en'),
    # --- June 2021 reports: life reduced to 19 years 8 months after a 2017 statement of remorse
    ("uscirf:life-reduced-to-19-years-8-months", USCIRF, '?c a cg:SentenceChange ; cg:concerns <person/gulmira-imin> ; cg:previousSentence ?old ; cg:sentence ?new . ?old cg:penalty cg:penalty-life . ?new cg:penalty cg:penalty-fixed-term ; cg:term "P19Y8M"^^xsd:yearMonthDuration'),
    ("uscirf:reduction-reported-june-2021", USCIRF, '?c a cg:SentenceChange ; cg:concerns <person/gulmira-imin> ; cg:reportedDate "2021-06"^^xsd:gYearMonth ; cg:attribution "reports in June 2021"@en'),
    ("uscirf:reduction-by-xinjiang-authorities", USCIRF, "?c a cg:SentenceChange ; cg:agent <organisation/xinjiang-authorities> . <organisation/xinjiang-authorities> cg:region <place/xinjiang>"),
    ("uscirf:reduction-after-statement-of-remorse", USCIRF, '?c a cg:SentenceChange ; cg:follows ?s ; cg:statedReason ?r FILTER(CONTAINS(?r, "statement of remorse")) ?s a cg:PublicStatement ; cg:speaker <person/gulmira-imin>'),
    ("uscirf:statement-of-remorse-signed-2017", USCIRF, '?s a cg:PublicStatement ; cg:concerns <person/gulmira-imin> ; cg:speaker <person/gulmira-imin> ; cg:date "2017"^^xsd:gYear ; skos:prefLabel ?l FILTER(CONTAINS(?l, "written statement of remorse"))'),
    ("uscirf:statement-videotaped-by-authorities", USCIRF, '?s a cg:PublicStatement ; cg:speaker <person/gulmira-imin> ; schema:description ?d FILTER(CONTAINS(?d, "authorities videotaped"))'),
    ("uscirf:statement-likely-forced-say-activists-and-supporters", USCIRF, '?a a cg:Allegation ; cg:allegationKind cg:allegation-coerced-statement ; cg:attribution "activists and her supporters"@en ; cg:during ?s ; skos:prefLabel ?l FILTER(CONTAINS(?l, "likely forced")) ?s a cg:PublicStatement'),
    ("uscirf:video-later-shown-in-prisons-and-camps", USCIRF, '?b a cg:Broadcast ; cg:records ?s ; cg:follows ?s ; cg:agent <organisation/xinjiang-authorities> ; skos:prefLabel ?l FILTER(CONTAINS(?l, "prisons") && CONTAINS(?l, "re-education camps")) ?s a cg:PublicStatement ; cg:speaker <person/gulmira-imin>'),
    ("uscirf:video-shown-according-to-a-policeman", USCIRF, '?b a cg:Broadcast ; cg:records ?s ; cg:accordingTo ?p . ?p a cg:UnidentifiedPerson ; cg:occupation "policeman"@en'),
    ("uscirf:policeman-worked-at-yanbulaq-prison", USCIRF, '?b cg:accordingTo ?p . ?r cg:holder ?p ; cg:roleName "policeman"@en ; cg:facility <facility/yanbulaq-prison>'),
    ("uscirf:policeman-worked-at-opal-internment-camp", USCIRF, '?b cg:accordingTo ?p . ?r cg:holder ?p ; cg:roleName "policeman"@en ; cg:facility <facility/opal-internment-camp>'),
    ("uscirf:yanbulaq-prison-in-kashgar", USCIRF, '<facility/yanbulaq-prison> skos:prefLabel "Yanbulaq Prison"@en ; cg:locatedIn <place/kashgar>'),
    ("uscirf:internment-camp-in-opal", USCIRF, "<facility/opal-internment-camp> cg:facilityKind cg:facility-internment-camp ; cg:locatedIn <place/opal>"),
    # --- the case ties the events together
    ("uscirf:case-of-gulmira-imin", USCIRF, "?k a cg:Case ; cg:concerns <person/gulmira-imin> ; cg:event ?d, ?v, ?r . ?d a cg:Detention . ?v a cg:Verdict . ?r a cg:SentenceChange"),
    # ================= HRW, 17 October 2024: "China: Free Unjustly Convicted Uyghur Filmmaker" =================
    # --- the source (README: title, publisher, date, dateline; address unconfirmed)
    ("hrw:source-title", CATALOG, '<source/hrw-ikram-nurmehmet> a cg:SourceDocument ; dcterms:title "China: Free Unjustly Convicted Uyghur Filmmaker"@en'),
    ("hrw:source-publisher-hrw", CATALOG, "<source/hrw-ikram-nurmehmet> dcterms:publisher <organisation/human-rights-watch>"),
    ("hrw:source-issued-2024-10-17", CATALOG, '<source/hrw-ikram-nurmehmet> dcterms:issued "2024-10-17"^^xsd:date'),
    ("hrw:source-dateline-new-york", CATALOG, "<source/hrw-ikram-nurmehmet> cg:dateline <place/new-york>"),
    ("hrw:new-york", HRW, '<place/new-york> a cg:Place ; skos:prefLabel "New York"@en'),
    ("hrw:source-kind-news-release", CATALOG, "<source/hrw-ikram-nurmehmet> cg:sourceKind cg:source-news-release"),
    ("hrw:source-address-unconfirmed", CATALOG, "<source/hrw-ikram-nurmehmet> cg:addressStatus cg:address-unconfirmed"),
    ("hrw:human-rights-watch", HRW, '<organisation/human-rights-watch> skos:prefLabel "Human Rights Watch"@en'),
    # --- "The Chinese authorities should immediately release ... Ikram Nurmehmet ..., Human Rights Watch said today."
    ("hrw:hrw-calls-for-immediate-release", HRW, '?s a cg:PublicStatement ; cg:speaker <organisation/human-rights-watch> ; cg:concerns <person/ikram-nurmehmet> ; cg:date "2024-10-17"^^xsd:date ; schema:description ?d FILTER(CONTAINS(?d, "immediately release"))'),
    ("hrw:charges-politically-motivated-says-hrw", HRW, '?s cg:speaker <organisation/human-rights-watch> ; schema:description ?d FILTER(CONTAINS(?d, "politically motivated"))'),
    ("hrw:ikram-uyghur", HRW, '<person/ikram-nurmehmet> a cg:Person ; skos:prefLabel "Ikram Nurmehmet"@en ; cg:ethnicity cg:ethnicity-uyghur'),
    ("hrw:ikram-filmmaker-and-director", HRW, '<person/ikram-nurmehmet> cg:occupation "filmmaker"@en, "director"@en'),
    ("hrw:ikram-male", HRW, "<person/ikram-nurmehmet> cg:gender cg:gender-male"),
    ("hrw:ikram-six-and-a-half-years", HRW, '?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet> ; cg:sentence ?s . ?s cg:penalty cg:penalty-fixed-term ; cg:term "P6Y6M"^^xsd:yearMonthDuration'),
    # --- "Xinjiang's Urumqi Intermediate People's Court convicted Nurmehmet, 33, in January 2024 ..."
    ("hrw:ikram-convicted-january-2024", HRW, '?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet> ; cg:date "2024-01"^^xsd:gYearMonth ; cg:outcome cg:outcome-convicted'),
    ("hrw:ikram-convicted-by-urumqi-intermediate-court", HRW, "?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet> ; cg:court <court/urumqi-intermediate-peoples-court>"),
    ("hrw:urumqi-intermediate-court-is-xinjiangs", HRW, '<court/urumqi-intermediate-peoples-court> a cg:Court ; skos:prefLabel "Urumqi Intermediate People\'s Court"@en ; cg:locatedIn <place/xinjiang>'),
    ("hrw:ikram-aged-33", HRW, "<person/ikram-nurmehmet> cg:reportedAge 33"),
    ("hrw:charge-actively-participating-in-terrorist-activities", HRW, '?v cg:concerns <person/ikram-nurmehmet> ; cg:charge ?c . ?c a cg:Charge ; skos:prefLabel "actively participating in terrorist activities"@en'),
    ("hrw:studied-in-turkey-2010-2016", HRW, '?e a cg:Study ; cg:concerns <person/ikram-nurmehmet> ; cg:place <place/turkey> ; cg:startDate "2010"^^xsd:gYear ; cg:endDate "2016"^^xsd:gYear'),
    ("hrw:convicted-for-time-in-turkey", HRW, '?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet> ; cg:statedReason ?r FILTER(CONTAINS(?r, "studying in Turkey"))'),
    ("hrw:conviction-per-knowledgeable-sources", HRW, '?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet> ; cg:attribution ?a FILTER(CONTAINS(?a, "knowledgeable sources"))'),
    # --- "During the trial, Nurmehmet said the authorities held him in a dark room for 20 days and tortured him ..."
    ("hrw:held-by-the-authorities", HRW, "?e a cg:Detention ; cg:concerns <person/ikram-nurmehmet> ; cg:agent <organisation/chinese-government>"),
    ("hrw:dark-room-20-days", HRW, '?a a cg:Allegation ; cg:concerns <person/ikram-nurmehmet> ; cg:allegationKind cg:allegation-incommunicado ; cg:allegedBy <person/ikram-nurmehmet> ; cg:during ?e ; skos:prefLabel ?l FILTER(CONTAINS(?l, "dark room") && CONTAINS(?l, "20 days")) ?e a cg:Detention'),
    ("hrw:tortured-until-false-confession", HRW, "?a a cg:Allegation ; cg:allegationKind cg:allegation-torture, cg:allegation-forced-confession ; cg:allegedBy <person/ikram-nurmehmet> ; cg:during ?e . ?e a cg:Detention ; cg:concerns <person/ikram-nurmehmet>"),
    ("hrw:confession-and-residency-permit-sole-basis", HRW, '?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet> ; cg:evidence "possession of a Turkish residency permit"@en, ?c ; schema:description ?d FILTER(CONTAINS(?c, "by his account") && CONTAINS(?d, "sole basis"))'),
    ("hrw:allegations-made-at-trial", HRW, '?a cg:allegedBy <person/ikram-nurmehmet> ; schema:description "Nurmehmet said this during his trial."@en'),
    ("hrw:study-per-knowledgeable-sources", HRW, '?e a cg:Study ; cg:concerns <person/ikram-nurmehmet> ; cg:attribution ?a FILTER(CONTAINS(?a, "knowledgeable sources"))'),
    ("hrw:foreign-ties-policy-uses-the-list", HRW, "<policy/foreign-ties-punishable> cg:usesList <policy/26-sensitive-countries>"),
    # --- "Although his parents and wife attended the trial, ... did not inform his family ... on August 23."
    ("hrw:ikram-has-unidentified-wife", HRW, "<person/ikram-nurmehmet> cg:spouse ?w . ?w a cg:UnidentifiedPerson ; cg:gender cg:gender-female"),
    ("hrw:ikram-has-two-unidentified-parents", HRW, "<person/ikram-nurmehmet> cg:parent ?a, ?b . ?a a cg:UnidentifiedPerson . ?b a cg:UnidentifiedPerson FILTER(?a != ?b)"),
    ("hrw:parents-and-wife-attended-trial", HRW, "?t a cg:Trial ; cg:concerns <person/ikram-nurmehmet> ; cg:attendee ?w, ?a, ?b . <person/ikram-nurmehmet> cg:spouse ?w ; cg:parent ?a, ?b FILTER(?a != ?b)"),
    ("hrw:family-told-of-conviction-2024-08-23", HRW, '?n a cg:FamilyNotification ; cg:concerns <person/ikram-nurmehmet> ; cg:notified true ; cg:date "2024-08-23"^^xsd:date ; cg:notificationOf ?v . ?v a cg:Verdict ; cg:concerns <person/ikram-nurmehmet>'),
    ("hrw:family-not-told-for-more-than-half-a-year", HRW, '?a a cg:Allegation ; cg:concerns <person/ikram-nurmehmet> ; cg:allegationKind cg:allegation-family-not-notified ; cg:during ?v . ?v a cg:Verdict . ?n a cg:FamilyNotification ; schema:description ?d FILTER(CONTAINS(?d, "more than half a year"))'),
    # --- Maya Wang, associate China director, first quotation
    ("hrw:maya-wang-associate-china-director-at-hrw", HRW, '<person/maya-wang> a cg:Person ; skos:prefLabel "Maya Wang"@en . ?r cg:holder <person/maya-wang> ; cg:organisation <organisation/human-rights-watch> ; cg:roleName "associate China director"@en'),
    ("hrw:wang-young-uyghurs-prosecuted-should-be-freed", HRW, '?s a cg:PublicStatement ; cg:speaker <person/maya-wang> ; cg:concerns <person/ikram-nurmehmet> ; cg:reportedDate "2024-10-17"^^xsd:date ; schema:description ?d FILTER(CONTAINS(?d, "Strike Hard") && CONTAINS(?d, "young Uyghurs") && CONTAINS(?d, "hundreds of thousands"))'),
    ("hrw:strike-hard-begun-by-chinese-government-in-xinjiang", HRW, "<campaign/strike-hard> a cg:Campaign ; cg:agent <organisation/chinese-government> ; cg:region <place/xinjiang>"),
    # --- "Nurmehmet is currently being held in Urumqi No. 1 Detention Center."
    ("hrw:currently-held-in-urumqi-no-1-detention-center", HRW, '?c a cg:Custody ; cg:concerns <person/ikram-nurmehmet> ; cg:facility <facility/urumqi-no-1-detention-center> ; cg:current true . <facility/urumqi-no-1-detention-center> skos:prefLabel "Urumqi No. 1 Detention Center"@en'),
    # --- "Four other Uyghurs whose identities are unknown were also convicted in connection to Nurmehmet's case."
    ("hrw:four-unidentified-uyghur-co-defendants-convicted", HRW, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { <person/ikram-nurmehmet> cg:coDefendant ?d . ?d a cg:UnidentifiedPerson ; cg:ethnicity cg:ethnicity-uyghur . ?v a cg:Verdict ; cg:concerns ?d ; cg:outcome cg:outcome-convicted } HAVING (COUNT(DISTINCT ?d) = 4)"),
    ("hrw:case-of-ikram-includes-co-defendants", HRW, "?k a cg:Case ; cg:concerns <person/ikram-nurmehmet>, ?d . <person/ikram-nurmehmet> cg:coDefendant ?d"),
    # --- Criminal Procedure Law; practice
    ("hrw:criminal-procedure-law-prohibits-torture-evidence", HRW, '<law/prc-criminal-procedure-law> a cg:Law ; skos:altLabel "China\'s Criminal Procedure Law"@en ; schema:description ?d FILTER(CONTAINS(?d, "evidence obtained through torture"))'),
    ("hrw:judges-rarely-exclude-almost-never-acquit", HRW, '<law/prc-criminal-procedure-law> schema:description ?d FILTER(CONTAINS(?d, "rarely") && CONTAINS(?d, "almost never acquit"))'),
    # --- "Strike Hard Campaign against Terrorism and Extremism" in the Uyghur region since late 2016
    ("hrw:strike-hard-full-name", HRW, '<campaign/strike-hard> skos:prefLabel "Strike Hard Campaign against Terrorism and Extremism"@en ; skos:altLabel "Strike Hard Campaign"@en'),
    ("hrw:strike-hard-since-late-2016", HRW, '<campaign/strike-hard> cg:startDate "2016"^^xsd:gYear ; cg:dateNote "late 2016"@en'),
    ("hrw:xinjiang-is-the-uyghur-region", HRW, '<place/xinjiang> skos:prefLabel "Xinjiang"@en ; skos:altLabel "the Uyghur region"@en'),
    ("hrw:campaign-pressure-on-police-procuratorate-judiciary", HRW, '<campaign/strike-hard> schema:description ?d FILTER(CONTAINS(?d, "police, procuratorate and judiciary") && CONTAINS(?d, "use torture"))'),
    # --- foreign ties punishable; "26 sensitive countries" including Turkey; appears ongoing
    ("hrw:xinjiang-authorities-made-foreign-ties-punishable", HRW, "<policy/foreign-ties-punishable> a cg:Policy ; cg:partOfCampaign <campaign/strike-hard> ; cg:agent <organisation/xinjiang-authorities> . <organisation/xinjiang-authorities> a cg:GovernmentBody"),
    ("hrw:foreign-ties-targets-uyghurs-and-other-turkic-people", HRW, '<policy/foreign-ties-punishable> schema:description ?d FILTER(CONTAINS(?d, "Uyghurs and other Turkic"))'),
    ("hrw:foreign-ties-interrogated-detained-tried-imprisoned", HRW, '<policy/foreign-ties-punishable> schema:description ?d FILTER(CONTAINS(?d, "have family there") && CONTAINS(?d, "interrogated, detained, and often tried and imprisoned"))'),
    ("hrw:foreign-ties-campaign-appears-ongoing", HRW, '<policy/foreign-ties-punishable> schema:description ?d FILTER(CONTAINS(?d, "appears to be ongoing"))'),
    ("hrw:official-list-of-26-sensitive-countries-includes-turkey", HRW, "<policy/26-sensitive-countries> a cg:Policy ; cg:listSize 26 ; cg:listsCountry <place/turkey> . <place/turkey> cg:placeKind cg:place-country"),
    ("hrw:26-countries-include-muslim-majority-nations", HRW, '<policy/26-sensitive-countries> schema:description ?d FILTER(CONTAINS(?d, "Muslim-majority"))'),
    # --- "Earlier this year, a US-based Uyghur activist, Tahir Imin, 42, said ..."
    ("hrw:tahir-imin-uyghur-activist", HRW, '<person/tahir-imin> a cg:Person ; skos:prefLabel "Tahir Imin"@en ; cg:ethnicity cg:ethnicity-uyghur ; cg:occupation "activist"@en'),
    ("hrw:tahir-imin-us-based", HRW, "<person/tahir-imin> cg:basedIn <place/united-states>"),
    ("hrw:tahir-imin-aged-42", HRW, "<person/tahir-imin> cg:reportedAge 42"),
    ("hrw:tahir-imin-male", HRW, "<person/tahir-imin> cg:gender cg:gender-male"),
    ("hrw:tahir-imin-said-it-earlier-in-2024", HRW, '?s a cg:PublicStatement ; cg:speaker <person/tahir-imin> ; cg:date "2024"^^xsd:gYear ; cg:concerns ?p . <person/tahir-imin> cg:businessPartner ?p'),
    ("hrw:tahir-imin-six-business-partners", HRW, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { <person/tahir-imin> cg:businessPartner ?p . ?p a cg:UnidentifiedPerson } HAVING (COUNT(DISTINCT ?p) = 6)"),
    ("hrw:all-six-sentenced-by-urumqi-intermediate-court", HRW, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { <person/tahir-imin> cg:businessPartner ?p . ?v a cg:Verdict ; cg:concerns ?p ; cg:court <court/urumqi-intermediate-peoples-court> ; cg:outcome cg:outcome-convicted } HAVING (COUNT(DISTINCT ?p) = 6)"),
    ("hrw:all-six-12-to-15-years", HRW, 'SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { <person/tahir-imin> cg:businessPartner ?p . ?v cg:concerns ?p ; cg:sentence ?s . ?s cg:penalty cg:penalty-fixed-term ; cg:minimumTerm "P12Y"^^xsd:yearMonthDuration ; cg:maximumTerm "P15Y"^^xsd:yearMonthDuration } HAVING (COUNT(DISTINCT ?p) = 6)'),
    ("hrw:all-six-for-separatism", HRW, 'SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { <person/tahir-imin> cg:businessPartner ?p . ?v cg:concerns ?p ; cg:charge ?c . ?c a cg:Charge ; skos:prefLabel "separatism"@en } HAVING (COUNT(DISTINCT ?p) = 6)'),
    ("hrw:all-six-because-of-association-with-him", HRW, 'SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { <person/tahir-imin> cg:businessPartner ?p . ?v cg:concerns ?p ; cg:statedReason "because of their association with Tahir Imin"@en } HAVING (COUNT(DISTINCT ?p) = 6)'),
    ("hrw:partners-sentencing-according-to-tahir-imin", HRW, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { <person/tahir-imin> cg:businessPartner ?p . ?v a cg:Verdict ; cg:concerns ?p ; cg:accordingTo <person/tahir-imin> } HAVING (COUNT(DISTINCT ?p) = 6)"),
    # --- Maya Wang, second quotation
    ("hrw:wang-government-dismisses-allegations-unfair-trials", HRW, '?s a cg:PublicStatement ; cg:speaker <person/maya-wang> ; cg:reportedDate "2024-10-17"^^xsd:date ; schema:description ?d FILTER(CONTAINS(?d, "dismisses allegations") && CONTAINS(?d, "unfair trials"))'),
    ("hrw:wang-governments-should-confront-about-ikram-and-partners", HRW, '?s cg:speaker <person/maya-wang> ; cg:concerns <person/ikram-nurmehmet>, ?p ; schema:description ?d FILTER(CONTAINS(?d, "confront") && CONTAINS(?d, "end to the crackdown")) <person/tahir-imin> cg:businessPartner ?p'),
]

# What neither document says: must match nowhere in the store (any graph).
ABSENT: list[tuple[str, str]] = [
    ("no:urumqi-in-hrw-graph-from-names-only", "GRAPH <source/hrw-ikram-nurmehmet> { <place/urumqi> ?p ?o }"),
    ("no:sensitive-country-list-said-to-be-part-of-campaign", "<policy/26-sensitive-countries> cg:partOfCampaign ?c"),
    ("no:remorse-video-said-to-depict-her", "?b cg:records ?s ; cg:depicts ?p . ?s a cg:PublicStatement"),
    # --- a shared surname is not a relation: Gulmira Imin and Tahir Imin, by any property, either way, directly or through one node
    ("no:gulmira-imin-tahir-imin-direct-link", "GRAPH ?g { { <person/gulmira-imin> ?p <person/tahir-imin> } UNION { <person/tahir-imin> ?p <person/gulmira-imin> } }"),
    ("no:gulmira-imin-tahir-imin-link-through-a-node", "GRAPH ?g { { <person/gulmira-imin> ?p ?x . ?x ?q <person/tahir-imin> } UNION { <person/tahir-imin> ?p ?x . ?x ?q <person/gulmira-imin> } UNION { ?x ?p <person/gulmira-imin> . ?x ?q <person/tahir-imin> } }"),
    ("no:gulmira-imin-ikram-nurmehmet-link", "GRAPH ?g { { <person/gulmira-imin> ?p <person/ikram-nurmehmet> } UNION { <person/ikram-nurmehmet> ?p <person/gulmira-imin> } }"),
    ("no:tahir-imin-ikram-nurmehmet-link", "GRAPH ?g { { <person/tahir-imin> ?p <person/ikram-nurmehmet> } UNION { <person/ikram-nurmehmet> ?p <person/tahir-imin> } }"),
    # --- each document's facts stay in its own graph
    ("no:gulmira-imin-in-hrw-graph", f"GRAPH {HRW} {{ {{ <person/gulmira-imin> ?p ?o }} UNION {{ ?s ?p <person/gulmira-imin> }} }}"),
    ("no:ikram-nurmehmet-in-uscirf-graph", f"GRAPH {USCIRF} {{ {{ <person/ikram-nurmehmet> ?p ?o }} UNION {{ ?s ?p <person/ikram-nurmehmet> }} }}"),
    ("no:tahir-imin-in-uscirf-graph", f"GRAPH {USCIRF} {{ {{ <person/tahir-imin> ?p ?o }} UNION {{ ?s ?p <person/tahir-imin> }} }}"),
    # --- names are no evidence of place
    ("no:urumqi-no-1-detention-center-location", "<facility/urumqi-no-1-detention-center> cg:locatedIn|cg:place ?x"),
    ("no:urumqi-court-placed-in-urumqi", "<court/urumqi-intermediate-peoples-court> cg:locatedIn|cg:place <place/urumqi>"),
    ("no:kashgar-or-opal-located", "VALUES ?p { <place/kashgar> <place/opal> } ?p cg:locatedIn ?x"),
    ("no:guangdong-located", "<place/guangdong> cg:locatedIn ?x"),
    ("no:demonstration-place", "?e a cg:Protest ; cg:place|cg:facility ?p"),
    # --- the six business partners: nothing beyond what Tahir Imin said
    ("no:business-partners-ethnicity", "{ <person/tahir-imin> cg:businessPartner ?p } UNION { ?p cg:businessPartner <person/tahir-imin> } ?p cg:ethnicity ?e"),
    ("no:business-partners-gender-age-birth-religion", "<person/tahir-imin> cg:businessPartner ?p . ?p cg:gender|cg:reportedAge|cg:birthDate|cg:religion|cg:birthPlace ?x"),
    ("no:business-partners-verdict-dated", "<person/tahir-imin> cg:businessPartner ?p . ?v a cg:Verdict ; cg:concerns ?p ; cg:date|cg:startDate|cg:reportedDate ?d"),
    ("no:business-partners-as-co-defendants", "<person/tahir-imin> cg:businessPartner ?p . { ?p cg:coDefendant ?x } UNION { ?x cg:coDefendant ?p }"),
    ("no:business-partners-point-sentence", "<person/tahir-imin> cg:businessPartner ?p . ?v cg:concerns ?p ; cg:sentence ?s . ?s cg:term ?t"),
    ("no:co-defendants-business-partners", "<person/ikram-nurmehmet> cg:coDefendant ?d . { ?d cg:businessPartner ?x } UNION { ?x cg:businessPartner ?d }"),
    ("no:co-defendants-trial-details", "<person/ikram-nurmehmet> cg:coDefendant ?d . ?v cg:concerns ?d ; cg:court|cg:date|cg:charge|cg:sentence|cg:article ?x"),
    ("no:co-defendants-gender-age", "<person/ikram-nurmehmet> cg:coDefendant ?d . ?d cg:gender|cg:reportedAge|cg:birthDate ?x"),
    # --- the sources: no address for HRW; no publication date for USCIRF
    ("no:hrw-source-url", "<source/hrw-ikram-nurmehmet> schema:url ?u"),
    ("no:hrw-source-any-hrw-org-address", '<source/hrw-ikram-nurmehmet> ?p ?o FILTER(isIRI(?o) && CONTAINS(STR(?o), "hrw.org"))'),
    ("no:hrw-source-address-confirmed", "<source/hrw-ikram-nurmehmet> cg:addressStatus cg:address-confirmed"),
    ("no:uscirf-source-publication-date", "<source/uscirf-gulmira-imin> dcterms:issued|dcterms:date|dcterms:created|schema:datePublished ?d"),
    # --- an age is not a birth date; a birth year is not an age
    ("no:birth-date-from-age", "VALUES ?p { <person/ikram-nurmehmet> <person/tahir-imin> } ?p cg:birthDate|cg:birthPlace ?d"),
    ("no:birth-date-for-anyone-but-gulmira-imin", "?p cg:birthDate ?d FILTER(?p != <person/gulmira-imin>)"),
    ("no:gulmira-imin-reported-age", "<person/gulmira-imin> cg:reportedAge ?a"),
    # --- a reported date is not an event date; dates no more precise than stated
    ("no:sentence-reduction-event-date", "<event/gulmira-imin-sentence-reduction> cg:date|cg:startDate|cg:endDate ?d"),
    ("no:any-sentence-change-dated", "?c a cg:SentenceChange ; cg:date ?d"),
    ("no:maya-wang-statements-event-date", "?s cg:speaker <person/maya-wang> ; cg:date ?d"),
    ("no:gulmira-graduation-more-precise-than-year", "<event/gulmira-imin-graduation> cg:date ?d FILTER(datatype(?d) != xsd:gYear)"),
    ("no:moderator-start-more-precise-than-year", "?r cg:holder <person/gulmira-imin> ; cg:roleName \"moderator\"@en ; cg:startDate ?d FILTER(datatype(?d) != xsd:gYear)"),
    ("no:remorse-statement-more-precise-than-year", "<event/gulmira-imin-statement-of-remorse> cg:date ?d FILTER(datatype(?d) != xsd:gYear)"),
    ("no:cctv-documentary-more-precise-than-month", "<event/gulmira-imin-cctv-documentary> cg:date ?d FILTER(datatype(?d) != xsd:gYearMonth)"),
    ("no:ikram-verdict-more-precise-than-month", "<event/ikram-nurmehmet-verdict> cg:date ?d FILTER(datatype(?d) != xsd:gYearMonth)"),
    ("no:tahir-imin-statement-more-precise-than-year", "<event/tahir-imin-2024-statement> cg:date ?d FILTER(datatype(?d) != xsd:gYear)"),
    ("no:strike-hard-start-more-precise-than-year", "<campaign/strike-hard> cg:startDate ?d FILTER(datatype(?d) != xsd:gYear)"),
    ("no:undated-events-dated", "VALUES ?e { <event/gulmira-imin-appeal> <event/gulmira-imin-trial> <event/gulmira-imin-remorse-video-shown> <event/deaths-of-uyghur-migrant-workers-guangdong> <event/ikram-nurmehmet-detention> <event/ikram-nurmehmet-trial> } ?e cg:date|cg:startDate|cg:endDate ?d"),
    ("no:custody-start-dates", "?c a cg:Custody ; cg:startDate|cg:date ?d"),
    ("no:ikram-detention-place", "<event/ikram-nurmehmet-detention> cg:place|cg:facility ?p"),
    # --- the charges are listed beside the articles, not paired with them
    ("no:charges-paired-with-articles", "?c a cg:Charge ; cg:restsOn ?a"),
    # --- unnamed people stay as described
    ("no:gulmira-husband-details", "<person/gulmira-imin> cg:spouse ?h . ?h cg:ethnicity|cg:religion|cg:birthDate|cg:reportedAge|cg:occupation ?x"),
    ("no:ikram-family-details", "{ <person/ikram-nurmehmet> cg:spouse ?p } UNION { <person/ikram-nurmehmet> cg:parent ?p } ?p cg:ethnicity|cg:religion|cg:birthDate|cg:reportedAge|cg:occupation|cg:basedIn ?x"),
    ("no:ikram-parents-gender", "<person/ikram-nurmehmet> cg:parent ?p . ?p cg:gender ?g"),
    ("no:maya-wang-gender-ethnicity", "<person/maya-wang> cg:gender|cg:ethnicity|cg:reportedAge ?x"),
    ("no:policeman-gender-ethnicity", "<person/uscirf-policeman-informant> cg:gender|cg:ethnicity ?x"),
    ("no:tahir-imin-family", "<person/tahir-imin> cg:spouse|cg:parent|cg:child|cg:familyMember|^cg:spouse|^cg:parent|^cg:child|^cg:familyMember ?x"),
    ("no:han-chinese-person", "?p cg:ethnicity cg:ethnicity-han"),
    ("no:other-listed-countries-named", "<policy/26-sensitive-countries> cg:listsCountry ?c FILTER(?c != <place/turkey>)"),
    ("no:names-in-other-scripts-without-a-source", '?p a cg:Person ; skos:prefLabel ?l FILTER(lang(?l) != "en")'),
]


# Cases added from further public pages, one or two facts each, checked in the store of every shipped source
# (so that a case joins the imported list's record of the same person). Each file's header names its document.
CASE_FACTS: list[tuple[str, str, str]] = [
    ("tohti:life-sentence-september-2014", "<source/uscirf-2015-09-22-ilham-tohti>", '?v a cg:Verdict ; cg:concerns <person/ilham-tohti> ; cg:date "2014-09"^^xsd:gYearMonth ; cg:charge ?c ; cg:sentence ?s . ?c skos:prefLabel "separatism"@en . ?s cg:penalty cg:penalty-life'),
    ("tohti:students-secret-trial", "<source/uscirf-2015-09-22-ilham-tohti>", "?a cg:allegationKind cg:allegation-secret-trial ; cg:concerns <person/atikem-rozi> ; cg:during ?t . ?t a cg:Trial"),
    ("tursun:custody-2018-01-30-urumqi", "<source/uscirf-perhat-tursun>", '?e a cg:Detention ; cg:concerns <person/perhat-tursun> ; cg:date "2018-01-30"^^xsd:date ; cg:place <place/urumqi> ; cg:attribution "reportedly"@en'),
    ("tursun:reported-16-years", "<source/uscirf-perhat-tursun>", '?v cg:concerns <person/perhat-tursun> ; cg:reportedDate "2020-02"^^xsd:gYearMonth ; cg:sentence ?s . ?s cg:term "P16Y"^^xsd:yearMonthDuration'),
    ("mamut:15-years-political-crimes", "<source/cpj-qurban-mamut>", '?v a cg:Verdict ; cg:concerns <person/qurban-mamut> ; cg:charge ?c ; cg:sentence ?s . ?c skos:prefLabel "political crimes"@en . ?s cg:term "P15Y"^^xsd:yearMonthDuration'),
    ("mamut:held-at-urumqi-city-prison", "<source/cpj-qurban-mamut>", "?c a cg:Custody ; cg:concerns <person/qurban-mamut> ; cg:facility <facility/urumqi-city-prison> ; cg:accordingTo <person/bahram-sintash>"),
    ("tiyip:death-with-reprieve-separatism", "<source/sar-tashpolat-tiyip>", '?v cg:concerns <person/tashpolat-tiyip> ; cg:charge ?c ; cg:sentence ?s . ?c skos:prefLabel "separatism"@en . ?s cg:penalty cg:penalty-death-with-reprieve'),
    ("tiyip:removed-as-president-2017-03-31", "<source/sar-tashpolat-tiyip>", '?r cg:holder <person/tashpolat-tiyip> ; cg:organisation <organisation/xinjiang-university> ; cg:roleName "president"@en ; cg:endDate "2017-03-31"^^xsd:date'),
    ("abbas:20-years-march-2019", "<source/amnesty-usa-2021-01-12-gulshan-abbas>", '?v a cg:Verdict ; cg:concerns <person/gulshan-abbas> ; cg:date "2019-03"^^xsd:gYearMonth ; cg:sentence ?s . ?s cg:term "P20Y"^^xsd:yearMonthDuration'),
    ("abbas:family-learned-december-2020", "<source/amnesty-usa-2021-01-12-gulshan-abbas>", '?n a cg:FamilyNotification ; cg:concerns <person/gulshan-abbas> ; cg:notified false ; cg:date "2020-12"^^xsd:gYearMonth'),
    ("asat:15-years-inciting-ethnic-hatred", "<source/amnesty-asa-17-2314-2020-ekpar-asat>", '?v cg:concerns <person/ekpar-asat> ; cg:charge ?c ; cg:sentence ?s . ?c skos:prefLabel "inciting ethnic hatred and ethnic discrimination"@en . ?s cg:term "P15Y"^^xsd:yearMonthDuration'),
    ("dawut:appeal-rejected-by-xinjiang-high-court", "<source/vaa-rahile-dawut-life-sentence>", "?a a cg:Appeal ; cg:concerns <person/rahile-dawut> ; cg:court <court/xinjiang-high-peoples-court> ; cg:outcome cg:outcome-rejected"),
    ("dawut:life-for-splittism-december-2018", "<source/vaa-rahile-dawut-life-sentence>", '?v cg:concerns <person/rahile-dawut> ; cg:date "2018-12"^^xsd:gYearMonth ; cg:sentence ?s . ?s cg:penalty cg:penalty-life'),
    ("rozi:15-years-urumqi-january-2018", "<source/china-project-2023-10-05-yalqun-rozi>", '?v cg:concerns <person/yalqun-rozi> ; cg:date "2018-01"^^xsd:gYearMonth ; cg:place <place/urumqi> ; cg:sentence ?s . ?s cg:term "P15Y"^^xsd:yearMonthDuration'),
    ("rozi:son-in-united-states", "<source/china-project-2023-10-05-yalqun-rozi>", "<person/yalqun-rozi> cg:child <person/kamalturk-yalqun> . <person/kamalturk-yalqun> cg:basedIn <place/united-states>"),
    ("wangchuk:five-years-yushu-court", "<source/phayul-2018-08-24-tashi-wangchuk>", '?v cg:concerns <person/tashi-wangchuk> ; cg:court <court/yushu-intermediate-peoples-court> ; cg:sentence ?s . ?s cg:term "P5Y"^^xsd:yearMonthDuration'),
    ("wangchuk:appeal-rejected-2018-08-13", "<source/phayul-2018-08-24-tashi-wangchuk>", '?a a cg:Appeal ; cg:concerns <person/tashi-wangchuk> ; cg:court <court/qinghai-higher-peoples-court> ; cg:date "2018-08-13"^^xsd:date ; cg:outcome cg:outcome-rejected'),
    ("xu-ding:ding-detained-2019-12-26", "<source/china-change-2021-09-25-xu-zhiyong-ding-jiaxi>", '?e a cg:Detention ; cg:concerns <person/ding-jiaxi> ; cg:date "2019-12-26"^^xsd:date'),
    ("xu-ding:xu-14-years-2023-04-10", "<source/bbc-copy-2023-04-10-xu-zhiyong-ding-jiaxi>", '?v cg:concerns <person/xu-zhiyong> ; cg:date "2023-04-10"^^xsd:date ; cg:sentence ?s . ?s cg:term "P14Y"^^xsd:yearMonthDuration'),
    ("xu-ding:ding-12-years-2023-04-10", "<source/bbc-copy-2023-04-10-xu-zhiyong-ding-jiaxi>", '?v cg:concerns <person/ding-jiaxi> ; cg:date "2023-04-10"^^xsd:date ; cg:sentence ?s . ?s cg:term "P12Y"^^xsd:yearMonthDuration'),
    ("rozi:disappeared-october-2016-resurfaced-january-2018", "<source/china-project-2023-10-05-yalqun-rozi>", '?d a cg:EnforcedDisappearance ; cg:concerns <person/yalqun-rozi> ; cg:startDate "2016-10"^^xsd:gYearMonth ; cg:endDate "2018-01"^^xsd:gYearMonth ; cg:ongoing false'),
    ("asat:no-contact-while-missing", "<source/amnesty-asa-17-2314-2020-ekpar-asat>", '?c a cg:CustodyCondition ; cg:concerns <person/ekpar-asat> ; cg:conditionKind cg:condition-incommunicado ; cg:ongoing true ; cg:conditionNote ?n ; cg:conditionOf ?d . ?d a cg:EnforcedDisappearance ; cg:startDate "2016-04"^^xsd:gYearMonth FILTER(CONTAINS(?n, "more than four years"))'),
    ("xu-ding:xu-political-rights-8-years", "<source/bbc-copy-2023-04-10-xu-zhiyong-ding-jiaxi>", '?s cg:concerns <person/xu-zhiyong> ; cg:term "P14Y"^^xsd:yearMonthDuration ; cg:additionalPenalty ?p . ?p cg:additionalPenaltyKind cg:additional-penalty-political-rights ; cg:duration "P8Y"^^xsd:yearMonthDuration'),
    ("xu-ding:detention-centre-in-linshu-county-of-linyi", "<source/china-change-2021-09-25-xu-zhiyong-ding-jiaxi>", "<facility/linshu-county-detention-centre> cg:locatedIn <place/linshu-county> . <place/linshu-county> cg:placeKind cg:place-county ; cg:locatedIn <place/linyi>"),
    ("mamut:son-based-in-virginia-usa", "<source/cpj-qurban-mamut>", "<person/bahram-sintash> cg:basedIn <place/virginia> . <place/virginia> cg:locatedIn <place/united-states> . <place/united-states> cg:placeKind cg:place-country"),
    ("wangchuk:tibetan", "<source/phayul-2018-08-24-tashi-wangchuk>", "<person/tashi-wangchuk> cg:ethnicity cg:ethnicity-tibetan"),
]


def _body(pattern: str) -> str:
    return f"{{ {pattern} }}" if pattern.startswith("SELECT") else pattern  # a subquery needs its own braces


@pytest.mark.parametrize(("graph", "pattern"), [(g, p) for _, g, p in FACTS], ids=[i for i, _, _ in FACTS])
def test_fact_is_stated_in_its_source_graph(store: Store, graph: str, pattern: str) -> None:
    assert bool(store.query(f"ASK {{ GRAPH {graph} {{ {_body(pattern)} }} }}")), f"not in {graph}: {pattern}"


@pytest.mark.parametrize("pattern", [p for _, p in ABSENT], ids=[i for i, _ in ABSENT])
def test_what_no_source_says_is_not_in_the_store(store: Store, pattern: str) -> None:
    assert not bool(store.query(f"ASK {{ {pattern} }}")), f"found in the store: {pattern}"


@pytest.mark.parametrize(("graph", "pattern"), [(g, p) for _, g, p in CASE_FACTS], ids=[i for i, _, _ in CASE_FACTS])
def test_case_fact_is_stated_in_its_source_graph(shipped_store: Store, graph: str, pattern: str) -> None:
    assert bool(shipped_store.query(f"ASK {{ GRAPH {graph} {{ {_body(pattern)} }} }}")), f"not in {graph}: {pattern}"


def test_fact_ids_are_unique() -> None:
    ids = [i for i, _, _ in FACTS] + [i for i, _ in ABSENT] + [i for i, _, _ in CASE_FACTS]
    assert len(ids) == len(set(ids))
