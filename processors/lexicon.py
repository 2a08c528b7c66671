"""Rule tables of the incident extractor, kept as data so they can be read and extended.

Nothing here runs at import beyond building dicts and tuples; the regexes that use these tables
are compiled once in the modules that need them (:mod:`processors.classify`,
:mod:`processors.numbers`, ...). Sub-event names follow the ACLED codebook (plus the wirewatch
``Disasters`` extension).
"""

from __future__ import annotations

from wirewatch import taxonomy as tx

__all__ = [
    "EVENT_TYPE_OF",
    "MAGNITUDES",
    "NUMBER_WORDS",
    "QUALIFIER_MIN",
    "VAGUE_AMOUNTS",
]

# ------------------------------------------------------------------------------ event taxonomy

# Short names of the rule tables; the strings are declared once in wirewatch.taxonomy.
ABDUCTION = tx.ABDUCTION
AGREEMENT = tx.AGREEMENT
AIR = tx.AIR_DRONE_STRIKE
CLASH = tx.ARMED_CLASH
ARRESTS = tx.ARRESTS
ATTACK = tx.ATTACK
CHANGE_GROUP = tx.CHANGE_TO_GROUP
CHEMICAL = tx.CHEMICAL_WEAPON
DISRUPTED = tx.DISRUPTED_WEAPONS_USE
EXCESSIVE = tx.EXCESSIVE_FORCE
GOV_REGAINS = tx.GOVERNMENT_REGAINS_TERRITORY
GRENADE = tx.GRENADE
HQ = tx.HEADQUARTERS_ESTABLISHED
LOOTING = tx.LOOTING
MANMADE = tx.MAN_MADE_DISASTER
MOB = tx.MOB_VIOLENCE
NATURAL = tx.NATURAL_DISASTER
NSA_OVERTAKES = tx.NON_STATE_ACTOR_OVERTAKES_TERRITORY
TRANSFER = tx.NON_VIOLENT_TRANSFER
OTHER = tx.OTHER
PEACEFUL = tx.PEACEFUL_PROTEST
INTERVENTION = tx.PROTEST_WITH_INTERVENTION
IED = tx.REMOTE_EXPLOSIVE
SEXUAL = tx.SEXUAL_VIOLENCE
SHELL = tx.SHELLING_ARTILLERY_MISSILE
SUICIDE = tx.SUICIDE_BOMB
VIOLENT_DEMO = tx.VIOLENT_DEMONSTRATION
EVENT_TYPE_OF = tx.EVENT_TYPE_OF

# Pseudo-labels of triggers whose sub-event type depends on context (see processors.classify).
VIOLENCE = "~violence"  # attack / killed / shot dead: Attack on civilians, else Armed clash
STRIKE = "~strike"  # military "strike(s)": air strike unless a ground-launched weapon is named
MISSILE = "~missile"  # missiles / rockets: shelling unless fired from the air
EXPLOSION = "~explosion"  # bomb / blast / explosion: IED unless air, suicide or grenade cues
PROTEST = "~protest"  # protest / demonstration / rally: peaceful unless intervention cues
FIRE = "~fire"  # fire / blaze: man-made disaster unless set on purpose (arson)

# ------------------------------------------------------------------------------ triggers
# (regex, label, weight). Regexes are case-insensitive, matched on word boundaries; the longest
# alternatives must come first because one alternation is built from the whole table.
# Look-behinds for a headline's killer that is no armed side: weather, a disease, an animal or a
# vehicle ("Heat kills farmer", "Cholera kills child", "Train kills man at crossing"); a bare
# victim after such a "kills" is no incident (checked before "kill", case-insensitive rules).
NOT_ARMED_KILLER_BEFORE = (
    r"(?<!heat )(?<!cold )(?<!snap )(?<!wave )(?<!cholera )(?<!measles )(?<!malaria )"
    r"(?<!disease )(?<!virus )(?<!covid )(?<!fever )(?<!snakebite )(?<!snake )"
    r"(?<!elephant )(?<!tiger )(?<!leopard )(?<!lion )(?<!crocodile )(?<!bear )"
    # the same killers in the plural: "Elephants kill three villagers", "Heat waves kill 30"
    # (not vehicles: "explosive-laden cars kill 12 soldiers", "military trucks kill two")
    r"(?<!waves )(?<!snakes )(?<!elephants )(?<!tigers )(?<!leopards )(?<!lions )"
    r"(?<!crocodiles )(?<!bears )(?<!wolves )(?<!dogs )"
    # a vehicle, unless it is a weapon: "an explosive-laden car kills 12 soldiers"
    + "".join(
        f"(?:(?<!{v} )|"
        + "|".join(
            f"(?<={w} {v} )"
            for w in ("laden", "suicide", "rigged", "trapped", "explosive", "military", "armoured")
        )
        + ")"
        for v in ("train", "bus", "truck", "lorry", "car")
    )
)

# The subject of a kill verb read as its killer (processors.rules): a natural force, a disease,
# an animal, a vehicle or a falling thing is no armed party ("A speeding minibus killed two
# pedestrians", "Rabies kills three children", "A falling tree killed two"); the first of
# these or of an armed or human agent in the clause decides, and a weapon word anywhere in it
# ("a car bomb", "an explosive-laden truck") makes the killer armed. The clause is read in \w+
# words, so a hyphenated weapon word is listed by its parts ("booby-trapped": "booby").
NOT_ARMED_KILLER_NOUNS = frozenset(
    """
    rain rains storm storms wind winds flood floods floodwater floodwaters water waters river
    wave waves heat cold snow frost tree trees wall roof building rock rocks boulder lightning
    disease cholera measles malaria rabies dengue typhoid meningitis ebola covid virus fever
    outbreak hunger famine starvation illness infection epidemic
    animal animals elephant elephants hippo hippos crocodile crocodiles lion lions tiger
    tigers leopard leopards bear bears wolf wolves dog dogs snake snakes bull bulls buffalo
    shark sharks hyena hyenas
    vehicle vehicles bus buses minibus minibuses car cars truck trucks lorry lorries van vans
    train trains tanker tankers trailer taxi motorcycle motorbike tractor boat ferry
    accident crash collision
    """.split()
)
KILLER_AGENT_NOUNS = frozenset(
    """
    gunmen gunman men man attackers attacker assailants assailant militants militant rebels
    rebel soldiers soldier troops army police policemen officers forces militia militiamen
    fighters bandits bandit terrorists terrorist insurgents jihadists hitmen hitman mob
    suspects suspect thugs killers killer sicarios raiders robbers kidnappers
    """.split()
)
KILLER_WEAPON_WORDS = frozenset(
    """
    bomb bombs explosive explosives laden rigged booby suicide ied ieds mine mines
    landmine drone drones missile missiles rocket rockets shell shells grenade grenades gun
    guns gunfire bullets bullet armed military armoured armored
    """.split()
)

# A market's or a measure's subject just before "fell to" (a level, not a side): "shares fell
# to", "the index fell to", "the rupee fell to" (look-behinds, tried only at "fell")
_MARKET_BEFORE = "".join(
    f"(?<!{w} )"
    for w in (
        "shares", "stocks", "stock", "index", "indices", "prices", "price", "currency", "rupee",
        "peso", "naira", "shilling", "lira", "dollar", "euro", "pound", "yen", "rouble", "ruble",
        "bonds", "yields", "yield", "output", "inflation", "rate", "rates", "exports", "imports",
        "sales", "profits", "profit", "revenue", "ratings", "rating", "temperatures", "turnout",
        "production", "unemployment",
    )
)  # fmt: skip

# An armed side as a headline's subject just before its verb ("regime forces control ...",
# "the junta suffers ...").
ARMED_SIDE_BEFORE = (
    "(?:"
    + "|".join(
        f"(?<={w} )"
        for w in (
            "forces",
            "troops",
            "army",
            "rebels",
            "fighters",
            "militants",
            "factions",
            "militias",
            "militia",
            "soldiers",
            "insurgents",
            "jihadists",
            "junta",
            "regime",
            "military",
            "SDF",
            "ISIS",
            "YPG",
            "Tatmadaw",
            "PDF",
            "PDFs",
            "alliance",
            "Alliance",
            "Junta",
            "Army",
            "Forces",
            "Troops",
            "Rebels",
            "Military",
            "Regime",
            "resistance",
            "Resistance",
        )
    )
    + ")"
)

# What an armed side's offensive is against ("an offensive against the rebels").
_ARMED_TARGET = (
    r"(?:rebels|army|militants|insurgents|forces|troops|soldiers|fighters|militias?|jihadists|"
    r"guerrillas|junta|regime|positions|strongholds?|bases?|Islamic State|ISIS|SDF|PDFs?|KIA|AA|"
    r"TNLA|MNDAA|Taliban)"
)
# An offensive of words, not arms ("a charm offensive", "a media offensive against the rebels").
_NOT_ARMED_OFFENSIVE_BEFORE = "".join(
    f"(?<!{w} )"
    for w in (
        "charm",
        "media",
        "diplomatic",
        "propaganda",
        "PR",
        "legal",
        "political",
        "relations",
        "marketing",
        "advertising",
        "peace",
        "verbal",
        "rhetorical",
        "information",
        "sales",
    )
)
# A team's counterattack: "the team's counterattack", "scored on the counterattack".
_NOT_SPORT_BEFORE = "".join(
    f"(?<!{w} )"
    for w in (
        "team's",
        "team’s",
        "club's",
        "club’s",
        "side's",
        "side’s",
        "scored on the",
        "goal on the",
        "goal from a",
        "goal from the",
    )
)
# Where an armed side's "heavy losses" are not a fight's: the polls, the market, the pitch.
_NOT_A_FIGHT = (
    r"(?:elections?|votes?|polls|ballots?|stock|markets|market(?! town| square| place)|"
    r"final|league|cup|tournament|match)\b"
)

TRIGGERS: tuple[tuple[str, str, float], ...] = (
    # --- explosions / remote violence
    (
        r"suicide[\s-](?:bomb(?:er|ers|ing|ings)?|attack(?:er|ers|s)?|vest|car[\s-]bomb(?:er)?)",
        SUICIDE,
        3.0,
    ),
    (
        r"blew (?:himself|herself|themselves) up|"
        # "a member detonates himself at the checkpoint"
        r"detonat(?:ed|es|ing) (?:himself|herself|themselves)\b|"
        r"detonated (?:his|her|their) (?:explosive )?(?:vest|belt)",
        SUICIDE,
        3.0,
    ),
    (r"(?:air|drone|aerial)[\s-]?strikes?|airstrikes?|air[\s-]raids?", AIR, 3.0),
    # barrel bombs are dropped from helicopters
    # "a plane dropped barrels on the market" (not "dropped barrels of oil at the port")
    (
        r"explosive barrels?|barrel[\s-]bombs?|dropped (?:\w+ ){0,2}?barrels (?:on|over|onto)",
        AIR,
        3.0,
    ),
    (
        r"(?:aerial|air) (?:bombardments?|bombings?|attacks?)|drone (?:attacks?|bombing|bombings)",
        AIR,
        3.0,
    ),
    (r"(?:kamikaze|suicide|attack|armed|unmanned) (?:drones?|UAVs?)", AIR, 2.0),
    (r"(?:bombed|strafed) by (?:warplanes|jets|aircraft|helicopters|drones)", AIR, 3.0),
    (
        r"(?:warplanes?|war planes?|(?:fighter )?jets?|aircraft|drones?|helicopters?|gunships?|"
        r"air force|UAVs?|bombers?) (?:[\w'’-]+ ){0,4}"
        r"(?:struck|strikes?|hits?|bomb(?:ed|s)?|pound(?:ed|s)?|target(?:ed|s|ing)?|attack(?:ed|s)?|"
        r"fired (?:missiles|rockets|on|at)|strafed|raid(?:ed|s)?|bombard(?:ed|s)?|"
        r"dropped (?:bombs|explosives))|"
        r"(?:fired|launched|dropped) from (?:an? )?(?:aircraft|warplanes?|jets?|drones?|"
        r"helicopters?)|"
        # "fired at the rebels' camps with two fighter jets"
        r"(?:fired|attacked|bombed|struck|targeted) (?:at )?(?:[\w'’-]+ ){0,6}?with (?:two |three |"
        r"several |an? )?(?:fighter jets|jet fighters|warplanes|military aircraft|helicopter "
        r"gunships)|"
        # "a drone operated by FARC dissidents dropped explosives on ..."
        r"(?:drones?|UAVs?|aircraft|warplanes?|helicopters?) (?:operated|flown|launched|"
        r"controlled|used|belonging) (?:by|to) (?:[\w'’-]+ ){1,4}?(?:struck|hit|bombed|targeted|"
        r"attacked|fired (?:missiles|rockets|on|at)|dropped (?:bombs|explosives|grenades|"
        r"munitions))",
        AIR,
        3.0,
    ),
    # "aerial and ground targeting hits villages": a monitoring group's words for strikes
    (r"(?:aerial|air) (?:and ground )?targeting", AIR, 3.0),
    (r"(?:ground|artillery|rocket|mortar) targeting", SHELL, 2.5),
    (r"shell(?:ing|ed|s)|artillery|mortars?(?: rounds?| shells?| fire| attacks?)?", SHELL, 2.5),
    (r"(?:rocket|missile|artillery) (?:fire|barrages?|attacks?)|barrages?", SHELL, 2.5),
    # headlines: "forces shell villages", "forces shell Kafr Nabudah" (a verb with its object;
    # not "a shell company", "Shell Oil")
    (
        # a place's name is one or more letters ("shell Khan Shaykhon"), and "several areas",
        # "both ... countrysides" are places told by number
        r"shell(?= (?:(?:again|once again|heavily) )?(?:the|a|an|areas?|places|positions?|"
        r"villages?|towns?|cities|neighbou?rhoods?|"
        r"districts?|outskirts|countryside|several|both|more|many|some|various|"
        # "forces shell al-Suwayda": an Arabic article before the name
        r"(?:(?:al|el|ad|as|ar|an|at|az|ash)-)?(?-i:[A-Z])[\w'’-]*)\b)"
        r"(?! (?:Oil|Company|Plc|PLC|Petroleum|Gas|Energy|Station|Shares|Corporation|Global)\b)"
        # a habit is no event: "forces on the other bank shell the region daily"
        r"(?![^.;\n]{0,60}\b(?:daily|every (?:day|night|week)|regularly|routinely|nightly|often|"
        r"frequently|constantly)\b)",
        SHELL,
        2.5,
    ),
    # "bombardment on the town", "forces target areas of ...": ground fire unless told from the
    # air (the missile rule's context decides)
    (
        r"bombard(?:ments?|s|ed|ing)?|target(?:s|ed|ing)? (?:[\w'’-]+ ){0,3}?(?:areas?|villages?|"
        r"towns?|cities|neighbou?rhoods?|districts?|countryside|outskirts|farms|hills)|"
        r"targeting (?:by|of|to|on)",
        MISSILE,
        2.0,
    ),
    # the weapon named as what was fired: "fired a 105 mm howitzer", "attacked ... with RPGs"
    (
        r"howitzers?|rocket-propelled grenades?|RPGs?|(?:rocket |grenade )?launchers?|"
        r"heavy (?:weapons?|artillery|guns)|(?:60|81|82|105|107|120|122|155) ?mm|"
        # monitors' English: "fired heavy artilleries", "fired heavy and small arms at"
        r"artilleries|(?:fired|firing|fires|shot) heavy (?:and small )?arms",
        SHELL,
        2.5,
    ),
    (r"(?:missile|rocket)[\s-]strikes?", MISSILE, 2.5),
    (
        r"(?:close-range |short-range |long-range )?(?:ballistic |cruise |guided |anti-tank |"
        r"surface-to-surface )?missiles?|rockets?|cluster (?:munitions?|bombs?)",
        MISSILE,
        2.0,
    ),
    (
        r"(?:improvised explosive devices?|IEDs?|roadside bombs?|landmines?|land mines?|car bombs?|"
        r"vehicle-borne (?:IED|improvised explosive device)s?|VBIEDs?|explosive devices?|"
        r"booby[\s-]traps?|magnetic bombs?|sticky bombs?|unexploded ordnance)",
        IED,
        3.0,
    ),
    # "attacked the convoy with remote-controlled explosives", "a mine exploded under a truck"
    (
        r"(?:remote[\s-](?:controlled|detonated)|planted|buried|hidden|homemade|home-made) "
        r"(?:\w+ )?(?:explosives|mines?|bombs?)|explosives|mines? (?:exploded|went off)|"
        # "destroyed a power pole with a mine", "set off an explosive targeting a truck", "an
        # explosive destroyed two bridges"
        r"(?:destroyed|damaged|blew up|blowed up|attacked|targeted) (?:[\w'’-]+ ){0,8}?with "
        r"(?:an? |two |three )?(?:handmade |homemade |home-made |remote |improvised )*(?:mines?|"
        r"explosives?)\b|set off (?:an? |two |three )?(?:explosives?|bombs?|mines?)|"
        r"explosive (?:destroyed|damaged|exploded|went off)",
        IED,
        3.0,
    ),
    (
        r"mines? (?:cause[sd]?|kill(?:s|ed)?|claim(?:s|ed)?|wound(?:s|ed)?|"
        r"injur(?:e|es|ed))(?=[ ,])|"
        r"hit (?:a|an) (?:[\w-]+ )?(?:land)?mine|mine (?:blast|explosion)|stepped on a "
        r"(?:[\w-]+ )?(?:land)?mine|anti-(?:tank|personnel) mines?",
        IED,
        3.0,
    ),
    (
        r"(?:car|truck|vehicle) (?:packed|laden|loaded|rigged|filled) with explosives",
        EXPLOSION,
        1.5,
    ),
    (r"(?:hand )?grenades?", GRENADE, 3.0),
    (
        r"chemical (?:weapons?|attacks?|agents?|munitions?)|chlorine(?: gas)?|sarin|nerve agents?|"
        r"mustard gas|poison(?:ous)? gas|toxic (?:gas|substances?|chemicals?|agents?)|"
        r"(?:filled|loaded|laced|packed) with (?:\w+ ){0,2}(?:CS|tear) gas|CS gas",
        CHEMICAL,
        3.0,
    ),
    (
        r"bomb(?:ing|ings|s|ed)?|blasts?|explosions?|explod(?:ed|es)|detonat(?:ed|es|ing|ion)|"
        r"blew up|blown up|blowed up",
        EXPLOSION,
        1.5,
    ),
    (r"strikes?", STRIKE, 1.2),
    (r"struck|hit by", VIOLENCE, 1.0),
    # --- battles
    (
        r"clash(?:es|ed)?|gun ?battles?|fire ?fights?|exchange[sd]? of (?:gun)?fire|"
        r"exchanged fire|skirmish(?:es)?|fighting|fought|firefights?|battle[sd]?|engaged|"
        r"gun ?fights?|shoot-?outs?|"
        # headlines: "fight between rival factions", "fight renews in the desert", "the junta
        # fights to secure a town", "confrontations between narco groups" (not "the fight
        # against corruption")
        r"(?:fights?|confrontations?) between|fights? (?:renews?|renewed|resumes?|resumed|"
        r"erupts?|erupted|rages?|raged|breaks out|broke out)|"
        r"fights? to (?:seize|secure|take|retake|hold|capture|defend|repel|recapture)|"
        # translated reports: "combats between the army and the dissidents", "heavy combats"
        r"combats? between|(?:heavy|fierce|violent|intense) combats?|"
        # "regime forces advance ... at the expense of the Islamic State": ground won in a fight;
        # "rebels fail to take the outpost": an assault that failed
        r"advanc(?:e|es|ed|ing) (?:[\w'’-]+ ){0,8}?at the expense|"
        r"fail(?:s|ed)? to (?:take|capture|seize|storm|recapture|retake)|"
        r"fail(?:s|ed)? to (?:achieve|make) (?:any |an |a )?(?:\w+ )?advance(?:ment|s)?|"
        # "violence between armed groups displaced thousands", "gang violence between rivals"
        r"violence between (?:the )?(?:rival |two |several )?(?:[\w'’-]+ ){0,2}?(?:armed groups|"
        r"gangs|militias|cartels|factions|clans)\b",
        CLASH,
        2.5,
    ),
    (r"ambush(?:ed|es)?", CLASH, 2.0),
    # "militants suffer heavy casualties in army operations": losses in a fight; an armed side's
    # losses too ("the junta suffers heavy losses", "heavy junta losses", "the army loses 30
    # soldiers"; not a company's losses)
    (
        r"suffer(?:s|ed|ing)? (?:heavy |huge |big |serious |severe |many |dozens of )?"
        r"casualties|"
        rf"{ARMED_SIDE_BEFORE}suffer(?:s|ed|ing)? (?:heavy |huge |big |serious |severe |several |"
        r"many |major )?(?:losses|fatalities)"
        # (not at the polls, on the market or on the pitch: "the army suffers heavy losses in
        # the cup final", "the regime suffered heavy losses on the stock market")
        rf"(?! (?:in|at|on) (?:the |this |a |[\w'’-]+ ){{0,3}}?{_NOT_A_FIGHT})|"
        r"heavy (?:[\w'’-]+ ){0,2}?(?:junta|regime|army|military|troop|enemy) (?:losses|"
        r"casualties)|"
        rf"{ARMED_SIDE_BEFORE}los(?:es|t) (?:at least |over |more than |about |nearly |some )?"
        r"(?:\d+|dozens of|scores of|hundreds of|two|three|four|five|six|seven|eight|nine|ten) "
        r"(?:more )?(?:soldiers|troops|fighters|men|members|personnel|officers)\b",
        CLASH,
        2.0,
    ),
    # an offensive or counterattack launched, an armed "engagement": fighting ("the army launches
    # an offensive against the rebels", "a counterattack by the Islamic State", "troops had an
    # engagement with the RCSS"; not a charm, diplomatic or media offensive)
    (
        # (the side attacked named, or an armed side launching it: not "launches an offensive
        # against rivals", "a charm offensive", nor an offensive of words against an armed side:
        # "a media offensive against the rebels")
        f"{_NOT_ARMED_OFFENSIVE_BEFORE}(?:counter-?)?offensives? (?:against|on) "
        rf"(?:the )?(?:[\w'’-]+ ){{0,2}}?{_ARMED_TARGET}\b|"
        rf"{ARMED_SIDE_BEFORE}(?:launch(?:es|ed|ing)?|beg[ia]ns?|start(?:s|ed)|open(?:s|ed)) "
        r"(?:a |an |the |its |their |new |fresh |major |large-scale |ground |military |heavy )*"
        r"(?:counter-?)?offensives?\b|"
        # a counterattack (not a team's or a company's: "scored on the counterattack", "a legal
        # counterattack"; war reports name the side in many ways, "counterattack of ISIS
        # groups", "Jaish al-Islam is carrying out a counter-attack", so sport and court words
        # before it are what is left out)
        rf"{_NOT_ARMED_OFFENSIVE_BEFORE}{_NOT_SPORT_BEFORE}counter-?attack(?:s|ed|ing)?\b|"
        # an engagement of an armed side (not the president's engagement with the press)
        rf"{ARMED_SIDE_BEFORE}(?:ha[sd]|have) (?:an? )?(?:armed |military |brief |fierce |heavy )?"
        r"engagements? with|"
        r"armed engagements?",
        CLASH,
        2.5,
    ),
    # "rebels destroy a tank and three vehicles of the regime forces"
    (
        r"(?:destroy(?:ed|s)?|disabl(?:ed|es?)|knock(?:ed|s)? out) (?:a |an |the |\w+ ){0,2}?"
        r"(?:tanks?|armou?red vehicles?|military vehicles?|BMPs?|armou?red personnel carriers?)",
        CLASH,
        2.0,
    ),
    (
        r"(?:re-?captured|retook|retaken|regained (?:full )?(?:control|territory)|liberated|"
        # headlines in the present: "forces retake key district", "army recaptures the town"
        r"re-?takes?|retaking|re-?captures?|recapturing|"
        r"re-?took (?:full )?control|recovered control|regain(?:ed)? (?:full )?control|"
        r"cleared (?:\w+ ){0,2}(?:insurgents|militants|jihadists|rebels|fighters|terrorists) "
        r"(?:from|out of))",
        GOV_REGAINS,
        3.0,
    ),
    (
        r"(?:(?:seized|took|taken|gained|assumed) (?:full |complete |total )?control|overran|"
        r"overrun|took over|swept into|stormed into|seized (?:large |most |several )?parts of|"
        # headlines tell it in the present: "resistance seizes border town"
        r"(?:captured|seized|took|taken|occupied|overran|captures?|seizes?|takes|occupies|"
        r"overruns?)(?: control of)? (?:[\w'’-]+ ){0,5}?"
        r"(?:town|city|village|villages|district|bases?|area|territory|locality|hills?|hilltops?|"
        r"airport|county|region|commune|positions?|outposts?|garrison|camps?|headquarters|"
        r"crossing|strongholds?|barracks)|"
        # "outposts fall to the resistance", "the town falls into the hands of ..." (a place that
        # falls; not "prices fall to", "it falls to the court")
        r"(?:towns?|city|cities|villages?|bases?|outposts?|camps?|garrisons?|strongholds?|"
        r"positions|headquarters|barracks|(?<!council )(?<!party )(?<!cabinet )posts) "
        r"(?:[\w'’-]+ )?(?:falls?|fell) (?:to|into the hands of)\b"
        # (not to water or fire: "villages fall to floodwaters")
        r"(?! (?:the )?(?:rising )?(?:flood|floods|floodwaters|waters?|sea|river|fire|flames|"
        r"wildfires?|lava|mudslides?)\b)|"
        # "the militia captured ground east of the river" (not "gained ground in the polls")
        r"(?:captured|seized|took) (?:more |new |some |key |strategic )?ground\b|"
        r"(?:captured|seized|overran|occupied) (?-i:[A-Z])\w+|"
        # "captured the port of Mocimboa da Praia" (the port right after the verb: not "seized
        # cocaine at the port of Durban")
        r"(?:captured|seized|overran|occupied|captures?|seizes?) (?:control of )?the "
        r"(?:[\w-]+ )?port (?:city |town )?of\b|"
        # a side takes what "fell to" it; a price, an index or a share falls to a level ("shares
        # fell to their lowest level", "the index fell to 1,200 points", "the rupee fell to a
        # record low")
        rf"{_MARKET_BEFORE}fell to(?! (?:a |an |the |its |their |new |fresh )?(?:[\d$€£¥]|"
        r"record|all-time|lowest|low\b|lows\b|highest|levels?\b|points?\b|zero|par\b|"
        r"multi-year|(?:\w+[ -])?(?:year|month|week|decade)s?['’]? lows?))|"
        r"fell into the hands of|"
        r"under (?:the )?(?:full )?control of|"
        r"pushed (?:\w+ ){0,3}?out of|drove (?:\w+ ){0,3}?out of|"
        r"(?:was|were) (?:now )?in (?:full )?control of|"
        # translated: "the SDF take the control of an important town"
        r"(?:take|takes|took|taking) the control of|"
        # "the city slipped from government control", "consolidated their hold on the city"
        # "seized the army's northeastern command in Lashio" (not "took command of the unit")
        r"(?:captured|seized|overran) (?:the )?(?:[\w'’-]+ ){0,3}?(?:military |regional |"
        r"operations? )?command\b(?! of)|"
        r"(?:slipped|fell) (?:out of|from) (?:the )?(?:government|state|regime|army|military) "
        r"control|consolidated (?:their|its|his) (?:hold|grip|control) (?:on|over)|"
        r"expelled (?:\w+ )?from|advanced into|(?:take|takes|seize|seizes) (?:full )?control|"
        r"advance[sd]? (?:[\w-]+ ){0,4}?and (?:take|seize|capture|control))",
        NSA_OVERTAKES,
        2.5,
    ),
    # an armed side's advance is fighting, not yet a change of control: "regime forces advance
    # in the countryside", "rebels advance toward the airport", "achieve a new advancement" (the
    # advancing side armed; not "in advance of", "advances in medicine"; not an aim: "to achieve
    # an advancement")
    (
        r"(?:(?<=forces )|(?<=troops )|(?<=rebels )|(?<=fighters )|(?<=army )|(?<=militants )|"
        r"(?<=factions )|(?<=militias )|(?<=militia )|(?<=soldiers )|(?<=insurgents )|"
        r"(?<=jihadists )|(?<=SDF )|(?<=ISIS ))advance[sd]? (?:more |further |deeper |again )?"
        r"(?:in|into|over|on|toward|towards|near|inside|controlling|against|north|south|east|"
        r"west)\b|"
        r"(?<!to )achiev(?:e|es|ed) (?:a |an )?(?:\w+ )?advancement",
        CLASH,
        2.0,
    ),
    # control gained told without a capture verb: "expand their control", "controls new
    # points", "end the presence of the Islamic State in", "take over the last pocket",
    # "restores all areas it lost" (not an aim: "to end the presence")
    (
        r"(?<!to )(?:expand|extend)(?:s|ed)? (?:their|its) (?:scope of |area of |areas of )?"
        r"control|"
        r"controls? new (?:points|positions|villages|areas|hills?|hilltops?|neighbou?rhoods)|"
        # an armed side that controls places, told in the present: "the SDF control a town",
        # "regime forces control 4 villages" (not "controls the budget", nor an aim: "to control";
        # the places are what is controlled, not where: "controls access to villages", "police
        # forces control traffic in the city")
        rf"{ARMED_SIDE_BEFORE}controls? (?:(?!(?:to|in|at|on|around|near|into|from|for|with)\b)"
        r"[\w'’-]+ ){0,4}?(?:towns?|villages?|cities|city|"
        r"farms|hills?|hilltops?|bases?|outposts?|neighbou?rhoods?|positions|areas|points)\b|"
        r"(?<!to )end(?:s|ed)? the presence of|"
        r"takes? over (?:the )?(?:last |remaining |entire |whole )?(?:[\w'’-]+ )?(?:pocket|"
        r"town|city|village|area|neighbou?rhood|district|base|positions?|hills?)\b|"
        r"restor(?:e|es|ed) (?:all |most |the )?(?:areas|positions|villages|points) "
        r"(?:it|they) (?:had )?lost",
        NSA_OVERTAKES,
        2.0,
    ),
    # --- violence against civilians
    (
        r"abduct(?:ed|ion|ions|s)?|kidnap(?:ped|ping|pings|s)?|taken hostage|took hostage|"
        r"took (?:[\w-]+ ){1,3}hostages?|"
        r"held hostage|hostage-taking|forcibly disappeared|enforced disappearance|went missing|"
        r"taken (?:\w+ ){0,3}as hostages?|(?:seized|snatched|grabbed) (?:[\w-]+ ){0,3}?(?:workers|"
        r"civilians|villagers|passengers|students|pupils|children|women|girls|farmers|traders|"
        r"travell?ers|tourists|nationals|engineers|priests?|pastors?|worshippers)",
        ABDUCTION,
        3.0,
    ),
    (
        r"rap(?:ed|e|es|ing)|sexual(?:ly)? (?:violence|assault(?:ed)?|abuse[d]?)|gang-raped",
        SEXUAL,
        3.0,
    ),
    (
        r"massacre[ds]?|execut(?:ed|ion|ions)|lynch(?:ed|ing)?|beheaded|hacked to death|"
        # present tense and infinitive of headlines: "rebels execute a chief", "behead a farmer"
        r"execut(?:es?|ing)(?! (?:a |an |the |its |their |his |her )?(?:\w+ )?(?:plans?|orders?|"
        r"warrants?|search(?:es)?|strateg(?:y|ies)|contracts?|deals?|projects?|programs?|"
        r"programmes?|trades?|transactions?|code|budget|tasks?|mandates?|decisions?)\b)|"
        r"assassinat(?:es?|ing)|behead(?:s|ing)?|decapitat(?:es?|ed|ing)|dismember(?:s|ed)?|"
        # bodies left or found: "they leave a body on a road", "a lifeless man is found"
        r"(?:leaves?|left|dump(?:s|ed)?|abandon(?:s|ed)?|throws?|threw|thrown|toss(?:es|ed)?|"
        r"hangs?|hanged|hung) (?:[\w'’-]+ ){0,3}?(?:bod(?:y|ies)|corpses?|"
        r"human remains|remains of|(?:human|severed) (?:heads?|parts|limbs)|torsos?)|"
        r"(?:finds?|found|locates?|located) (?:[\w'’-]+ ){0,3}?(?:corpses?|(?:human|severed) "
        r"(?:heads?|remains|skeletons?|limbs)|head of a (?:man|woman|person))|"
        r"lifeless (?:[\w'’-]+ )?(?:man|men|woman|women|person|people|body|bodies) "
        r"(?:[\w'’-]+ )?(?:found|located|discovered)|"
        r"(?:finds?|found|locates?|located|discover(?:s|ed)?|leaves?|left|dump(?:s|ed)?|"
        r"abandon(?:s|ed)?) (?:[\w'’-]+ ){0,2}?(?:dead|"
        r"lifeless|murdered|dismembered|decapitated|mutilated|bound|tortured|bagged|burned|burnt|"
        r"charred|calcined|strangled|executed) "
        r"(?:[\w'’-]+ )?"
        r"(?:man|men|woman|women|person|persons|people|youth|youths|subject|subjects|couple|"
        r"bod(?:y|ies)|corpses?)|"
        r"found (?:dead|lifeless|slain|murdered|dismembered|decapitated|mutilated|strangled|"
        r"executed)|(?:torsos?|corpses?|bod(?:y|ies)) (?:[\w'’-]+ ){0,3}?(?:placed|hanged|hung|"
        r"hanging|appear(?:s|ed)?)|riddled with bullets|"
        # present-tense headline verbs with a victim: "militants execute two men", "gunmen slay
        # three soldiers", "troops behead a villager"
        r"(?:execute|executes|executing|slays?|slew|behead(?:s|ing)?|slaughters?) (?=(?:"
        r"two|three|four|five|six|seven|eight|nine|ten|\d+|him|them)\b)|"
        r"stabbed(?: to death)?|shot dead|gunned down|shot and killed|burned alive|tortured|"
        r"burn(?:ed|t) (?:\w+ ){0,3}?to death|(?:bodies|corpses|remains) of (?:[\w-]+ ){0,6}?"
        r"(?:were |had been |have been )?(?:found|discovered|recovered|dumped)|"
        r"(?:found|discovered|recovered) (?:the )?(?:[\w-]+ ){0,2}?(?:bodies|corpses)|"
        # "they find a body with signs of torture", "police locate human remains in a ravine"
        r"(?:finds?|locate[sd]?|discover(?:s|ed)?|recover(?:s|ed)?|exhume[sd]?|unearth(?:s|ed)?) "
        r"(?:[\w'’-]+ ){0,4}?(?:bod(?:y|ies)|corpses?|remains)|"
        r"(?:bod(?:y|ies)|corpses?|human remains) (?:[\w'’-]+ ){0,6}?(?:found|located|discovered|"
        r"dumped|abandoned|left|thrown)|"
        # found with a singular object or a local word: "they found a body wrapped in a blanket",
        # "came across a corpse", "they locate an 'encobijado'" (a body wrapped in a blanket),
        # "bagged", "entambado" (in a drum), "find a clandestine grave", "narco-fosas"; and a
        # human head or remains first: "human head found", "human remains hang from a bridge"
        r"(?:finds?|found|locates?|located|discover(?:s|ed)?|discovery of|came across|"
        r"comes? across|uncover(?:s|ed)?|unearth(?:s|ed)?|leaves?|left|abandon(?:s|ed)?) "
        r"(?:[\w'’\"“”´-]+ ){0,3}?[\"'“‘´]?"
        r"(?:(?<!new )(?<!governing )(?<!advisory )(?<!regulatory )(?<!independent )"
        r"(?<!oversight )(?<!joint )(?<!electoral )bod(?:y|ies)(?! of (?:evidence|work|"
        r"knowledge|research|literature|law|water|text|opinion|data))|corpses?|cadavers?|"
        r"(?:human|severed) (?:heads?|limbs)|(?:clandestine|narco) graves?|(?:narco-?)?fosas?|"
        r"(?:two|three|four|five|six|seven|eight|nine|ten|\d+|(?:man|woman|person)['’]s) "
        r"heads?(?! of\b)|"
        r"(?:the )?head of an? (?:man|woman|person|victim|youth|young (?:man|woman))|"
        r"bagged|encobijad[oa]s?|cobijad[oa]s?|entambad[oa]s?|embolsad[oa]s?)|"
        r"(?:(?:human|severed|man's|woman's) (?:heads?|limbs|remains)|encobijad[oa]s?|"
        r"entambad[oa]s?)[\"'”’´]? (?:[\w'’-]+ ){0,6}?(?:found|located|discovered|left|dumped|"
        r"abandoned|"
        r"thrown|appear(?:s|ed)?|hang|hung|hanging)|"
        r"shot to death|shoots? (?:\w+ )?dead|(?:shoots?|shot) and kill(?:s|ed)?|"
        # the victim between the verb and "dead": "they find a man dead", "found him dead"; and
        # the translated "sin vida" / "privado de la vida" of Mexican reports: "they locate two
        # men without life", "the young men deprived of life"
        r"(?:finds?|found|locates?|located|discover(?:s|ed)?) (?:[\w'’-]+ ){0,2}?"
        r"(?:man|men|woman|women|person|persons|people|youths?|boys?|girls?|minors?|"
        r"teenagers?|child|children|subjects?|individuals?|couple|victims?|bod(?:y|ies)|"
        r"corpses?|him|her|them) (?:dead|lifeless|without life|burned|burnt|charred|calcined|"
        r"dismembered|decapitated|tortured)|"
        # people hung from a bridge or a tree: "two men hung from a bridge", "gunmen hang three
        # men from an overpass"
        r"(?:hangs?|hanged|hung) (?:[\w'’-]+ ){0,3}?(?:m[ae]n|wom[ae]n|people|persons|bod(?:y|ies)|"
        r"corpses?|victims?) from (?:a |an |the )?(?:bridge|overpass|footbridge|tree|pole)|"
        r"(?:m[ae]n|wom[ae]n|people|persons|bod(?:y|ies)|corpses?|victims?) "
        r"(?:were |was |are |is )?(?:hung|hanged|hanging) from (?:a |an |the )?"
        r"(?:bridge|overpass|footbridge|tree|pole)"
        # (not a suicide told in the same clause: "a man hanged from a tree in a suspected
        # suicide")
        r"(?![^.\n]{0,80}?\bsuicid)|"
        r"(?:man|men|woman|women|person|persons|people|youths?|boys?|girls?|minors?|"
        r"teenagers?|child|children|subjects?|individuals?|couple|victims?|bod(?:y|ies)|"
        r"corpses?|him|her|them) (?:[\w'’-]+ )?without life|deprived of (?:\w+ )?life|"
        # "they deprive a young man of his life", "they riddled a man" (with bullets), and the
        # machine-translated "encobijado" found: "they find a sheltered man", "find two cowering"
        r"depriv(?:e|es|ed|ing) (?:[\w'’-]+ ){1,3}?of (?:his|her|their) li(?:fe|ves)|"
        r"riddle[sd]? (?:him|her|them|(?:a|an|two|three|four|five) (?:[\w'’-]+ )?(?:man|men|"
        r"woman|women|person|people|youths?|boys?|girls?|driver|couple))|"
        r"(?:finds?|found|locates?|located) (?:a |an |two |three |four |five )?(?:sheltered|"
        r"cowering)\b",
        VIOLENCE,
        2.0,
    ),
    (
        r"open(?:ed)? fire|shot at|shooting|shootings|gunmen|gunfire|attack(?:ed|s|ing)?|"
        # a military communique's kill words: "destroyed 65 soldiers", "neutralised 12
        # terrorists", "20 militants eliminated by the army" (not "eliminated from the cup",
        # "destroyed three tanks")
        r"(?:destroy(?:ed|s)?|eliminat(?:ed|es|e)|neutrali[sz](?:ed|es|e)|liquidat(?:ed|es|e)|"
        r"decimat(?:ed|es|e))(?= (?:up to |at least |about |over |more than |nearly |around )?"
        r"\S+ (?:[\w'’-]+ ){0,2}?(?:soldiers|servicemen|troops|militants|terrorists|insurgents|"
        r"rebels|fighters|gunmen|jihadists|bandits|militiamen|mercenaries|occupiers|invaders)\b)|"
        r"(?:eliminated|neutrali[sz]ed|liquidated|decimated)(?= by (?:the )?(?:[\w'’-]+ ){0,3}?"
        r"(?:forces|troops|army|soldiers|military|police)\b)|"
        r"(?:(?<=militants )|(?<=terrorists )|(?<=insurgents )|(?<=militants were )|"
        r"(?<=terrorists were )|(?<=insurgents were )|(?<=fighters were )|(?<=rebels were ))"
        r"(?:eliminated|neutrali[sz]ed|liquidated)|"
        # "the killing of 22 in a village": a killing told as a noun with its count
        r"killing of (?=(?:at least |some |about |over |more than )?(?:\d+|two|three|four|five|"
        r"six|seven|eight|nine|ten|eleven|twelve|dozens|scores|hundreds)\b)|"
        # "sniper bullets wounded mourners", "a regime sniper's fire killed a boy"
        r"snipers?(?:'s?|’s?)? (?:fire|bullets?|shots?|shot|kill(?:s|ed)?|wound(?:s|ed)?|"
        r"injur(?:es|ed)|target(?:s|ed)?)|"
        r"raid(?:ed|s)?|assault(?:ed|s)?|murder(?:ed|s)?|assassinat(?:ed|ions?)|stormed|storming|"
        r"homicides?|killings|"
        # a transitive kill is an event, not only its outcome: "gunmen kill a merchant" (nor
        # here when weather, a disease, an animal or a vehicle kills: "Cholera kills three
        # children", NOT_ARMED_KILLER_BEFORE)
        + NOT_ARMED_KILLER_BEFORE
        + r"kill(?:s|ing)? (?:a|an|him|her|them|one|two|three|four|five|six|seven|eight|nine|ten|"
        r"\d+)|"
        # "kill its crew", "kill mother and son", "Army Kills Villagers" (title case)
        + NOT_ARMED_KILLER_BEFORE
        + r"kill(?:s|ing)? (?:the|its|their|his|her|another|more|several|dozens|scores|hundreds|"
        r"many|mother|father|son|daughter|brothers?|sisters?|(?:[\w'’-]+ )?(?:civilians|villagers|"
        r"people|men|women|children|soldiers|troops|members|fighters|policemen|officers)|"
        r"(?-i:[A-Z])\w+|[\"“‘'](?=\w)|unit|half|high)|kills?(?:,| and) (?:injure|wound|maim)s?|"
        # a headline's victim without an article ("Military kills civilian", "troops kill
        # teacher"), and a kill told with what was done to the body ("kill and burn two
        # villagers", "shoot, kill farmer")
        # (not when weather, a disease, an animal or a vehicle kills: NOT_ARMED_KILLER_BEFORE)
        + NOT_ARMED_KILLER_BEFORE
        + r"kills? (?:[\w'’-]+ )?(?:civilian|villager|farmer|teacher|student|woman|man|boy|girl|"
        r"child|teenager|youth|monk|doctor|nurse|journalist|activist|administrator|official|"
        r"headman|resident|worker|driver|trader|shopkeeper)\b(?!['’])"
        r"(?=\s*(?:$|[,.;:!?)]|(?:in|at|on|near|after|during|while|from|with|and|for|outside|"
        r"inside|amid|over|by)\b))|"
        r"kills?,? and (?:burn|torch|behead|mutilate|dismember|loot|rape)s?\b|"
        r"(?<=shoot, )kills?\b|(?<=shoots, )kills?\b|"
        r"shoot(?:s|ing)? (?:and (?:kill|wound|injure) )?(?:a|an|the|his|her|their|him|them|two|"
        r"three|four|five|six|seven|eight|nine|ten|\d+|mother|father|people|men|women|"
        r"(?-i:[A-Z])\w+)|"
        # headlines: "they shoot one outside a shop", "hitmen shoot family", "shoot at a couple",
        # "gun down a tribal elder"
        r"shoots? (?:at )?(?:one|another|family|man|woman|boy|girl|child|youth|teacher|"
        r"cyclist|driver|couple|at them|at him|at her)|gun(?:s|ning)? down|"
        # the headline passive without its verb: "young man shot in Jacona", "two civilians
        # shot in a crackdown" (not "shot a video", "shot down")
        r"(?:m[ae]n|wom[ae]n|boys?|girls?|child|children|youths?|civilians?|villagers?|"
        r"residents?|soldiers?|officers?|policem[ae]n|fighters?|people|persons?|drivers?|"
        r"students?|teenagers?|minors?|friends|journalists?|activists?|two|three|four|five|six|"
        r"seven|eight|nine|ten) (?:(?:is|are|was|were) )?shot"
        r"(?= (?:in|at|on|while|whilst|near|outside|inside|by|during|after|as)\b|[,;:.]|$)|"
        # the passive "is shot", "was fatally shot"; a look-behind so that the scan tries this
        # rule at "shot" only, not at every "is" and "was"
        r"(?:(?<=\bis )|(?<=\bare )|(?<=\bwas )|(?<=\bwere )|(?<=\bbeen )|(?<=\bbeing )|"
        r"(?<=\bgets )|(?<=\bgot )|(?<=\bget )|(?<=ly ))shot\b"
        r"(?! down| at| dead| to death| and kill)|"
        # "they shot a man", "shot 9 times", "shot by soldiers", "found shot" (not "shot a video")
        r"shot (?:a|an|another|two|three|four|five|six|\d+|(?-i:[A-Z])\w+)(?! (?:\w+ )?(?:video|"
        r"film|movie|footage|photos?|pictures?|scenes?|documentary|goals?|glances?))\b|"
        r"shot (?:\d+|several|multiple|many|two|three|four|five|six|seven|eight|nine|ten) times|"
        r"shot by (?:[\w'’-]+ ){0,2}?(?:soldiers|troops|police|gunmen|men|forces|attackers|"
        r"assailants|militants|unknown|an? )|found shot|"
        r"riddled (?:[\w'’-]+ ){1,3}?with bullets|bullet-riddled|gunshot wounds|"
        r"(?:(?<=\btake )|(?<=\btakes )|(?<=\btook )|(?<=\btaken ))the li(?:fe|ves) of|"
        # (one animal as well as many: "slaughtered a cow")
        r"slaughter(?:s|ed|ing)?(?! (?:of )?(?:\w+ )?(?:cattle|cows?|livestock|animals?|sheep|"
        r"goats?|pigs?|chickens?|poultry|camels?|lambs?|buffalo(?:e?s)?|oxen|ox|bulls?|"
        r"calf|calves|hens?|rams?)\b)|"
        # "the factions target regime positions": armed targets (places are the missile rule's);
        # present tense only, as headlines tell it: a past "had targeted fighters" is mostly a
        # party's account of a strike told before
        r"targets? (?:[\w'’-]+ ){0,3}?(?:positions?|posts?|checkpoints?|bases?|"
        r"airbase|convoys?|patrols?|forces|troops|soldiers|members|headquarters|fighters|"
        r"militiamen)|targets? (?-i:[A-Z])\w+|"
        r"beat (?:up )?(?:\w+ ){0,2}?(?:residents|villagers|civilians|people|men|women|them|him|"
        r"her|worshippers|passengers)",
        VIOLENCE,
        1.2,
    ),
    # "ten policemen were martyred", "five martyrs were pulled from the rubble" (monitors' and
    # translated copy); "died in an encounter with troops" (South and South-East Asian English
    # for a gunfight with security forces). A rule of its own: words starting like these
    # ("encourage", "market") do not make the big rule above be tried.
    (
        r"martyr(?:ed|s|dom)|encounters? (?:with|between) (?:[\w'’-]+ ){0,3}?(?:troops|police|"
        r"policemen|soldiers|security forces|army|militants|rebels|insurgents|gunmen|forces|"
        r"guerrillas|bandits|terrorists)\b|encounter killings?",
        VIOLENCE,
        1.2,
    ),
    # a monitor's located toll ("casualties in the northern countryside", "40 casualties and
    # injuries in a neighbourhood of the city", "human losses in X"): people killed or hurt
    # there, an event even with no violent word; not a road's or a flood's casualties, nor
    # "no casualties in ...", nor a running total ("the number of casualties in the area
    # since ...", "more casualties in the 22nd week"), nor more of an event told by its own
    # words, nor losses "due to" hunger or illness (no place right after the word)
    (
        # (the word first, the words before it as look-behinds: the trigger index tries a rule
        # only at words that start like it)
        r"(?:casualties(?<!\bno casualties)(?<!\bany casualties)(?<!road casualties)"
        r"(?<!traffic casualties)(?<!flood casualties)(?<!storm casualties)(?<!heat casualties)"
        r"(?<!human casualties)(?<!injury casualties)(?<!covid casualties)"
        r"(?<!covid-19 casualties)(?<!virus casualties)|(?-i:[Hh])uman losses)"
        r"(?<!number of casualties)(?<!numbers of casualties)(?<!toll of casualties)"
        r"(?<!more casualties)(?<!More casualties)(?<!more human losses)(?<!More human losses)"
        r"(?= (?:and (?:injuries|wounded|injured) )?(?:at least )?(?:in|near|at|among) )"
        # (nor a year's statistics: "casualties in Idlib fell by a third in 2023")
        r"(?![^.;\n]{0,80}?\b(?:since|week|weeks|month|months|days|year|years|(?:19|20)\d\d)\b)",
        VIOLENCE,
        1.0,
    ),
    (
        r"(?:drove|rammed|ploughed|plowed|driven) (?:a |an |his |her |their |the )?(?:\w+ )?"
        r"(?:car|vehicle|truck|lorry|van|SUV|pickup) (?:\w+ ){0,2}?into|car-ramming|ramming attack",
        VIOLENCE,
        2.0,
    ),
    (
        r"kill(?:ed|ing|s)?|slain|dead|died|dies?|deaths?|wounded|injur(?:ed|ing|ies|y|ied)|"
        # a maimed victim: "lost her leg", "both of his legs were cut off"
        r"lost (?:his|her|a|an|both) (?:\w+ )?(?:legs?|arms?|limbs?|hands?|feet|foot)|"
        r"(?:legs?|arms?|limbs?|hands?|feet|foot) (?:was|were) (?:cut off|amputated|blown off)",
        VIOLENCE,
        0.6,
    ),
    # --- protests and riots
    (
        r"protest(?:s|ed|ing|ers?)?|demonstrat(?:ion|ions|ors?|ed|ing)|rall(?:y|ies|ied|ying)|"
        r"(?-i:[Mm]arch(?:ed|es|ers|ing)|march)|sit-ins?|picket(?:ed|s)?|hunger strikes?|on strike|"
        r"general strike|went on strike|walk-?outs?|vigil|(?:protest )?encampments?|"
        r"gathered (?:peacefully|outside|in front of|to (?:protest|denounce|demand|condemn))|"
        # a crowd gathered somewhere for a cause: "gathered on Saturday in the main square to
        # contest the results" (the word after "gathered" is no object: "gathered evidence")
        r"gathered (?:on|in|at|near|outside|yesterday|today|early|late|this|last) "
        r"(?:[\w'’-]+ ){0,9}?to (?:protest|denounce|demand|condemn|contest|reject|oppose|"
        r"support|call for|express)\b|"
        # "police firing rubber bullets and tear gas on the highway" (a crowd is implied)
        r"rubber bullets|"
        r"(?:fired|used|lobbed|launched|threw) tear ?gas(?: and [\w-]+(?: [\w-]+)?)? "
        r"(?:at|on|to disperse|against|into)|"
        # security forces using gas on a gathering: "the forces of order intervened with gas",
        # "police dispersed the crowd with tear gas" (a gas attack is a chemical weapon above)
        r"(?:tear ?)?gas to disperse|intervened with (?:tear ?)?gas|"
        r"dispers(?:ed|ing) (?:[\w'’-]+ ){0,3}?with (?:tear ?)?gas",
        PROTEST,
        2.5,
    ),
    (
        r"riot(?:s|ed|ing|ers)?(?![\s-](?:police|gear|shields?|squads?|control|officers|units?|"
        r"troops|act))|stone-pelting|pelted|(?:threw|hurled|throwing|hurling) (?:\w+ ){0,2}?"
        r"(?:stones|rocks|petrol bombs|molotov cocktails|bottles|bricks|fireworks|projectiles|"
        r"firecrackers)|"
        # "officers taken to hospital after disorder in the city centre", "violent disorder"
        # (not "an eating disorder", "retreated in disorder")
        r"violent disorder|trouble (?:flared|broke out|erupted)|"
        r"(?:after|during|amid) (?:a (?:night|day|weekend|evening) of |the |serious )?disorder\b",
        VIOLENT_DEMO,
        2.0,
    ),
    (
        r"torched|set (?:fire|ablaze) to|set on fire|set (?:\w+ ){1,5}(?:on fire|ablaze|alight)|"
        r"vandali[sz]ed|arson|"
        # headlines: "troops torch villages", "raze houses" (not "the torch relay")
        r"(?:torch(?:es|ing)?|raz(?:es?|ed|ing)) (?:[\w'’-]+ ){0,2}?(?:villages?|houses|homes|"
        r"huts|shops|buildings|vehicles|cars|markets?|churches|mosques|monaster(?:y|ies))",
        LOOTING,
        2.0,
    ),
    # "vigilantes" alone are mostly community self-defence groups (Nigeria, Burkina Faso) that
    # fight armed groups; only their killings of suspects are mob violence
    (r"mob(?:s)?|lynch mob|vigilante (?:justice|killings?|attacks?|violence)", MOB, 2.5),
    (
        r"(?:crowds?|youths|mobs?|villagers|residents) (?:[\w-]+ ){0,5}?(?:attacked|beat|lynched|"
        r"chased|stormed|torched|hacked|stoned)|beat(?:en)? (?:\w+ ){0,3}to death|"
        r"(?:crowd|mob)s? of (?:[\w-]+ ){0,5}?(?:killed|burned|hacked|set upon)|"
        r"(?:residents|villagers) of (?:[\w'’-]+ ){0,5}?(?:killed|burned|lynched)|"
        r"(?:crowds?|gangs?|groups?) of (?:\w+ ){0,2}youths",
        MOB,
        2.6,
    ),
    # --- strategic developments
    (
        r"arrest(?:ed|s|ing)?(?! warrants?)|detain(?:ed|s)?|apprehended|taken into custody|"
        r"rounded up",
        ARRESTS,
        2.0,
    ),
    (
        r"defus(?:ed|ing)|disarmed|dismantl(?:ed|ing) (?:a|an|the|two|three|several)? ?"
        r"(?:bomb|explosive|IED|device)s?|foiled|thwarted|intercepted|shot down|"
        r"(?:seized|confiscated|recovered) (?:a )?(?:cache|weapons|arms|ammunition|explosives)|"
        r"weapons cache|arms cache|caches? of (?:weapons|arms|explosives|ammunition)|"
        r"(?:destroyed|downed|neutrali[sz]ed) (?:[\w-]+ ){0,3}?(?:drones|UAVs|missiles|rockets)|"
        # weapons found, seized or made safe: "found a cache of rifles", "seized two landmines"
        r"(?:found|discovered|seized|recovered|confiscated|unearthed|uncovered)"
        r"(?: and (?:\w+ ){0,2}?(?:detonated|destroyed|defused|removed|disposed of))? "
        r"(?:[\w-]+ ){0,5}?(?:weapons|arms|rifles|guns|firearms|ammunition|munitions|explosives|"
        r"(?:land)?mines|grenades|bombs?|IEDs?|shells?|rockets|mortars?|explosive devices?|"
        r"detonators)|"
        r"(?:weapons|arms|rifles|guns|ammunition|explosives|(?:land)?mines?|grenades?|bombs?|"
        r"IEDs?|shells?|explosive devices?) (?:\w+ ){0,3}?(?:were|was) (?:\w+ )?(?:found|"
        r"discovered|seized|recovered|confiscated|defused|disarmed)(?! (?:near|beside|next to) "
        r"(?:the )?(?:bodies|body))|safely detonated|(?:made|rendered) safe",
        DISRUPTED,
        3.0,
    ),
    (
        r"ceasefire|cease-fire|truce|peace (?:deal|agreement|accord)|signed an agreement|"
        r"prisoner (?:swap|exchange)|released (?:\w+ )?(?:prisoners|hostages|detainees)|"
        r"exchanged (?:\w+ ){0,3}(?:prisoners|captives|detainees|bodies)|"
        r"(?:signed|reached|agreed|struck|brokered) (?:\w+ ){0,3}(?:deal|agreement|accord|pact)|"
        # talks that took place (talks only planned or demanded are irrealis)
        r"(?:held|hold|resumed|opened|began|concluded|started|launched) (?:\w+ ){0,3}?"
        r"(?:talks|negotiations)|(?:talks|negotiations) (?:\w+ ){0,8}?(?:resumed|opened|began|"
        r"were held|ended|concluded|took place)",
        AGREEMENT,
        2.0,
    ),
    (
        r"loot(?:ed|ing|s)?|pillag(?:ed|ing)|ransack(?:ed|ing)|plunder(?:ed)?|"
        r"demolish(?:ed)?|burn(?:ed|t) (?:down )?(?:houses|homes|shops|villages|huts)",
        LOOTING,
        2.0,
    ),
    (
        r"withdr(?:ew|awn|aw|awing|aws) (?:\w+ ){0,2}from|withdrawal (?:\w+ ){0,2}from|"
        r"handed over (?:control|the (?:\w+ )?(?:town|city|village|base|area|territory|region|"
        r"district|positions?|airport|camp|garrison|border|province))|"
        # not "handed over a petition", "begin handing over weapons", "handed over to police"
        r"hand(?:ed|ing)? (?:it )?over(?! (?:to )?(?:a |an |the |their |its |his |her )?(?:\w+ )?"
        r"(?:petitions?|letters?|memorand\w*|lists?|weapons|arms|guns|rifles|suspects?|bodies|"
        r"body|documents|reports?|demands|statements?|keys|cash|money|aid|hostages?|prisoners|"
        r"captives|detainees|police|authorities))|handover of|"
        r"pulled out (?:of|from)|retreated from|without (?:a fight|resistance|"
        r"fighting|a shot)|peacefully (?:took|handed|entered)|(?:were|was) evacuated from|"
        r"left (?:the |their |its )?(?:town|city|base|bases|camp|country)",
        TRANSFER,
        2.6,
    ),
    (
        r"(?:established|set up|opened|built|constructed|erected|installed) (?:a |an |its |their |"
        r"at least |(?:\w+ )?(?:two|three|four|five|several|\d+) )*"
        r"(?:new |permanent |forward |military |temporary |training )*"
        r"(?:bases?|headquarters|camps?|outposts?|"
        r"command (?:post|centre|center)|garrison|checkpoints?|positions?|airbase|"
        r"administrative (?:office|offices|headquarters)|military "
        r"presence)|(?:moved|relocated) (?:its|their) (?:headquarters|base)|deployed (?:\w+ ){0,3}"
        r"to (?:a|the) new base|moved into (?:a|the) (?:\w+ )?base",
        HQ,
        2.6,
    ),
    (
        r"recruit(?:ed|ing|ment)|defected|defection|merged|merger|pledged allegiance|new leader|"
        r"named (?:the )?new|as (?:its|their|the group's|the movement's) new (?:leader|chief|head|"
        r"commander|secretary-general|emir|spokesman)|announced (?:the|its) (?:formation|creation|"
        r"dissolution|disbandment|suspension)|(?:formed|founded|launched|form|create) (?:a |an )?"
        r"(?:new |unified |joint )(?:armed |militant |rebel )?(?:group|coalition|alliance|militia|"
        r"movement|command|front)|disband(?:ed|ing|s)?|dissolution|dissolved|renamed|rebranded|"
        r"splinter(?:ed)?|split from|join(?:ed|ing)? forces|appointed (?:a )?new|"
        r"succeed(?:ed|s) \w+ as|(?:was|is|were|are) (?:leaving|quitting|ending its (?:mission|"
        r"operations))|end(?:ed|ing)? (?:its|their) (?:armed struggle|insurgency|mission)|"
        r"surrender(?:ed|s)?(?! of)|laid down (?:their|his|her|its) (?:arms|weapons)|"
        r"deployed (?:[\w-]+ ){0,4}?(?:troops|soldiers|forces|reinforcements|units|battalions|"
        r"police(?:men)?|officers)|(?:troops|soldiers|forces|reinforcements|police(?:men)?|"
        r"gendarmes|riot police) (?:[\w-]+ ){0,3}?"
        r"(?:were|have been|had been) (?:\w+ )?(?:deployed|redeployed|sent)|"
        r"reinforcements (?:arrived|were sent)|sent (?:\w+ ){0,3}?reinforcements|"
        # "soldiers arrived in the town on Monday", "troops arrive in the capital" (not troops
        # that arrive and open fire: the violence is the event; reinforcements that arrive are
        # mostly a side note of a headline's fighting, only "reinforcements arrived" above)
        r"(?:troops|soldiers|gendarmes|peacekeepers) (?:[\w-]+ ){0,2}?"
        r"(?:arrived|arrive|arrives|arriving) (?:in|at)\b(?![^.;]{0,120}?\b(?:opened (?:\w+ )?"
        r"fire|open (?:\w+ )?fire|fired|shot|kill|attack|clash|raid|torch|burn|shell|bomb|storm|"
        r"loot))|"
        r"reinforced (?:its|their|the) (?:\w+ )?(?:positions|troops|presence|garrison|defen[cs]es)|"
        r"(?:formed|created|set up|established) (?:a |an )?new (?:\w+ )?(?:unit|battalion|"
        r"brigade|force|wing|militia)",
        CHANGE_GROUP,
        2.2,
    ),
    (
        r"mass graves?|curfews?|seized power|(?:staged|launched|attempted) (?:a )?coup|"
        r"coup (?:d'(?:e|é)tat|attempt)|military takeover|state of emergency|"
        # the outcome of a conflict at the top: a ruler fleeing, a rival government formed (not
        # a cabinet formed after an election)
        r"(?:president|prime minister|leader|ruler|king|emir|governor|dictator) (?:[\w'’-]+ ){0,3}?"
        r"(?:fled|flees|has fled|escaped) (?:the country|the capital|the city|abroad|into exile|"
        r"(?:to|into) (?:a )?neighbou?ring country)|"
        r"(?:formed|forms|form|set up|sets up|declared|announced) (?:a |an )?(?:rival|parallel|"
        r"transitional|interim|provisional|breakaway) (?:\w+ )?government|government in exile",
        OTHER,
        2.4,
    ),
    # --- disasters
    (
        # (not "a flood of gunfire", "a flood of refugees", "a heavy rain of bullets")
        r"earthquakes?|quakes?|tremors?|floods?(?! of\b)|flooding|flash floods?|landslides?|"
        r"mudslides?|"
        r"cyclones?|hurricanes?|typhoons?|tornado(?:es|s)?|storms?|wildfires?|bushfires?|"
        r"forest fires?|"
        r"droughts?|tsunamis?|volcan(?:o|ic eruption)|eruption|avalanches?|heatwaves?|heat wave|"
        r"torrential rain|downpours?|lightning|magnitude \d|"
        # a force named as the killer ("Floodwaters kill 12", "Heavy rains killed 14"), as
        # "Floods killed 20" is; only with the kill verb (a cocoa report's "heavy rains", "villages
        # fall to floodwaters" are no disaster)
        r"(?:flood ?waters|(?:heavy |monsoon )rains?)(?= (?:have |has )?kill(?:ed|s)?\b)",
        NATURAL,
        3.2,
    ),
    (
        r"(?:building|bridge|mine|dam|roof|stampede|wall) collapse[ds]?|collapsed|stampedes?|"
        r"derail(?:ed|ment)|(?:plane|train|bus|road|boat|ferry|helicopter) (?:crash|accident|"
        r"capsized)|crash(?:ed|es)?|capsized|sank|gas leak|chemical (?:spill|leak)|"
        r"oil spill|(?:factory|industrial|gas|pipeline|boiler) (?:explosion|blast|fire)|"
        r"collided|collision",
        MANMADE,
        3.0,
    ),
    # not gunfire: "killed in return fire", "exchange of fire", "came under fire"
    (
        r"(?<!return )(?<!returned )(?<!returning )(?<!retaliatory )(?<!exchange of )"
        r"(?<!exchanges of )"
        r"(?<!opened )(?<!open )(?<!under )(?<!heavy )(?<!cross)(?<!gun)"
        # a weapon's fire is shooting, not a blaze: "sniper fire", "machine-gun fire"
        r"(?<!sniper )(?<!snipers' )(?<!sniper's )(?<!machine-gun )(?<!machinegun )"
        r"(?<!small-arms )(?<!small arms )(?<!automatic )(?<!rifle )(?<!live )(?<!tank )"
        r"(?<!mortar )(?<!rocket )(?<!artillery )(?<!anti-aircraft )(?<!missile )fires?|"
        r"blaze[ds]?|engulfed|flames",
        FIRE,
        1.5,
    ),
)

# Singular nouns for one person: "killing the driver", "eight commandos and their civilian driver
# were killed" count this person once (plural nouns never match).
PERSON_NOUNS = (
    r"man|woman|child|boy|girl|baby|infant|toddler|teenager|teen|youth|person|civilian|resident|"
    r"villager|farmer|herder|shepherd|fisherman|driver|motorist|passenger|pedestrian|bystander|"
    r"worker|employee|guard|bodyguard|soldier|policeman|policewoman|officer|trooper|conscript|"
    r"commander|chief|leader|official|mayor|governor|lawmaker|judge|journalist|reporter|"
    r"photographer|cameraman|teacher|student|pupil|doctor|nurse|medic|paramedic|pilot|engineer|"
    r"contractor|trader|vendor|shopkeeper|merchant|imam|priest|pastor|monk|cleric|worshipper|"
    r"activist|protester|demonstrator|prisoner|inmate|detainee|hostage|suspect|militant|fighter|"
    r"gunman|attacker|assailant|bomber|rebel|insurgent|son|daughter|wife|husband|mother|father|"
    r"brother|sister|relative|neighbou?r|friend|colleague|interpreter|translator|aide|elder|"
    r"patient|spectator|customer|guest|visitor|tourist|pilgrim|refugee|migrant|rider|occupant"
)

# Singular nouns a headline names its victim by before a bare outcome word, alone or with a few
# words that qualify them ("Villager killed by troops", "A commander of the brigade killed in
# Daraa"): the one list of rules.py's victim patterns, which read it in the singular, or in both
# numbers with VICTIM_NOUN_PLURALS, and add their own few nouns.
# killings counted over a period ("homicides in the state this year reach 300"): the subject of
# a statistic (classify's aggregate subject, rules' statistic clause after an event)
KILLING_TALLY_NOUNS = ("homicides", "murders", "femicides", "feminicides")

VICTIM_NOUNS: tuple[str, ...] = tuple(
    "man woman boy girl child teenager youth civilian villager resident farmer soldier fighter "
    "commander leader member officer policeman official journalist reporter activist priest "
    "driver student chief mayor teacher doctor militant jihadist rebel".split()
)
_IRREGULAR_PLURALS = {"man": "men", "woman": "women", "child": "children", "policeman": "policemen"}
VICTIM_NOUN_PLURALS: tuple[str, ...] = tuple(
    _IRREGULAR_PLURALS.get(noun, noun + "s") for noun in VICTIM_NOUNS
)

# ------------------------------------------------------------------------------ context cues

AIR_CUES = (
    r"aircraft|warplanes?|war planes?|jets?|fighter jets?|planes?|helicopters?|gunships?|"
    r"drones?|UAVs?|unmanned aerial|air ?forces?|aerial|airstrikes?|air strikes?|bombers?|"
    r"AC-130|F-16s?|F-35s?|Su-\d+|MQ-9|Reaper|Bayraktar|TB2|Shahed|from the air|air raids?"
)
GROUND_LAUNCH_CUES = (
    r"ballistic|rockets?|artillery|mortars?|howitzers?|MLRS|Grad|Katyusha|HIMARS|Iskander|"
    r"launchers?|shell(?:s|ing|ed)|surface-to-surface|cruise missiles?"
)
CIVILIAN_CUES = (
    r"civilians?|villagers?|residents?|farmers?|herders?|worshippers?|students?|pupils?|"
    r"children|child|women|woman|girls?|boys?|passengers?|travell?ers?|traders?|shoppers?|"
    r"market|mosque|church|school|hospital|clinic|homes?|houses?|displaced|IDPs?|refugees?|"
    r"aid workers?|journalists?|teachers?|doctors?|nurses?|medics?|miners?|fishermen|pastors?|"
    r"priests?|imams?|family|families|motorists?|drivers?|wedding|funeral|camp for|"
    # not a group's name ("People's Defence Force") or the adjective "local"
    r"(?:a|one|two|three|\d+) (?:men|man)\b|people(?!['’]s)|persons|individuals|locals|"
    r"inhabitants|"
    r"crowds?|mourners|pilgrims|bystanders|aid seekers|(?:waiting|queu(?:e|ing)) for (?:food|aid)"
)
ARMED_CUES = (
    r"soldiers?|troops?|army|military|servicem[ae]n|officers?|police(?:men|man)?|"
    r"policemen|gendarmes?|militants?|fighters?|insurgents?|rebels?|jihadists?|militi(?:a|as|amen)|"
    r"security forces|forces|guards?|checkpoints?|bases?|outposts?|barracks|convoys?|patrols?|"
    r"(?:security|military|police|army|border) posts?|"
    r"combatants|terrorists?|bandits|gunmen|armed men|armed group|positions?|personnel|"
    # ranks only armed sides have ("a local commander", "an emir in the group")
    r"commanders?|emirs?|amirs?|"
    # Myanmar's military regime as the target of an attack ("attacked junta offices", "junta
    # casualties"); as the agent ("junta raids", "killed by the junta") it says nothing of who
    # was hit, nor does a junta informer or custody
    r"junta(?= (?:targets?|offices?|casualties|members|personnel|positions|camps?|columns?|"
    r"and (?:its |their )?allies)\b)"
)
PROTEST_INTERVENTION_CUES = (
    r"tear ?gas|water cannons?|batons?|baton-charged|rubber bullets|"
    # dispersal by force, not a crowd that disperses by itself ("before dispersing ...")
    r"(?:to|police|forces|troops|officers|soldiers) dispers(?:ed|e)|(?:were|was) dispersed|"
    r"dispers(?:ed|ing) (?:the |a )?(?:crowds?|protesters|demonstrators|marchers|rall(?:y|ies)|"
    r"protests?|gatherings?|sit-ins?)|"
    r"arrested|detained|broke up|cracked down|crackdown|beat(?:en)?|intervened|pepper spray|"
    r"stun grenades?|forcibly (?:removed|evicted|cleared)|cleared (?:the|a) (?:camp|square|"
    r"encampment|protest)|riot police|pushed back|blocked (?:the|them)|charged at|kettled|"
    r"hauled away|dragged|taken into custody|in custody"
)
PROTEST_EXCESSIVE_CUES = (
    r"(?:opened fire|fired live|live (?:ammunition|rounds|bullets|fire)|shot (?:dead|and killed)|"
    r"fired (?:on|at|into) (?:\w+ ){0,3}?(?:protesters|demonstrators|marchers|crowds?)|"
    r"(?:killed|killing|shot|shooting) (?:\w+ ){0,3}(?:protesters|demonstrators|marchers)|"
    r"(?:protesters|demonstrators|marchers) (?:were |was )?(?:killed|shot dead|shot))"
)
PROTEST_VIOLENT_CUES = (
    r"threw (?:stones|rocks|petrol bombs|molotov)|torched|set (?:fire|ablaze)|burn(?:ed|t|ing) "
    r"(?:tyres|tires|cars|vehicles|buildings|barricades)|rioters?|rioting|looted|vandali[sz]ed|"
    r"clashed with|(?:stones|rocks|bricks|dynamite|petrol bombs|molotov cocktails)(?: and \w+)? "
    r"(?:thrown|hurled) by"
)
ARSON_CUES = r"set (?:fire|ablaze)|arson|torched|petrol bomb|molotov|attackers|gunmen|militants"
SUICIDE_CUES = r"suicide|blew (?:himself|herself|themselves) up|explosive (?:vest|belt)"
DEFUSED_CUES = r"defused|defusing|disarmed|dismantled|controlled explosion|bomb disposal|foiled"

# Triggers that mean "no event here": labour strikes, sports, idioms, figurative uses.
NEGATIVE_CONTEXTS = (
    r"strike (?:a|the) (?:deal|balance|chord|note|pose)|struck (?:a|the) (?:deal|balance|chord|"
    r"note)|lucky strike|strike price|strike rate|first strike|struck by lightning|"
    r"lightning (?:offensive|advance|campaign|war|speed|pace|push|takeover|victory)|"
    r"attacking midfielder|heart attack|panic attack|cyber ?attacks?|price war|trade war|"
    r"shot at (?:the )?(?:title|goal|glory|redemption|presidency)|fire sale|firestorm of criticism|"
    r"under fire|opened fire on (?:critics|the government)|political attack"
)
# More of them, in a second pattern tried only on texts that hold one of the key substrings
# (lower case): their alternatives start with common words ("to", "the", "took"), which would
# slow down the scan of every text.
EXTRA_NEGATIVE_KEYS = (
    "storm",
    "k place",
    "n place",
    "e place",
    "g place",
    "s place",
    "up position",
    "vigil",
    "n rall",
    "electoral rall",
    "sentenced",
    "death s",
    "death p",
    "death r",
    "occupied",
)
EXTRA_NEGATIVE_CONTEXTS = (
    # a verb "storm" is an assault, not weather; "took place" / "took up positions" take nothing
    r"(?:to|would|could) storm|storm (?:the|a|an|its|their)|took place|taken place|take place|"
    r"takes place|by storm|taking place|took up positions?|during (?:a|an|the) (?:\w+ )?vigil|"
    r"(?:campaign|election|electoral) rall(?:y|ies)|sentenced (?:\w+ ){0,4}?to death|"
    r"death (?:sentences?|penalty|row)|"
    # "the occupied West Bank": an adjective, not a capture
    r"(?:the|Israeli-|Russian-|Russia-) ?occupied|occupied (?:West Bank|Golan|territor(?:y|ies)|"
    r"East Jerusalem|Crimea|Palestinian)"
)

# ------------------------------------------------------------------------------ numbers

NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# "a" / "an" count as one only inside casualty phrases ("a soldier was killed"), handled there.
MAGNITUDES: dict[str, int] = {
    "dozen": 12,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
}

# vague amounts -> conventional minimum (seed annotation: "several" -> null, min 2)
VAGUE_AMOUNTS: dict[str, int] = {
    "several": 2,
    "a number of": 2,
    "a few": 2,
    "few": 2,
    "many": 2,
    "some": 2,
    "multiple": 2,
    "numerous": 2,
    "a handful of": 2,
    "dozens of": 24,
    "dozens": 24,
    "scores of": 40,
    "scores": 40,
    "hundreds of": 200,
    "hundreds": 200,
    "thousands of": 2000,
    "thousands": 2000,
    "tens of": 20,
    "a couple of": 2,
}

# qualifiers before a number; True when the number is a lower bound
QUALIFIER_MIN: dict[str, bool] = {
    "at least": True,
    "more than": True,
    "over": True,
    "upwards of": True,
    "no fewer than": True,
    "no less than": True,
    "in excess of": True,
    "about": False,
    "around": False,
    "approximately": False,
    "nearly": False,
    "almost": False,
    "some": False,
    "roughly": False,
    "up to": False,
    "an estimated": False,
    "estimated": False,
    "as many as": False,
    "a total of": False,
    "another": False,
    "a further": False,
    "an additional": False,
}
