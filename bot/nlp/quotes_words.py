"""Word lists for quote attribution: verbs of saying, titles, roles and anonymous sources."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of text, as a set."""
    return frozenset(text.split())


def _forms(*bases: str) -> set[str]:
    """Regular inflections of verbs given as "base" or "base/past/-ing/3rd" when irregular."""
    out: set[str] = set()
    for base in bases:
        if "/" in base:
            out.update(base.split("/"))
            continue
        stem = base[:-1] if base.endswith("e") else base
        out.update({base, base + "s", stem + "ed", stem + "ing"})
    return out


#: Verbs that attribute words to a speaker (all tenses the news uses).
SPEECH_VERBS = frozenset(
    _forms(
        "say/says/said/saying",
        "tell/tells/told/telling",
        "write/writes/wrote/writing/written",
        "reply/replies/replied/replying",
        "deny/denies/denied/denying",
        "admit/admits/admitted/admitting",
        "refer/refers/referred/referring",
        "quip/quips/quipped/quipping",
        "joke/jokes/joked/joking",
        "criticise/criticises/criticised/criticising",
        "criticize/criticizes/criticized/criticizing",
        "emphasise/emphasises/emphasised/emphasising",
        "add",
        "warn",
        "argue",
        "insist",
        "explain",
        "claim",
        "state",
        "comment",
        "ask",
        "suggest",
        "acknowledge",
        "announce",
        "declare",
        "stress/stressed/stressing",
        "urge",
        "describe",
        "call",
        "brand",
        "accuse",
        "predict",
        "confirm",
        "observe",
        "implore",
        "confide",
        "caution",
        "concede",
        "recall",
        "promise",
        "pledge",
        "vow",
        "maintain",
        "complain",
        "protest",
        "remark",
        "assert",
        "allege",
        "respond",
        "answer",
        "boast",
        "conclude",
        "point",  # "pointed out"
        "note",
        "hail",
        "praise",
        "question",
        "dub/dubs/dubbed/dubbing",
        "label/labels/labelled/labelling/labeled/labeling",
        "continue",
    )
    # Forms that are mostly nouns or other senses in news copy ("calls for", "the state").
    - words(
        """point points state states call calls note notes comment comments answer answers
        claim claims promise promises pledge pledges protest protests remark remarks brand
        brands stress vow vows continue continues continuing promising recall recalls label
        labels joke jokes"""
    )
)

#: Verbs that come before their subject in news copy: `"…," said X`.
INVERTIBLE = words(
    """said says added adds asked asks continued explained observed replied insisted warned
    wrote noted argued claimed declared stressed admitted acknowledged cautioned conceded
    whispered quipped joked implored confided recalled remarked"""
)

#: Words between a subject and its verb that do not change who speaks.
SKIPPABLE = words(
    """has have had was were is are will would shall should could can may might also then
    later once repeatedly previously earlier already recently today yesterday again still
    last this next week night month year morning evening weekend monday tuesday wednesday
    thursday friday saturday sunday on has been subsequently further however simply only
    just openly publicly privately separately in a statement interview letter quoted
    not as"""
)

#: A spokesperson speaks for whoever is named with them ("a Vodafone spokesman").
SPOKESPEOPLE = words("spokesman spokeswoman spokesperson spokesmen spokeswomen representative")

#: Unnamed sources: an attribution, but to no one in particular.
ANONYMOUS = words(
    """authorities source sources insider insiders official officials analyst analysts
    trader traders economist economists expert experts critics observers campaigners
    respondents aide aides
    adviser advisers advisor people witness witnesses residents someone everyone government
    ministers mps delegates investors researchers report study survey statement poll"""
)

#: Heads that speak for whoever is named in their phrase, as a spokesperson does.
OFFICES = words("office offices official officials")
#: Unnamed sources that are texts: "a report from the committee" speaks for the committee.
DOCUMENTS = words("report study survey statement poll")
#: Roles that refer back to the last person named ("the chancellor told reporters").
PERSON_ROLES = words(
    """chancellor minister premier president chairman chairwoman chair leader governor
    secretary director executive boss mayor commissioner judge ambassador manager founder
    chief editor senator congressman congresswoman prosecutor"""
)

#: Members of a body: "the MPs said" of a committee's report speaks for that committee.
MEMBERS = words("mps msps meps ams peers")

#: Verbs whose passive names who judged ("branded "a humiliating retreat" by the Tories");
#: after other verbs "by X" belongs to the quoted words ("feel "taken for granted" by X").
AGENT_VERBS = words(
    """branded called described dubbed labelled labeled criticised criticized hailed praised
    accused condemned"""
)

#: Occupations the model tags as part of a name ("Farmer Geoff Brooks", "Attorney Roslynn
#: Mauskopf"): no part of the person's canonical name.
NAME_ROLES = PERSON_ROLES | words(
    """attorney farmer lawyer solicitor barrister analyst economist historian author writer
    actor singer teacher doctor nurse pilot coach striker sheriff detective inspector
    constable sergeant officer councillor businessman businesswoman tycoon banker broker
    trader campaigner activist spokesman spokeswoman novelist playwright"""
)

#: Nouns that refer back to the last organisation named ("the company said").
ORG_NOUNS = words(
    """company firm group bank ministry department agency organisation organization union
    council club party committee commission retailer carmaker insurer airline brewer chain
    regulator watchdog board alliance league association body newspaper magazine paper
    network broadcaster office court army movement"""
)

MALE_TITLES = frozenset({"mr", "lord", "sir", "king", "prince"})
FEMALE_TITLES = frozenset({"mrs", "ms", "miss", "lady", "dame", "baroness", "queen", "princess"})

#: A name after an honorific: "Mr Blair", "Sir Bernard Ingham", "Dr. Smith".
TITLE_NAME = re.compile(
    r"\b(?P<title>Mrs?|Ms|Miss|Dr|Sir|Lord|Lady|Dame|Baroness|Professor|Prof|General|Gen|"
    r"Colonel|Col|Captain|Capt|President|Senator|Sen|Governor|Gov|Judge|Justice|King|Queen|"
    r"Prince|Princess|Pope|Reverend|Rev|Rabbi|Imam|Sheikh)\.?[ \t]+"
    r"(?P<name>(?:[A-Z][\w'’-]*[ \t]+){0,2}[A-Z][\w-]+(?:['’]s)?)"
)

#: Letters after a name ("Guy Mansfield QC said"): no part of who speaks.
POST_NOMINALS = words("QC KC MP MEP MSP AM OBE CBE MBE KBE")
#: Verbs of thinking: a quote standing alone after "X thought …" is X's.
THOUGHT_VERBS = words("thought thinks think believed believes believe felt feels reckoned reckons")

#: Words that join a second verb to a clause's subject ("… and warned").
CONJUNCTIONS = words("and but or yet while so then")

#: Words that open a noun phrase.
DETERMINERS = words("a an the one this that these those its their our his her some")

#: Prepositions: a name after one is not the clause's subject ("For the Lib Dems, X said").
PREPOSITIONS = words(
    """for in on at of with from by to after before about against during under over into
    among between than like as"""
)

#: Nouns a name can modify ("Lib Dem leader", "Vodafone spokesman"): that name is an owner,
#: not the person a later "he" refers to.
MODIFIED_HEADS = PERSON_ROLES | SPOKESPEOPLE | ANONYMOUS | words("shadow deputy senior former")

#: Capitalised words that start a sentence, not a name ("In London, …", "But Mr X said").
NOT_NAMES = (
    DETERMINERS
    | PREPOSITIONS
    | CONJUNCTIONS
    | words("""however meanwhile earlier later last next also indeed instead still when where
        while although though if as since because after before asked speaking""")
)
