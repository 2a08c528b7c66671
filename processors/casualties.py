"""Fatality and injury counts of one event mention.

Patterns, tried on the mention's segment text (back-references already masked out):

* number before the outcome: "at least 29 people were killed", "eight injured", "a soldier was
  wounded", "several enemy KIA";
* outcome before the number: "killing 6 civilians", "death toll rose to 12", "the death of many
  fighters", "injuring two";
* outcome nouns: "eight injuries", "3 deaths";
* negatives: "no one was hurt", "no casualties", "without injuries" (count 0);
* coordinated victims: "eight commandos and their civilian driver were killed" (8 + 1),
  "killing a woman and her two children" (1 + 2), "killing the driver" (1) -- never across a
  clause with its own verb ("75 killed, and 103 others are missing") nor into a subset.

Each number is used once; subsets ("..., including 2 women") are skipped so that nothing is
counted twice. Within one segment distinct counts of the same outcome add up ("3 soldiers and 2
civilians were killed"); across the sentences of an incident the caller keeps the largest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from processors.fastre import finditer_lowered, folds_plainly, guarded, holds_any, lowercase_twin
from processors.lexicon import (
    NOT_ARMED_KILLER_BEFORE,
    NUMBER_WORDS,
    PERSON_NOUNS,
    QUALIFIER_MIN,
    VAGUE_AMOUNTS,
)
from processors.numbers import NUMBER_PATTERN, Count, count_from_match

__all__ = ["Casualties", "find_casualties", "zero_statement"]

_F = re.IGNORECASE
_KILL = (
    r"killed|dead|died|dies|slain|perished|lost (?:their|his|her) lives|were killed|"
    # "several enemy KIA", never the Kachin Independence Army: "(KIA)", "the KIA", "KIA forces"
    r"(?<![(\w])(?<!the )(?<!The )(?<!by )(?<!with )(?-i:KIA)(?=\s*(?:[.,;:[(]|$))|"
    r"killed in action|deaths?|fatalit(?:y|ies)|bodies|lives|drowned|"
    # headline and monitor styles: "three die in a raid", "5 martyrs in shelling", "two murders
    # in the neighbourhood", "six burned corpses", "two members were assassinated"
    r"die|martyrs|martyred|murders|homicides|corpses|assassinated|slaughtered|decapitated|"
    # "eight killings in the city overnight", "seven dismembered by a cartel"
    r"killings|dismembered|deceased|riddled with bullets|"
    # a communique's words for combatants killed: "20 militants were neutralised"
    r"neutrali[sz]ed|liquidated|decimated|eliminated(?= by)|"
    # "three people lose their lives in an armed attack", "two brothers were shot to death"
    r"los(?:e|es|t) (?:their|his|her) li(?:ves|fe)|shot to death|"
    # "twelve people are the victims of a massacre": victims of a killing are its dead
    r"(?:the )?victims of (?:a|an|the) (?:[\w-]+ )?(?:massacre|killing|execution)|"
    # kill verbs that say how: "five villagers were hacked to death", "two men were shot dead"
    r"shot dead|gunned down|beheaded|executed|murdered|massacred|lynched|"
    r"(?:hacked|burned|burnt|beaten|stabbed|clubbed|stoned|tortured) to death|burned alive"
)
_INJ = (
    r"wounded|injured|injuried|injuries|injury|hurt|wounds|hospitali[sz]ed|casualties|casualty|"
    r"poisoned|"
    r"suffered (?:\w+ ){0,2}?(?:symptoms|injuries|burns|wounds)|"
    r"treated (?:in hospital |at (?:a |the )?hospital )?for (?:\w+ ){0,2}?(?:poisoning|injuries|"
    r"wounds|burns|smoke inhalation)|taken to (?:a |the )?hospital|needed hospital treatment"
)
_AUX = (
    r"(?:(?:were|was|have been|has been|had been|are|is|got|being|been|reportedly|also|all|"
    r"later|each|allegedly|critically|seriously|severely|fatally|badly|slightly|lightly|"
    r"mortally|left|found)\s+){0,3}"
)
_NP = (
    # "twelve members of the village self-defence militia were killed": up to six words
    r"(?:(?!(?:and|or|but|were|was|in|on|at|after|when|while|that|which|carried|carrying)\b)[\w'’-]+\s+){0,6}?"
    # "30 soldiers and auxiliaries were killed": one group of two nouns (not "3 soldiers and 2")
    r"(?:and\s+(?!\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|a|an|the|their|his|"
    r"her|its|at|more|several|dozens|scores|hundreds)\b)[a-z][\w'’-]*\s+"
    # "22 soldiers and volunteer fighters were killed": the second noun may carry a modifier
    r"(?:(?!(?:were|was|had|have|has|are|is|also|all|in|on|at)\b)[a-z][\w'’-]*\s+)?)?"
)
_NUM = NUMBER_PATTERN
# What a number before a kill word may count that is not people: "killed two cows", "a woman of
# 50 years of age was killed", "fired 120 mm shells".
_ANIMALS = (
    r"(?:cows?|cattle|buffalo(?:e?s)?|oxen|goats?|pigs?|dogs?|horses?|chickens?|sheep|"
    r"livestock|animals?|elephants?|mules?|donkeys?)\b"
)
# Things and spans a number may count in a casualty sentence: "30 barrel bombs killed ...",
# "two vehicles and three houses were burned", "in 3 days", "50 meters away, two bodies".
_THINGS = (
    r"(?:vehicles?|cars?|trucks?|buses|houses|homes|buildings|shops|villages|towns|areas|"
    r"positions|shells|rockets|missiles|bombs|mines|airstrikes|air strikes|raids|strikes|"
    r"attacks|explosions|blasts|rounds|barrels)\b"
)
_NOT_VICTIMS = (
    rf"(?![\s-]*(?:(?:[\w'’-]+\s+)?(?:{_ANIMALS}|{_THINGS})|"
    r"days?\b|hours?\b|weeks?\b|months?\b|"
    r"years?\b|yrs?\b|-year|mm\b|km\b|miles?\b|met(?:er|re)s?\b|"
    # a day of a month: "the massacre of 12 March 2011" ("may" is also a verb: "killing two may
    # have ...")
    r"(?:january|february|march|april|june|july|august|september|october|november|december)\b))"
)

# "20 were killed or wounded", "13 dead and wounded", "26 killed and injured" give neither count
# (a combined figure is not a death toll); "2 killed and injured 3 others" is two counts.
_COMBINED = (
    r"(?!\s+(?:or|and|&)\s+(?:wounded|injured|hurt|killed|dead)\b"
    r"(?!\s+(?:\d|a\b|an\b|one\b|two\b|three\b|four\b|five\b|six\b|seven\b|eight\b|nine\b|"
    r"ten\b|another\b|others?\b|several\b|dozens\b)))"
)
# What was done to the victims before they were killed: "two women tortured and murdered",
# "four men kidnapped and killed", "four tortured, slain".
_DONE_FIRST = (
    r"(?:(?:tortured|kidnapped|abducted|beaten|raped|bound|gagged|robbed|attacked|ambushed|"
    r"shot|stabbed|mutilated|seized)\s*(?:,|and)\s+)?"
)
_BEFORE_RE = re.compile(
    rf"\b{_NUM}{_NOT_VICTIMS}\s+{_NP}{_AUX}{_DONE_FIRST}(?P<out>{_KILL}|{_INJ})\b{_COMBINED}",
    _F,
)
# _BEFORE_RE in lowercase for a pre-test in lowercased text (_matches_at_lowered): the case-
# sensitive "KIA" there becomes "kia" (it then matches more, never less) and "(?<!The )" the
# "(?<!the )" already beside it. The pattern tries up to six words and three auxiliaries before
# each of its kill words at every count, folding case at each character it compares.
_BEFORE_LOW_RE = lowercase_twin(
    _BEFORE_RE.pattern.replace("(?<!The )", "(?<!the )").replace("(?-i:KIA)", "kia")
)
_ARTICLE_RE = re.compile(
    rf"\b(?P<art>a|an|one)\s+(?P<np>(?:(?!(?:and|or|but)\b|{_ANIMALS})[\w'’-]+\s+){{1,6}}?)"
    r"(?:was|has been|had been|is|got)\s+"
    r"(?:\w+ly\s+)?(?:shot and (?:\w+ly\s+)?)?"
    r"(?P<out>killed|wounded|injured|injuried|hurt|shot dead|slain|gunned down|beheaded|executed|"
    r"murdered|lynched|assassinated|"
    r"(?:hacked|burned|burnt|beaten|stabbed|clubbed|stoned|tortured) to death|"
    r"burned alive)\b",
    _F,
)
_AFTER_RE = guarded(
    rf"\b(?P<verb>kills?,? and (?:burn|torch|behead|mutilate|dismember)s?|"
    rf"killing|killed|kills|kill|wounding|injuring|injured|wounded|executed|executing|"
    rf"massacred|slaughtered|shot dead|gunned down|hacked to death|beheaded|burned to death|"
    rf"murdered|murdering|shooting dead|beheading|"
    # present-tense headline verbs: "militants execute two men", "gunmen slay three"
    rf"executes?|murders?|slays?|slaughters?|beheads?|assassinat(?:es?|ed|ing)|massacres?|"
    rf"dismembers?|"
    # a military communique's kill words before a count of combatants: "destroyed 65
    # soldiers", "neutralised 12 terrorists" (not "destroyed 3 tanks")
    rf"(?:destroy(?:ed|s)?|eliminat(?:ed|es|e)|neutrali[sz](?:ed|es|e)|liquidat(?:ed|es|e)|"
    rf"decimat(?:ed|es|e))(?=\s+(?:up to\s+|at least\s+|about\s+|over\s+|more than\s+|"
    rf"nearly\s+|around\s+)?\S+\s+(?:[\w'’-]+\s+){{0,2}}?(?:soldiers|servicemen|troops|militants|"
    rf"terrorists|insurgents|rebels|fighters|gunmen|jihadists|bandits|militiamen|mercenaries|"
    rf"occupiers|invaders)\b)|"
    rf"(?:the )?(?:assassination|execution|massacre) of|"
    rf"(?:the )?bodies of|(?:found|discovered|recovered) (?:the )?bodies of|"
    rf"claim(?:s|ed|ing)? the li(?:ves|fe) of|the deaths? of|(?:the )?killing of|killings of|"
    rf"murders? of|"
    # "the army loses 10 of its fighters": its own dead
    rf"los(?:es|e|t|ing)(?=\s+(?:at least\s+|about\s+)?\S+\s+of\s+(?:its|their|his)\s+"
    rf"(?:\w+\s+)?(?:fighters|members|soldiers|troops|men|elements|personnel)\b)|"
    # "more casualties raise the number to 8", "raise the death toll of the massacre to 11",
    # "rose to 31 the number of fighters killed"
    rf"rais(?:e|es|ed|ing) (?:the (?:number|(?:death )?toll)|their (?:number|toll))"
    rf"(?: of [^.;:,]{{1,80}}?)? to|"
    # a stated total after the dead it adds: "12 more bodies were found, bringing the toll to 29"
    rf"(?:bring(?:s|ing)?|brought|tak(?:e|es|ing)|took) the (?:death |casualty )?toll"
    rf"(?: of [^.;:,]{{1,80}}?)? to|"
    rf"(?:rais(?:e|es|ed|ing)|rose|rises|risen|climbs?|climbed) to(?=\s+(?:about\s+|at least\s+|"
    rf"more than\s+)?\S+(?:\s+at least)?,?\s+the number of)"
    # (not a count over days: "raise to 630 the number of casualties in 53 days")
    rf"(?![^.;:\n]{{0,90}}?\b(?:in|within|during|over|after) (?:the (?:past |last )?)?"
    rf"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several) (?:days|weeks|months|years)\b)|"
    # "killing a family of three", "remains of five people are found", "the number of deaths
    # ... rises to three"
    rf"(?:kill(?:s|ed|ing)?|massacred?) a family of|"
    rf"(?:the )?(?:human )?remains of(?= \S+ (?:people|persons|men|women|children|victims|"
    rf"individuals|bodies)\b)|"
    # "the number of martyrs in the bombardment of X reached fifteen", "... has risen to 31"
    rf"number of (?:deaths|dead|killed|victims|fatalities|martyrs|"
    rf"(?:people|those|civilians) killed) "
    # (a count over a month, a year or "since ..." is a statistic, not one event's toll)
    rf"(?:(?!(?:this|last|past) (?:week|month|year)\b|since\b)[\w'’-]+,?\s+){{0,12}}?"
    rf"(?:(?:has|have|had)\s+)?(?:now\s+)?"
    rf"(?:(?:rises|rose|risen|climbs|climbed|jumped|increased) to|(?:reached|reaches)(?: to)?|"
    rf"st(?:ood|ands) at)|"
    rf"death toll (?:[\w'’-]+\s+){{0,3}}?"
    rf"(?:to|at|of|reached|hit|stood at|stands at|is|was)|"
    rf"toll (?:now )?(?:rose|climbed|climbs|jumped|jumps|rises|reached|stood|stands|is|was|of|"
    rf"increased|(?:has|had) (?:risen|climbed|jumped|increased))(?: to| at)?|"
    # "the death toll from landslides that struck ... on Tuesday rose to 143", "the toll of the
    # bombing now stands at 29": the toll's verb after a longer noun phrase, never across a
    # clause break
    rf"(?:death |casualty )?toll (?:from|in|of) [^.;:,]{{1,120}}?\s(?:now\s+)?(?:rose|climbed|"
    rf"rises|jumped|reached|increased|st(?:ood|ands) at|"
    rf"(?:has|had) (?:risen|climbed|reached|jumped|increased))(?: to)?)\s+"
    # "killing his two sons": a possessive before the number
    rf"(?:at least\s+|all\s+|now\s+|(?:his|her|their|its|the)\s+)?{_NUM}{_NOT_VICTIMS}",
    _F,
)
_LEFT_RE = guarded(
    rf"\b(?:left|leaving|leaves?)\s+{_NUM}(?P<tail>(?:\s+(?!and\b|or\b)[\w'’-]+){{0,3}}?\s+"
    rf"(?P<out>dead|killed|lifeless|wounded|injured|hurt)){_COMBINED}",
    _F,
)
# The side attacked striking back: "in the counterattack", "a counter-offensive killed ...".
_COUNTERATTACK_RE = re.compile(r"\bcounter[- ]?(?:attack|offensive|assault|strike)", _F)
_MORE_AFTER_RE = re.compile(r"\s+more\b", _F)
_AFTER_ONE_RE = guarded(
    r"\b(?P<verb>killing|killed|kills|kill|wounding|injuring|injured|injuried|injures?|wounded|"
    r"shot dead|gunned down|murdered|murdering|executed|beheaded|beheading|lynched|stabbed|"
    r"shooting dead|"
    r"murders?|slays?|assassinat(?:ed|ing|es)|"
    r"(?:hacked|burned|burnt|beat|beaten|clubbed|stoned|tortured)(?= (?:a|an|one) "
    r"[\w'’-]+ to death))\s+"
    r"(?P<art>a|an|one)\s+(?!number|total|series|few|dozen|hundred|thousand|day|week|month|"
    r"family|couple|group|crowd|gang|unit|"
    r"year|time|way|bid|attack|strike|statement)[\w'’-]+",
    _F,
)
# One person named by a determiner and a singular noun: "their civilian driver", "a child".
_ONE_PERSON = (
    rf"(?:the|their|his|her|its|our|a|an|one|another)\s+(?:[\w'’-]+\s+){{0,2}}?"
    rf"(?:{PERSON_NOUNS})\b(?!['’])"
)
# "killing the driver", "wounded their commander": one victim after the verb.
_DEF_ONE_AFTER_RE = guarded(
    rf"\b(?P<verb>killing|killed|kills|wounding|injuring|injured|wounded|shot dead|gunned down|"
    rf"murdered|murdering|executed|beheaded|beheading|lynched|shooting dead|"
    rf"assassinat(?:ed|ing))\s+"
    rf"(?P<one>(?:the|their|his|her|its)\s+(?:[\w'’-]+\s+){{0,2}}?(?:{PERSON_NOUNS})\b(?!['’]))",
    _F,
)
# "gunmen assassinate a commander", "militants execute a council member", "a mob lynches a
# police officer": a kill verb the one-victim rules above do not read (present tense, or one
# that also takes things: "execute a warrant"), with one person after it.
_KILL_ONE_AFTER_RE = guarded(
    rf"\b(?P<verb>assassinates?|execut(?:es?|ing)|behead(?:s|ed)?|lynch(?:es|ed|ing)?|"
    rf"slaughter(?:s|ed|ing)?)\s+(?P<one>(?:the|their|his|her|its|a|an|one|another)\s+"
    rf"(?:[\w'’-]+\s+){{0,2}}?(?:{PERSON_NOUNS}|member|administrator|headman)\b(?!['’]))",
    _F,
)
_KILL_ONE_AFTER_KEYS = ("assassinat", "execut", "behead", "lynch", "slaughter")
# "an assassination targets 3 members of the council", "a beheading targets two fighters", "an
# execution by the group of six people": a killing named by its noun, its victims counted after
# it (not "an assassination attempt targets ...": the word after the noun must be one of these)
_KILL_NOUN_COUNT_RE = guarded(
    rf"\b(?:assassination|beheading|execution|liquidation)s?\s+"
    rf"(?:(?:by|of)\s+(?:[\w'’-]+\s+){{1,5}}?)?"
    rf"(?:targets?|targeted|targeting|against|kills?|killed)\s+{_NUM}{_NOT_VICTIMS}"
    # "the execution of the operation against 3 positions", "... targeted 4 checkpoints": an
    # execution of a plan counts its targets, not dead
    rf"(?!\s+(?:[\w'’-]+\s+)?(?:times?|checkpoints?|posts?|bases?|targets?|sites?|"
    rf"headquarters|camps?|objectives?)\b)",
    _F,
)
_KILL_NOUN_KEYS = ("assassination", "beheading", "execution", "liquidation")
# What makes a kill verb no killing: "an attempt to assassinate a commander", "a plot to
# execute ...", and a charge: "executes a man on charges of assassinating one of its commanders"
_NOT_DONE_BEFORE_RE = re.compile(
    r"(?:\b(?:attempt\w*|tr(?:y|ies|ied|ying)|plot\w*|plan\w*|fail\w*|bid|conspir\w*|"
    r"threat\w*|vow\w*|intend\w*|sought|seek\w*)\s+to|\bcharges?\s+of|\baccused\s+of|"
    r"\bcharged\s+with|\bconvicted\s+of|\bsuspected\s+of)\s+[“\"'‘]?$",
    _F,
)
# A headline's present-tense kill with a singular victim and no article ("Military kills
# civilian", "Troops shoot, kill teacher"): one victim. Not the past form ("killed civilian" may
# be an adjective before a plural or a possessive).
_BARE_ONE_AFTER_RE = guarded(
    # (not "Heat kills farmer": NOT_ARMED_KILLER_BEFORE)
    rf"\b{NOT_ARMED_KILLER_BEFORE}"
    rf"(?P<verb>kills?|kills?,? and (?:burn|torch|behead|mutilate|dismember)s?)\s+"
    rf"(?P<one>(?:[\w'’-]+\s+)?(?:{PERSON_NOUNS}|administrator|headman)\b(?!['’]))"
    # the noun ends the victim's phrase ("kills civilian in X"), not a compound's first word
    rf"(?=\s*(?:$|[,.;:!?)]|(?:in|at|on|near|after|during|while|from|with|for|outside|inside|"
    rf"amid|over|by)\b))",
    _F,
)
# The rest of a victim group's noun phrase ("commandos", "police officers"): a few words, none a
# preposition, conjunction or verb ("75 people since Monday, and 103 others are missing" is two
# clauses, not one group).
_GROUP_TAIL = (
    r"(?:\s+(?!(?:and|or|in|on|at|after|when|while|including|among|since|from|by|for|with|"
    r"during|near|as|to|of|who|which|that|were|was|are|is|have|has|had)\b)[\w'’-]+){0,3}?"
)
# The added item must not be the subject of its own clause ("and 103 others are missing").
_NO_OWN_VERB = r"\b(?!\s+(?:are|were|is|was|have|has|had|remain\w*|went|go|died|dies|succumbed)\b)"
# After a counted victim group, one more person in coordination: "killed eight commandos and
# their civilian driver" (8 + 1).
_PLUS_ONE_RE = re.compile(
    rf"{_GROUP_TAIL}\s*,?\s+and\s+(?P<one>{_ONE_PERSON}){_NO_OWN_VERB}",
    _F,
)
# ... or more people with a number: "killing a woman and her two children" (1 + 2).
_PLUS_NUM_RE = re.compile(
    rf"{_GROUP_TAIL}\s*,?\s+and\s+(?:(?:the|their|his|her|its)\s+)?{_NUM}{_NOT_VICTIMS}\s+[\w'’-]+"
    rf"{_NO_OWN_VERB}",
    _F,
)
# "Three soldiers and a civilian were killed", "a woman and her son were wounded": the last
# person of a coordinated subject before the outcome; the item before "and" is read separately.
_AND_ONE_BEFORE_RE = guarded(
    rf"\band\s+(?P<one>{_ONE_PERSON})\s+{_AUX}(?P<out>{_KILL}|{_INJ})\b",
    _F,
)
# What a definite victim noun belongs to: "(the owner) of the shop", "(the driver) of the bus".
_OF_WHAT = r"(?:\s+of\s+(?:the|a|an|his|her|their)\s+(?:[\w'’-]+\s+)?[\w'’-]+)?"
# An aside between commas after a singular victim: a relative clause ("the mayor, who was
# elected in 2018, was shot dead"), an apposition ("a farmer, a father of three, was killed"), a
# source ("the driver, police said, was ...") or an age ("a man, 45, was ..."). Never a list
# item: "the mayor, his driver and two guards were killed" has no second comma before the verb,
# and an apposition holds no "and" / "or".
_COMMA_ASIDE = (
    r",\s+(?:(?:who|whose|which)\s[^,;.()]{1,80}|"
    r"(?:an?|the)\s(?:(?!\b(?:and|or)\b)[^,;.()]){1,50}|"
    r"(?:[\w'’-]+\s+){1,3}?(?:said|says|say|added|reported|confirmed)|"
    r"(?:aged\s+)?\d{1,3}),\s+"
)
# One victim as the subject of "died" or of a kill verb: "a 10-year-old boy died", "a colonel
# died and three others were injured", "the driver was killed by the blast". The definite form
# is read only when nothing else counts that outcome (it may point back to a counted person).
_ONE_SUBJECT_RE = guarded(
    # "two villagers stepped on a landmine and died": "a landmine and" is no subject
    rf"(?:^|(?<=[\s,;(]))(?:(?P<art>[Aa]n?|[Oo]ne)\s+(?!{_ANIMALS})"
    rf"(?:(?!(?:and|or)\b)[\w'’-]+\s+){{0,3}}?(?!{_ANIMALS}|(?:and|or)\b)[\w'’-]+|"
    rf"(?P<def>[Tt]he|[Hh]is|[Hh]er|[Tt]heir)\s+(?:[\w'’-]+\s+){{0,2}}?"
    rf"(?:{PERSON_NOUNS}|informer|owner|administrator|headman|chairman|ranger|clerk)"
    # "the owner of the shop died", "the driver of the truck was killed": whose they were
    rf"{_OF_WHAT})(?:{_COMMA_ASIDE}|\s+)"
    # "a man (a farmer) was killed": an aside between the victim and the verb
    rf"(?:\([^()]{{1,40}}\)\s+)?"
    rf"(?:(?:also|later|reportedly|allegedly|subsequently)\s+)?"
    rf"(?:(?P<died>died|succumbed)|(?:was|has been|had been|got)\s+(?:\w+ly\s+)?"
    rf"(?:killed|shot dead|slain|gunned down|murdered|executed|beheaded|assassinated|"
    rf"slaughtered|lynched|"
    rf"(?:hacked|burned|burnt|beaten|stabbed|clubbed|stoned) to death))\b",
    0,
)
# Every match of _ONE_SUBJECT_RE (case-sensitive) ends with one of these words: most segments
# hold none, and are not scanned
_ONE_SUBJECT_KEYS = (
    "died",
    "succumbed",
    "killed",
    "shot dead",
    "slain",
    "gunned down",
    "murdered",
    "executed",
    "beheaded",
    "assassinated",
    "slaughtered",
    "lynched",
    " to death",
)
# One injured person named by a definite noun phrase: "the owner was injured", "a guard at the
# station was wounded in the leg". Read only when nothing else counts the injured.
_ONE_INJURED_RE = guarded(
    rf"(?:^|(?<=[\s,;(]))(?:[Tt]he|[Hh]is|[Hh]er)\s+(?:[\w'’-]+\s+){{0,2}}?"
    rf"(?:{PERSON_NOUNS}|owner|administrator|headman|chairman|ranger|clerk|candidate|informer)"
    rf"{_OF_WHAT}\s+"
    rf"(?:(?:was|has been|had been|got)\s+(?:\w+ly\s+)?(?:injured|injuried|wounded|hurt)\b)",
    0,
)
# One injured person as a subject with a relative clause or a second verb: "a woman who was
# crossing the road was injured", "a youth stepped on a landmine and was injured", "a man stepped
# on a mine while clearing a farm, sustaining head injuries". Read only when nothing else counts
# the injured.
_ONE_HURT_RE = guarded(
    rf"(?:^|(?<=[\s,;(]))(?:[Aa]n?|[Oo]ne)\s+(?:[\w'’-]+\s+){{0,3}}?"
    rf"(?:{PERSON_NOUNS}|member|cleaner|collector|trainee|administrator)\b(?!['’])"
    rf"[^.;]{{0,100}}?\b(?:(?:was|got)\s+(?:\w+ly\s+)?(?:injured|injuried|wounded|hurt)|"
    rf"(?:sustain|suffer)(?:ed|ing|s)\s+(?:\w+\s+){{0,2}}?(?:injuries|wounds|burns))\b",
    0,
)
# "two farmers stepped on a landmine and were injured": a counted subject, a second verb
_COUNT_HURT_KEYS = ("stepped on", "trigger", "touched", " hit", "caught in")
_ONE_HURT_KEYS = ("was ", "got ", "sustain", "suffer")
_COUNT_HURT_RE = guarded(
    rf"\b{_NUM}\s+(?:[\w'’-]+\s+){{1,3}}?(?:stepped on|triggered|touched|hit|were hit by|"
    rf"were caught in)\s+[^.;]{{1,60}}?\s+and\s+were\s+(?:\w+ly\s+)?(?P<out>injured|injuried|"
    rf"wounded|hurt|killed)\b",
    _F,
)
# A maimed victim is injured: "a woman stepped on a landmine and lost her leg", "both of his legs
# were cut off", "his arm was amputated".
_MAIMED_KEYS = ("lost ", "losing ", "cut off", "amputat", "blown off", "severed")
_MAIMED_RE = guarded(
    r"\b(?:lost|losing)\s+(?:his|her|a|an|one|both)\s+(?:\w+\s+)?(?:legs?|arms?|hands?|feet|"
    r"foot|eyes?|limbs?)\b|"
    r"\b(?:his|her)\s+(?:\w+\s+){0,2}?(?:legs?|arms?|hands?|feet|foot|limbs?)\s+(?:was|were|had to "
    r"be|had been)\s+(?:cut off|amputated|blown off|severed)\b",
    _F,
)
# "Two people, a cook and a customer, were injured": an aside naming the counted victims
# between the count and its verb, blanked so that the count reaches the verb.
# cheap pre-check of _COUNT_ASIDE_RE: a comma right before the verb of the outcome
_ASIDE_VERB_RE = re.compile(r", (?:were|have been|had been|are) ")
_COUNT_ASIDE_RE = guarded(
    r"\b(?:people|persons|men|women|civilians|villagers|soldiers|officers|residents|"
    r"workers|children)(?P<aside>\s*,\s*[^,;.()]{1,60}?,)"
    r"(?=\s+(?:were|have been|had been|are)\s+"
    r"(?:\w+ly\s+)?(?:killed|injured|injuried|wounded|hurt|dead)\b)",
    _F,
)
_PEOPLE_ALT = (
    rf"people|persons|men|women|children|kids|males|females|youths|bodies|corpses|"
    rf"(?:{PERSON_NOUNS})s"
)
_PEOPLE = rf"(?:{_PEOPLE_ALT})\b"
_NUMBER_WORD_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# The dead told by an adjective before their noun: "two lifeless men", "four headless, tortured
# bodies", "three dead soldiers", "four severed heads".
_DEAD_ADJ_RE = re.compile(
    rf"\b{_NUM}{_NOT_VICTIMS}\s+(?:[\w'’-]+,?\s+)?"
    rf"(?:[“\"]?(?:lifeless|dead|slain|murdered|executed|decapitated|dismembered|headless)[”\"]?"
    rf"(?:,?\s+(?:and\s+)?[\w'’-]+)?\s+(?:[\w'’-]+\s+)?{_PEOPLE}|"
    rf"(?:severed|decapitated|human) heads\b)",
    _F,
)
# cheap pre-check of _DEAD_ADJ_RE: one of its adjectives or "heads"
_DEAD_ADJ_KEYS = (
    "lifeless",
    "dead",
    "slain",
    "murdered",
    "executed",
    "decapitated",
    "dismembered",
    "headless",
    "heads",
)
# A victim group named over several nouns before its outcome: "ten members of the regime forces
# and militiamen loyal to them were killed", "8 of the government forces and allied gunmen were
# killed", "69 members and fighters of the factions, jihadis and the regime forces were killed".
# No number inside (then it is two groups, read by the coordination rules) and no clause word.
_GROUP_NOUNS = (
    rf"(?:members|fighters|militiamen|policemen|servicemen|elements|citizens|troops|forces|"
    rf"personnel|gunmen|{_PEOPLE_ALT})\b"
)
# "kills 6 soldiers, 4 rebels": one more victim group after a comma, with a number and a noun
# of people ("kills 12, including 5 children" and "killed 3 people, 2 in the town" are not)
_COMMA_NUM_RE = re.compile(
    rf"{_GROUP_TAIL}\s*,\s*(?:(?:the|their)\s+)?{_NUM}{_NOT_VICTIMS}\s+(?:[\w'’-]+\s+)?"
    rf"{_GROUP_NOUNS}{_NO_OWN_VERB}",
    _F,
)
_LONG_GROUP_RE = re.compile(
    rf"\b{_NUM}{_NOT_VICTIMS}(?:\s+at least)?(?:\s+(?:[\w'’-]+\s+)?{_GROUP_NOUNS}|(?=\s+of\s))"
    rf"(?:\s+at least)?"
    # "who were guarding the bank", "including a major": a relative clause or a subset inside
    rf"(?:\s*,?\s+(?:who|that) (?:were|was) [a-z]+ing|\s*,?\s+including)?"
    rf"(?:\s*,?\s+(?!(?:after|when|while|which|who|whom|that|but|as|by|during|"
    rf"following|among|since|were|was|are|is|have|has|had|{_NUMBER_WORD_ALT})\b)"
    rf"(?!\d)(?:&#\d+;|[\w'’“”\"-])+){{1,16}}?"
    rf"\s+{_AUX}(?P<out>killed|died|dead|slain|executed|assassinated|martyred|massacred|"
    rf"murdered|slaughtered|beheaded|shot dead|gunned down)\b{_COMBINED}",
    _F,
)
# the outcome words _LONG_GROUP_RE ends on ("shot dead" holds "dead"): a segment with none of
# them is not scanned
_LONG_GROUP_KEYS = (
    "killed", "died", "dead", "slain", "executed", "assassinated", "martyred", "massacred",
    "murdered", "slaughtered", "beheaded", "gunned down",
)  # fmt: skip
_DIED_LATER_RE = re.compile(r"\s+(?:later\s+|subsequently\s+)?(?:died|succumbed)\b", _F)
_NUM_ITEM_END_RE = re.compile(rf"\b{_NUM}{_NOT_VICTIMS}\s+[\w'’-]+(?:\s+[\w'’-]+)?\s*,?\s*$", _F)
_ONE_ITEM_END_RE = guarded(rf"\b{_ONE_PERSON}\s*,?\s*$", _F)
_COORD_RE = re.compile(
    rf"{_NUM}{_NOT_VICTIMS}\s+[\w'’-]+(?:\s+[\w'’-]+){{0,2}}\s*(?:,\s*and|,|and)\s*$", _F
)
# A count with no noun of its own before its outcome ("one died", "2 were killed")
_BARE_NUM_RE = re.compile(rf"\s+{_AUX}$", _F)
# "A soldier and at least three separatists were killed": one person coordinated before a group
_ONE_COORD_RE = re.compile(rf"(?:^|[^\w'’-])(?P<one>{_ONE_PERSON})\s+and\s+$", _F)
# An earlier item of that list, ended by a comma: "the mayor, his driver and two guards were
# killed" (1 + 1 + 2), "two soldiers, a policeman and three civilians" (2 + 1 + 3).
_LIST_ITEM_BEFORE_RE = re.compile(
    rf"(?:^|[^\w'’-])(?:(?P<one>{_ONE_PERSON})|{_NUM}{_NOT_VICTIMS}\s+[\w'’-]+(?:\s+[\w'’-]+)?)"
    r"\s*,\s*$",
    _F,
)


def _may_coordinate(seg: str, start: int) -> bool:
    """False when neither _COORD_RE nor _ONE_COORD_RE can match in the 60 characters before
    ``start``: each of their matches ends at ``start`` on "," or "and" and whitespace (ASCII
    letters no other character folds to), told without a search that tries every position."""
    tail = seg[max(0, start - 60) : start].rstrip()
    return tail.endswith(",") or tail[-3:].lower() == "and"


# "A soldier was killed and another injured": one more person with the other outcome
_ANOTHER_RE = guarded(
    # "... and another villager died"
    r"\b(?:and|while|whereas) another (?:(?!was\b|were\b)[a-z][\w-]* )?"
    r"(?:(?:was|were|had been|has been)\s+)?(?:\w+ly\s+)?"
    r"(?P<out>wounded|injured|hurt|killed|died)\b",
    _F,
)
_NOUN_RE = re.compile(
    rf"\b{_NUM}\s+(?:(?:more|other|further|additional|new|civilian|military)\s+)?"
    # "one murder and one injured", "two homicides overnight"
    rf"(?P<out>deaths|fatalities|injuries|dead|wounded|injured|deceased|homicides?|murders?|"
    rf"killings?)\b{_COMBINED}",
    _F,
)
_ZERO_RE = re.compile(
    r"\b(?:no (?:one|body)|nobody|none|no (?:\w+ )?(?:soldiers|troops|civilians|people|officers|"
    r"policemen|personnel|residents|passengers|workers|students|children|crew))\b"
    r"(?:\s+\w+){0,3}?\s+(?P<o1>killed|hurt|injured|injuried|wounded|"
    r"died|harmed)|\bno (?:immediate )?(?:reports? of )?(?:human |civilian )?(?P<o2>casualties|"
    r"deaths|fatalities|injuries|injured|one was (?:killed|hurt|injured))|"
    # "only property was damaged", "the blast caused only material damage": a stated outcome
    # without victims
    r"\bonly (?:the )?(?:\w+ )?(?P<o9>property|material|buildings?|houses?|vehicles?) "
    r"(?:was |were )?damage[ds]?\b|\b(?:property|material) damage only\b|"
    r"\bwithout (?:any )?(?P<o3>casualties|"
    r"injuries|loss of life)|\bno (?:lives were lost|loss of life)|"
    r"\b(?:passed off|ended|dispersed|went off|went ahead|proceeded) (?:\w+ )?(?P<o4>peacefully)|"
    r"\b(?:rall(?:y|ies)|marches|march|protests?|demonstrations?|gatherings?|events?|vigils?|"
    r"sit-ins?|processions?) (?:were|was|remained) (?P<o6>peaceful)\b|"
    r"\bwithout (?P<o5>incident)|\bno (?:major |serious )?(?P<o7>incidents?) (?:were |was )?"
    r"reported|\breported no (?:major |serious )?(?P<o8>incidents?)",
    _F,
)
# "casualties" used for the dead: injuries counted apart ("N casualties and M injuries",
# "casualties and several wounded"), or a kill word, a family or martyrs in the same clause.
_CAS_DEAD_RE = re.compile(
    r"\bcasualt\w*\s+(?:and|,|as well as)\s+(?:[\w-]+\s+){1,4}?(?:injur\w*|wounded|hurt)\b|"
    r"\b(?:injur\w*|wounded)\s+and\s+(?:[\w-]+\s+){0,3}?casualt|"
    r"\bcasualt\w*\b[^.;:\n]{0,40}?\b(?:killed|dead|martyr\w*|massacre\w*|"
    r"of (?:the same|one) family)\b|"
    # "a massacre ... leaves 12 casualties": the dead of a massacre
    r"\bmassacre\w*\b[^.;:\n]{0,40}?\bcasualt",
    _F,
)
# A death count over a span of time or over several places: a day's nationwide total ("85 were
# killed yesterday, including ..."), "in a week of clashes", "in two days", "in 24 hours",
# "since the coup", "so far this year", "in several areas", "in different circumstances".
_SPAN_NUM = r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|\w+ consecutive)"
_AGGREGATE_KEYS = (
    "yesterday",
    "day",
    "week",
    "month",
    "hour",
    "since",
    "so far",
    "year",
    "ious ",
    "several ",
    "different ",
)
_AGGREGATE_RE = re.compile(
    r"\b(?:killed|dead|died|murdered|deaths)\s+yesterday,?\s+(?:\w+\s+)?including\b|"
    rf"\b(?:in|during|over|within)\s+(?:the\s+)?(?:last\s+|past\s+|just\s+|about\s+|less than\s+)?"
    rf"{_SPAN_NUM}\s+(?:\w+\s+)?(?:days?|weeks?|months?|hours)\b|"
    r"\bin\s+(?:a|one)\s+(?:single\s+)?(?:day|week|month)\b|"
    r"\b(?:days?|weeks?|months?)\s+of\s+(?:\w+\s+){0,2}?(?:clashes|fighting|attacks|shelling|"
    r"violence|bombardment|airstrikes|escalation)\b|"
    r"\bsince\s+(?:the\s+)?(?:start|beginning|coup|outbreak|war|siege|offensive|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|\d{4})\b|"
    r"\bso far\b|\bthis year\b|"
    r"\b(?:in|on|across) (?:several|different|various) (?:areas|places|regions|provinces|towns|"
    r"circumstances)\b|"
    # a toll of several events: "two dead and one injured in different events", "in separate
    # attacks"
    r"\bin (?:different|separate|several|various) (?:events|incidents|attacks|shootings)\b",
    _F,
)
# Its words are all lowercase: case-sensitive over lowercased text it finds what it finds
# ignoring case wherever lowercasing keeps offsets and ignoring case adds no other characters
# (``folds_plainly``), without a case-folding call per character tried in each alternative.
_AGGREGATE_LOW_RE = re.compile(_AGGREGATE_RE.pattern)


def _says_aggregate(seg: str) -> bool:
    """``_AGGREGATE_RE.search(seg) is not None``."""
    if folds_plainly(seg):
        return _AGGREGATE_LOW_RE.search(seg.lower()) is not None
    return _AGGREGATE_RE.search(seg) is not None


# Lowercase twins of the case-insensitive patterns every counted segment is scanned with
# (fastre.lowercase_twin: the same matches, found without a case-folding call per character).
_ZERO_LOW_RE = lowercase_twin(_ZERO_RE.pattern)
_AFTER_ONE_LOW_RE = lowercase_twin(_AFTER_ONE_RE.pattern)
_DEF_ONE_AFTER_LOW_RE = lowercase_twin(_DEF_ONE_AFTER_RE.pattern)
_ARTICLE_LOW_RE = lowercase_twin(_ARTICLE_RE.pattern)
_AFTER_LOW_RE = lowercase_twin(_AFTER_RE.pattern.replace(r"\S", r"[^\s]"))  # \S, spelt lowercase

_COMBINED_AFTER_RE = re.compile(r"\s+(?:and|or|&)\s+(?:injuries|injured|wounded|wounds)\b", _F)
_SUBSET_RE = guarded(
    r"(?:including|among them|among whom|of whom|of them|among the (?:dead|victims|injured)|"
    r"among those)\s*(?:\w+\s+)?$",
    _F,
)
# Substring pre-checks on the lower-cased segment (plain ``in`` tests are far cheaper than an
# unanchored case-insensitive alternation tried at every character): a segment without any of
# these words cannot match the patterns they guard.
# Whole phrases, never split on spaces: a bare "to" (from "to death") is in almost every text
# and made the pre-check pass everything.
_ANY_OUTCOME_WORDS = (
    *"""kill dead died dies death wound injur hurt harm slain perish lives life fatalit kia
    casualt bodies hospital treated toll peaceful incident suffer poison drown execut massacr
    slaughter behead decapitat gunned hacked murder lynch alive die martyr corpse homicide slay
    assassin victims limb amputat remains dismember headless deceased riddled heads destroy
    eliminat neutrali liquidat decimat""".split(),
    "to death",
)
_ANY_OUTCOME_KEYS = (
    *_ANY_OUTCOME_WORDS,
    "only property",
    "only material",
    "damage only",
    "only the ",
    "lost his ",
    "lost her ",
    "lost a ",
    "lost an ",
    "lost both ",
    "loses ",
    "cut off",
    "blown off",
    "severed",
)
# One victim named by a pronoun: "gunmen shot him dead", "killing her", "he was shot dead".
# Read only when the segment has no other count of that outcome (the pronoun then refers to a
# person counted already, or to no one else).
_PRONOUN_RE = guarded(
    r"\b(?:(?P<verb>killing|killed|kills|shot dead|gunned down|murdered|murdering|executed|"
    r"beheaded|stabbed|wounding|injuring|injured|wounded)\s+(?:him|her)\b(?!self)|"
    r"(?:shot|beat|hacked|stabbed|burned|burnt) (?:him|her) (?:dead|to death)\b)|"
    r"\b(?:he|she) (?:later |subsequently )?(?P<died>died|succumbed)\b|"
    # "a farmer stepped on a landmine and died": one subject, a second verb "died"
    r"\b(?:a|an|one) (?!(?:cow|goat|pig|dog|buffalo|horse|animal)\b)[\w'’-]+(?: [\w'’-]+)?"
    r" (?:stepped on|was hit by|was struck by|was caught in|triggered|touched) [^.;]{1,60}?"
    r",? and (?:later )?(?P<died2>died)\b|"
    r"\b(?:he|she) (?:was|has been|had been) (?:\w+ly )?(?P<out>killed|shot dead|gunned down|"
    r"murdered|executed|beheaded|wounded|injured|hurt|(?:hacked|burned|beaten|stabbed) to death)\b",
    _F,
)
_PRONOUN_HINT_RE = re.compile(r"\b(?:him|her|he|she|died)\b")
_NOUN_HINT_KEYS = (
    "deaths",
    "fatalities",
    "injuries",
    "dead",
    "wounded",
    "injured",
    "deceased",
    "homicide",
    "murder",
    "killing",
)
_ZERO_KEYS = ("no ", "nobody", "none", "without", "peacefully", "only ", "damage only")
_APPOSITIVE_RE = re.compile(
    r",\s*(?:among them|including|mostly|mainly|largely|chiefly|many of them|most of them|"
    r"all of them|some of them|among whom|both)\s[^,;.]{1,40},",
    _F,
)
_SELF_RE = re.compile(
    r"\b(?:killing|killed|kills)\s+"
    r"(?P<self>(?:him|her)self(?:\s*,\s*|\s+and\s+|\s+along with\s+)?)",
    _F,
)
# What ends right before a count of an earlier event: "after killing (about) 60", "hours after the
# killing of 23 fighters", "a day after nine died nearby".
_EARLIER_RE = guarded(
    r"\b(?:after|following)\s+(?:(?:a|the|their|its)\s+)?(?:(?:killing|death|deaths|murder|"
    r"massacre|execution|assassination|beheading)\s+(?:of\s+)?)?$",
    _F,
)
# "the blast killed both of them", "killing both motorcyclists": two dead
_BOTH_RE = guarded(
    r"\b(?:killing|killed|kills|kill)\s+both(?:\s+of\s+them|\s+(?:the\s+)?[a-z][\w'’-]*s)\b", _F
)
_THE_BEFORE_RE = re.compile(r"\b(?:the|these|those)\s+$", _F)
_PARTITIVE_AFTER_RE = re.compile(r"\s+of\s+(?:the|them|those|these)\b", _F)
_KILLED_AND_RE = re.compile(r"\b(?:killing|kills|killed|kill|dead)\s+(?:and|or|&)\s+$", _F)
# verbs of a running total ("raises to 25 the number of ..."), read as an earlier count
_RUNNING_VERBS = ("rais", "rose", "rises", "risen", "climb")
# "kills 11 people, raising its civilian death toll to 317": an actor's toll over many events
_RAISING_ITS_RE = re.compile(r"\b(?:rais|bring)\w*\s+(?:its|their)\s+(?:[\w-]+\s+)?$", _F)
# A stated total of the event's dead after those it adds: "12 more bodies were found, raising the
# toll to 29", "three more died, bringing the death toll to 29": the event's toll, which beats the
# increment counted before it (not "raises to 25 the number of ...", a running count)
_TOTAL_VERB_RE = re.compile(
    r"(?:rais|bring|brought|tak|took)\w*\s+the\s+(?:death\s+|casualty\s+)?toll\b", _F
)
# A total over a span or over many events: "bringing the toll of attacks this month to 40",
# "raising the toll to 212 since the truce", "raise the death toll to 90 in less than 72 hours",
# "... during the escalation"; searched from the total's verb to the end of its sentence
_TOTAL_SPAN_RE = re.compile(
    r"[^.;:]{0,160}?\b(?:since|so far|to date|during|(?:this|last|past) (?:week|month|year)|"
    r"hours|days|weeks|months|years|period|escalation|truce|ceasefire|agreement|campaign|"
    r"offensive|attacks|strikes|raids|incidents|violence|clashes|fighting|war|conflict)\b",
    _F,
)
# What tells that the dead counted before the total were added to an event's earlier toll ("12
# more bodies", "another two", "died of their wounds"); without it the total is a running count
# over many events (a monitor's "massacre kills 12 and raises the death toll to 90"), which
# stays behind the event's own count
_INCREMENT_RE = re.compile(
    r"\b(?:more|another|succumb\w*|died (?:of|from) (?:their |his |her )?(?:wounds|injuries)|"
    r"(?:wounded|injured)\b[^.;:]{0,60}?\bdied)\b",
    _F,
)
_YEAR_CONTEXT = guarded(r"(?:in|since|of|by|from)\s+$", _F)
# The look-behind patterns above end at the candidate number ("$" at the search's endpos) and are
# searched only in this many characters before it: searching from the segment start made each
# candidate cost O(position), i.e. quadratic time on long run-on texts. 80 characters hold the
# longest cue ("among the victims" + spaces + one word) with room to spare.
_LOOKBACK = 80


def _subset_before(seg: str, pos: int) -> bool:
    """Whether a subset cue ("including", "among them") ends just before ``pos``."""
    return _SUBSET_RE.search(seg, max(0, pos - _LOOKBACK), pos) is not None


# Where a count can begin: a word starting with a digit, or one of these first words of a
# qualifier, number word or vague amount. The number-first patterns (_BEFORE_RE, _NOUN_RE) are
# tried only at such words instead of at every word boundary: same matches, a fraction of the
# regex work (the number alternation is long and fails at almost every word).
_COUNT_FIRST_WORDS = frozenset(
    phrase.split()[0].casefold()
    for phrase in (*QUALIFIER_MIN, *NUMBER_WORDS, *VAGUE_AMOUNTS, "a", "half")
)
_WORD_RE = re.compile(r"\w+")
# The prefix every number-first pattern starts with: where it does not match, none of them can,
# so each start word is tested once here instead of once per pattern ("a" is a start word for
# "a dozen" but rarely begins a count).
_COUNT_START_RE = re.compile(rf"\b{_NUM}", _F)


_has_any = holds_any


def _count_starts(seg: str) -> list[int]:
    """Offsets of the words of ``seg`` where a count phrase starts (the number-first patterns,
    all of which begin with ``_COUNT_START_RE``, can match nowhere else)."""
    # a loop rather than a comprehension: each word's text is read once (a case-insensitive
    # regex of the first words instead measured twice as slow: it enters every word of it)
    out: list[int] = []
    for m in _WORD_RE.finditer(seg):
        word = m.group()
        if (word[0].isdecimal() or word.casefold() in _COUNT_FIRST_WORDS) and (
            _COUNT_START_RE.match(seg, m.start()) is not None
        ):
            out.append(m.start())
    return out


def _matches_at(rx: re.Pattern[str], seg: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``rx.finditer(seg)`` for a pattern that can only match at ``starts`` (non-overlapping,
    left to right, exactly as finditer would)."""
    last = 0
    for pos in starts:
        if pos < last:
            continue
        m = rx.match(seg, pos)
        if m is not None:
            last = max(m.end(), pos + 1)
            yield m


def _matches_at_lowered(
    rx: re.Pattern[str], pretest: re.Pattern[str], seg: str, low: str, starts: list[int]
) -> Iterator[re.Match[str]]:
    """``_matches_at(rx, seg, starts)`` for ``low = seg.lower()`` where ``folds_plainly(seg)``
    holds and a case-sensitive ``pretest`` that matches in ``low`` at least wherever ``rx``
    matches in ``seg`` (a lowercase twin of ``rx``, loosened): ``rx`` runs only where the
    pretest matched, so each match is ``rx``'s own."""
    last = 0
    for pos in starts:
        if pos < last or pretest.match(low, pos) is None:
            continue
        m = rx.match(seg, pos)
        if m is not None:
            last = max(m.end(), pos + 1)
            yield m


@dataclass(slots=True)
class Casualties:
    """Counts found in one segment; ``None`` fields mean "not mentioned"."""

    fatalities: Count | None = None
    injured: Count | None = None
    # the death count is a total over a span or over several places ("85 were killed yesterday
    # including ...", "40 troops killed in a week of clashes"), not one event's toll
    aggregate: bool = False

    def merge_max(self, other: Casualties) -> None:
        """Combine with another mention of the same incident: keep the larger count, except
        that an event's own death toll beats a total over a span or several places."""
        mine, theirs = self.fatalities, other.fatalities
        if theirs is not None and mine is not None and None not in (mine.value, theirs.value):
            if self.aggregate and not other.aggregate:
                self.fatalities, self.aggregate = other.fatalities, False
            elif other.aggregate and not self.aggregate:
                pass
            else:
                self.fatalities = _max(self.fatalities, other.fatalities)
        elif mine is None:
            self.fatalities, self.aggregate = theirs, other.aggregate
        else:
            self.fatalities = _max(mine, theirs)
        self.injured = _max(self.injured, other.injured)


def _max(a: Count | None, b: Count | None) -> Count | None:
    if a is None:
        return b
    if b is None:
        return a
    if a.value is not None and b.value is not None:
        return a if a.value >= b.value else b
    if a.value is not None:
        return a
    if b.value is not None:
        return b
    return a if (a.minimum or 0) >= (b.minimum or 0) else b


def _add(a: Count | None, b: Count) -> Count:
    if a is None:
        return b
    if a.value is not None and b.value is not None:
        mins = [m for m in (a.minimum, b.minimum) if m is not None]
        return Count(a.value + b.value, (a.value + b.value) if mins else None)
    return _max(a, b) or b


def _outcome(word: str) -> str:
    w = word.lower()
    if re.match(_INJ, w):
        return "inj"
    return "kill"


# A clause of a headline list joined by semicolons that adds dead to the clause before it:
# "5 killed in a bar; 3 more in a car lot", "two shot dead; another died in hospital".
_MORE_CLAUSE_RE = re.compile(
    rf"\s*(?:and\s+|plus:?\s+)?(?:another\b|{_NUM}\s+(?:more|others?)\b)",
    _F,
)
_ENTITY_END_RE = re.compile(r"&#?\w+$")


def find_casualties(text: str, start: int = 0, end: int | None = None) -> Casualties:
    """Casualty counts in ``text[start:end]`` (spans outside are ignored).

    Clauses joined by semicolons are read apart and the largest count is kept, unless a clause
    says it adds dead ("...; 3 more"): in headline lists they are restatements ("Nine dead in
    an attack on a wake; they kill nine people"), subsets ("they kill two; one was a boy") or
    other events, none of which adds up."""
    end = len(text) if end is None else end
    cuts = []
    i = text.find(";", start, end)
    while i >= 0:
        if not _ENTITY_END_RE.search(text, max(start, i - 10), i):
            cuts.append(i)
        i = text.find(";", i + 1, end)
    if not cuts:
        return _find_casualties(text, start, end)
    result = Casualties()
    for a, b in zip([start, *(c + 1 for c in cuts)], [*cuts, end], strict=True):
        part = _find_casualties(text, a, b)
        have, more = result.fatalities, part.fatalities
        if (
            have is not None
            and more is not None
            and have.value is not None
            and more.value is not None
            and _MORE_CLAUSE_RE.match(text, a, b)
        ):
            result.fatalities = Count(have.value + more.value, None)
            result.injured = _max(result.injured, part.injured)
        else:
            result.merge_max(part)
    return result


def _find_casualties(text: str, start: int, end: int) -> Casualties:
    seg = text[start:end]
    low = seg.lower()
    if not _has_any(low, _ANY_OUTCOME_KEYS):
        return Casualties()
    seg = _APPOSITIVE_RE.sub(lambda m: " " * len(m.group()), seg)
    if "," in seg and _ASIDE_VERB_RE.search(seg):
        for m in _COUNT_ASIDE_RE.finditer(seg):
            a, b = m.span("aside")
            seg = seg[:a] + " " * (b - a) + seg[b:]
    # "killing himself and four others", "killing himself, an official and three guards": the
    # bomber counts once, and the victims after him are read as if he were not named
    selves = 0
    if "self" in low:
        for sm in _SELF_RE.finditer(seg):
            selves += 1
            a, b = sm.span("self")
            seg = seg[:a] + " " * (b - a) + seg[b:]
    plain = folds_plainly(seg)
    seg_low = seg.lower()  # of the segment as blanked above

    def scan(rx: re.Pattern[str], twin: re.Pattern[str]) -> Iterator[re.Match[str]]:
        return finditer_lowered(rx, twin, seg, seg_low) if plain else rx.finditer(seg)

    used: list[tuple[int, int]] = []
    found: dict[str, Count] = {}
    # counts of an earlier event the text refers back to ("after killing 60 civilians in the
    # province, bombing kills 16") or running totals ("raising to 212 the number killed since
    # the truce"): used only when the text counts nothing else
    earlier: dict[str, Count] = {}
    back_only: dict[str, bool] = {}
    zero: set[str] = set()
    # "casualties" alone is killed and wounded together; a text that counts injuries apart from
    # them ("5 casualties and 12 injuries") or ties them to a killing ("casualties of one
    # family", "casualties ... killed") uses it for the dead. Otherwise the count is kept as
    # "cas": neither a death toll nor an injured count, and no stated zero.
    cas_dead = "casualt" in low and _CAS_DEAD_RE.search(seg) is not None

    def outcome(word: str) -> str:
        if word[:6].lower() == "casual":
            return "kill" if cas_dead else "cas"
        return _outcome(word)

    # stated totals of the event's dead (_TOTAL_VERB_RE): they replace the counts they sum up
    totals: dict[str, Count] = {}

    def take(
        kind: str,
        m: re.Match[str],
        num_span: tuple[int, int],
        running: bool = False,
        total: bool = False,
    ) -> None:
        s, e = num_span
        if any(a < e and s < b for a, b in used):
            return
        if _subset_before(seg, s):
            return
        digits = m.group("digits")
        if (
            digits
            and re.fullmatch(r"(?:19|20)\d\d", digits)
            and _YEAR_CONTEXT.search(seg, max(0, s - _LOOKBACK), s)
        ):
            return
        if found.get(kind, Count(None, None)).value is not None and (
            _THE_BEFORE_RE.search(seg, max(0, s - 6), s) or _PARTITIVE_AFTER_RE.match(seg, e)
        ):
            # "they locate three executed ... the three bodies were sent", "five homicides, one of
            # the bodies was ...": the dead counted already
            used.append((s, e))
            return
        if (
            kind == "kill"
            and found.get(kind) is not None
            and "counter" in low
            and _COUNTERATTACK_RE.search(seg, max(0, s - 40), min(len(seg), e + 80))
            # "then killed 4 more as they fled a counterattack": more of the attack's own dead
            and not _MORE_AFTER_RE.match(seg, e)
        ):
            # "... killing four officers; police killed three attackers in a counterattack": the
            # answer to the attack is another incident, its dead are not the attack's
            used.append((s, e))
            return
        count = count_from_match(m)
        if count is None:
            return
        used.append((s, e))
        if total:
            totals[kind] = _max(totals.get(kind), count) or count
            return
        if running or _EARLIER_RE.search(seg, max(0, s - _LOOKBACK), s):
            earlier[kind] = _add(earlier.get(kind), count)
            back_only[kind] = not running
            return
        found[kind] = _add(found.get(kind), count)

    def plus(kind: str, pos: int) -> None:
        """Coordinated victims right after a counted group: "... and their driver" (+1),
        "... and her two children" (+2)."""
        p = _PLUS_ONE_RE.match(seg, pos)
        if p is not None:
            s, e = p.span("one")
            if not any(a < e and s < b for a, b in used):
                used.append((s, e))
                found[kind] = _add(found.get(kind), Count(1, None))
            return
        # "kills 6 soldiers, 4 rebels and 2 civilians": a list of groups, each with its number
        for _ in range(4):
            n = _PLUS_NUM_RE.match(seg, pos) or _COMMA_NUM_RE.match(seg, pos)
            if n is None:
                return
            before = len(used)
            take(kind, n, (_num_start(n), _num_end(n)))
            if len(used) == before:
                return
            pos = _num_end(n)

    def list_items_before(kind: str, pos: int) -> None:
        """The earlier items of a coordinated list of victims whose item at ``pos`` was
        counted: "the mayor, his driver and two guards were killed" (the mayor, +1)."""
        for _ in range(4):
            i = _LIST_ITEM_BEFORE_RE.search(seg, max(0, pos - 60), pos)
            if i is None or _subset_before(seg, i.start()):
                return
            if i.group("one") is not None:
                s1, e1 = i.span("one")
                if any(a < e1 and s1 < b for a, b in used):
                    return
                used.append((s1, e1))
                found[kind] = _add(found.get(kind), Count(1, None))
            else:
                s1 = _num_start(i)
                before = len(used)
                take(kind, i, (s1, _num_end(i)))
                if len(used) == before:
                    return
            pos = s1

    for m in scan(_ZERO_RE, _ZERO_LOW_RE) if _has_any(low, _ZERO_KEYS) else ():
        used.append(m.span())
        word = m.group("o1") or m.group("o2") or m.group("o3") or "killed"
        if any(m.group(g) for g in ("o4", "o5", "o6", "o7", "o8", "o9")):
            word = "casualties"
        if word.lower() in ("casualties", "loss of life") and m.group("o3") != "injuries":
            zero.update(("kill", "inj") if word.lower() == "casualties" else ("kill",))
        else:
            zero.add(_outcome(word) if "one was" not in word.lower() else _outcome(word[8:]))
    for m in _LEFT_RE.finditer(seg):
        take(outcome(m.group("out")), m, (_num_start(m), _num_end(m)))
    for m in scan(_AFTER_RE, _AFTER_LOW_RE):
        if _NOT_DONE_BEFORE_RE.search(seg, max(0, m.start() - 30), m.start()):
            continue  # "tried to kill 3", "on charges of killing 2": no one killed here
        verb = m.group("verb").lower()
        if verb.startswith(("wound", "injur")):
            if _KILLED_AND_RE.search(seg, max(0, m.start() - 20), m.start()):
                continue  # "killing and injuring 13": one figure for both outcomes
            kind = "inj"
        else:
            kind = "kill"
        num_start = m.start("qual") if m.group("qual") else _num_start(m)
        before = len(used)
        # "kills 2 and raises to 212 the number killed since the truce": a running total
        actors_toll = _RAISING_ITS_RE.search(seg, max(0, m.start() - 40), m.start()) is not None
        running = verb.startswith(_RUNNING_VERBS) or actors_toll
        total = False
        if not actors_toll and _TOTAL_VERB_RE.match(verb) is not None:
            # "N more ..., bringing the toll to 29": the event's total, unless it spans more
            # than the event
            total = (
                _INCREMENT_RE.search(seg, 0, m.start()) is not None
                and _TOTAL_SPAN_RE.match(seg, m.start()) is None
            )
            running = not total
        take(kind, m, (num_start, _num_end(m)), running=running, total=total)
        if len(used) > before:
            plus(kind, _num_end(m))
    starts = _count_starts(seg)
    for m in _matches_at(_NOUN_RE, seg, starts) if _has_any(low, _NOUN_HINT_KEYS) else ():
        take(outcome(m.group("out")), m, (m.start(), _num_end(m)))
    before_counts = (
        _matches_at_lowered(_BEFORE_RE, _BEFORE_LOW_RE, seg, seg_low, starts)
        if plain
        else _matches_at(_BEFORE_RE, seg, starts)
    )
    for m in before_counts:
        out = m.group("out")
        if out[:6].lower() == "casual" and _COMBINED_AFTER_RE.match(seg, m.end()):
            continue  # "15 casualties and injuries": one figure for both outcomes
        if _DIED_LATER_RE.match(seg, m.end()):
            continue  # "two of the wounded died in hospital": deaths, told elsewhere
        if out.lower() in ("bodies", "lives") and not re.search(r"\bbodies\b", out, _F):
            if out.lower() == "lives" and not re.search(r"lost", seg[m.start() : m.end()], _F):
                continue
        before = len(used)
        take(outcome(out), m, (m.start(), _num_end(m)))
        if len(used) > before:
            coordinated = _may_coordinate(seg, m.start())
            c = _COORD_RE.search(seg, max(0, m.start() - 60), m.start()) if coordinated else None
            if (
                c is not None
                and not c.group().rstrip().endswith("and")
                and _BARE_NUM_RE.match(seg, _num_end(m), m.start("out"))
            ):
                c = None  # "they shot two men, one died": one of them, not one more
            if c is not None:
                take(outcome(out), c, (c.start(), _num_end(c)))
            else:
                o = (
                    _ONE_COORD_RE.search(seg, max(0, m.start() - 60), m.start())
                    if coordinated
                    else None
                )
                if o is not None and not _subset_before(seg, o.start("one")):
                    s1, e1 = o.span("one")
                    if not any(a < e1 and s1 < b for a, b in used):
                        used.append((s1, e1))
                        found[outcome(out)] = _add(found.get(outcome(out)), Count(1, None))
                        list_items_before(outcome(out), s1)
    for m in _matches_at(_DEAD_ADJ_RE, seg, starts) if _has_any(low, _DEAD_ADJ_KEYS) else ():
        take("kill", m, (m.start(), _num_end(m)))
    for m in scan(_AFTER_ONE_RE, _AFTER_ONE_LOW_RE):
        s = m.start("art")
        if any(a < m.end() and s < b for a, b in used) or _subset_before(seg, s):
            continue
        if _NOT_DONE_BEFORE_RE.search(seg, max(0, m.start() - 30), m.start()):
            continue
        used.append((s, m.end("art")))
        kind = "inj" if m.group("verb").lower().startswith(("wound", "injur")) else "kill"
        found[kind] = _add(found.get(kind), Count(1, None))
        plus(kind, m.end())
    for m in scan(_DEF_ONE_AFTER_RE, _DEF_ONE_AFTER_LOW_RE):
        s, e = m.span("one")
        if any(a < e and s < b for a, b in used) or _subset_before(seg, m.start()):
            continue
        if _NOT_DONE_BEFORE_RE.search(seg, max(0, m.start() - 30), m.start()):
            continue
        used.append((s, e))
        kind = "inj" if m.group("verb").lower().startswith(("wound", "injur")) else "kill"
        found[kind] = _add(found.get(kind), Count(1, None))
        plus(kind, e)
    for m in _KILL_ONE_AFTER_RE.finditer(seg) if _has_any(low, _KILL_ONE_AFTER_KEYS) else ():
        s, e = m.span("one")
        if any(a < e and s < b for a, b in used) or _subset_before(seg, m.start()):
            continue
        if _NOT_DONE_BEFORE_RE.search(seg, max(0, m.start() - 30), m.start()):
            continue
        used.append((s, e))
        found["kill"] = _add(found.get("kill"), Count(1, None))
        plus("kill", e)
    for m in _KILL_NOUN_COUNT_RE.finditer(seg) if _has_any(low, _KILL_NOUN_KEYS) else ():
        take("kill", m, (_num_start(m), _num_end(m)))
    for m in _BARE_ONE_AFTER_RE.finditer(seg) if "kill" in low else ():
        s, e = m.span("one")
        if any(a < e and s < b for a, b in used) or _subset_before(seg, m.start()):
            continue
        used.append((s, e))
        found["kill"] = _add(found.get("kill"), Count(1, None))
        plus("kill", e)
    for m in _AND_ONE_BEFORE_RE.finditer(seg) if "and" in low else ():
        s, e = m.span("one")
        if any(a < e and s < b for a, b in used):
            continue
        kind = outcome(m.group("out"))
        lo = max(0, m.start() - 60)
        c = _NUM_ITEM_END_RE.search(seg, lo, m.start())
        if c is not None:
            before = len(used)
            take(kind, c, (_num_start(c), _num_end(c)))
            if len(used) == before:
                continue
        else:
            o = _ONE_ITEM_END_RE.search(seg, lo, m.start())
            if o is None or any(a < o.end() and o.start() < b for a, b in used):
                continue
            if _subset_before(seg, o.start()):
                continue
            used.append(o.span())
            found[kind] = _add(found.get(kind), Count(1, None))
        used.append((s, e))
        found[kind] = _add(found.get(kind), Count(1, None))
    for m in scan(_ARTICLE_RE, _ARTICLE_LOW_RE):
        s = m.start()
        if any(a < m.end() and s < b for a, b in used):
            continue
        if _subset_before(seg, s):
            continue
        kind = outcome(m.group("out")) if "dead" not in m.group("out") else "kill"
        used.append((s, m.start("np")))
        found[kind] = _add(found.get(kind), Count(1, None))
    # read last: only when no other rule counted the dead
    if "kill" not in found and "both" in low:
        for m in _BOTH_RE.finditer(seg):
            if not any(a < m.end() and m.start() < b for a, b in used):
                used.append(m.span())
                found["kill"] = Count(2, None)
                break
    long_group = "kill" not in found and (not folds_plainly(seg) or _has_any(low, _LONG_GROUP_KEYS))
    for m in _matches_at(_LONG_GROUP_RE, seg, starts) if long_group else ():
        take(outcome(m.group("out")), m, (m.start(), _num_end(m)))

    for m in _ONE_SUBJECT_RE.finditer(seg) if _has_any(seg, _ONE_SUBJECT_KEYS) else ():
        s, e = m.span()
        if any(a < e and s < b for a, b in used) or _subset_before(seg, s):
            continue
        if m.group("def") and "kill" in found:
            continue
        if re.match(r"(?:one|a|an) of\b", seg[s:e], _F):
            continue  # "one of the wounded died": told as a count elsewhere
        used.append((s, e))
        found["kill"] = _add(found.get("kill"), Count(1, None))
    if found and "another" in low:
        for m in _ANOTHER_RE.finditer(seg):
            kind = outcome(m.group("out"))
            if not any(a < m.end() and m.start() < b for a, b in used):
                used.append(m.span())
                found[kind] = _add(found.get(kind), Count(1, None))
    if selves:
        found["kill"] = _add(found.get("kill"), Count(selves, None))
    for m in _PRONOUN_RE.finditer(seg) if _PRONOUN_HINT_RE.search(low) else ():
        word = (m.group("verb") or m.group("out") or "killed").lower()
        kind = "inj" if word.startswith(("wound", "injur", "hurt")) else "kill"
        if kind not in found and not any(a < m.end() and m.start() < b for a, b in used):
            used.append(m.span())
            found[kind] = Count(1, None)
    if "inj" not in found and ("injur" in low or "wound" in low or "hurt" in low):
        for m in _ONE_INJURED_RE.finditer(seg):
            if not any(a < m.end() and m.start() < b for a, b in used):
                used.append(m.span())
                found["inj"] = Count(1, None)
                break
    hurt_words = "injur" in low or "wound" in low or "hurt" in low
    if "inj" not in found and hurt_words and _has_any(low, _COUNT_HURT_KEYS):
        for m1 in _matches_at(_COUNT_HURT_RE, seg, starts):
            if not any(a < m1.end() and m1.start() < b for a, b in used):
                take(outcome(m1.group("out")), m1, (_num_start(m1), _num_end(m1)))
            break
    if "inj" not in found and hurt_words and _has_any(low, _ONE_HURT_KEYS):
        for m in _ONE_HURT_RE.finditer(seg):
            if not any(a <= m.start() < b for a, b in used):
                found["inj"] = Count(1, None)
                break
    if "inj" not in found and _has_any(low, _MAIMED_KEYS) and _MAIMED_RE.search(seg):
        found["inj"] = Count(1, None)
    found.update(totals)
    # the dead of an earlier event, kept only for want of any other count, are not this event's
    # toll: another mention's own toll beats them
    earlier_event = "kill" not in found and back_only.get("kill", False)
    for kind, count in earlier.items():
        found.setdefault(kind, count)
    result = Casualties()
    result.fatalities = found.get("kill") or (Count(0, None) if "kill" in zero else None)
    result.aggregate = earlier_event or (
        "kill" in found and _has_any(low, _AGGREGATE_KEYS) and _says_aggregate(seg)
    )
    result.injured = found.get("inj") or (Count(0, None) if "inj" in zero else None)
    return result


def _num_start(m: re.Match[str]) -> int:
    for g in ("digits", "words", "vague"):
        if m.group(g):
            return m.start(g)
    return m.start()


def _num_end(m: re.Match[str]) -> int:
    for g in ("digits", "words", "vague"):
        if m.group(g):
            return m.end(g)
    return m.end()


def zero_statement(text: str, start: int = 0, end: int | None = None) -> Casualties:
    """Counts of 0 said in ``text[start:end]`` outside any event mention ("nobody was hurt",
    "the rallies passed off peacefully", "No injuries were reported")."""
    seg = text[start : len(text) if end is None else end]
    if not _has_any(seg.lower(), _ZERO_KEYS) or not _ZERO_RE.search(seg):
        return Casualties()
    return find_casualties(seg)
