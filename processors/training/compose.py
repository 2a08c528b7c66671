"""Compose the written part of the classifier's training data: short reports of all 25 ACLED
sub-event types, the 2 disaster types and non-events, in the styles real sources use (wire
leads, coder summaries, monitoring-group bulletins, official statements).

Everything here was written for wirewatch: the reports are fictional combinations of clause
templates, actors, places, numbers and dates drawn with a fixed seed, so the same call always
gives the same list. Labels are the class a report was composed for; the model is judged only
on real reports (bench/score_eval.py), never on these.
"""

from __future__ import annotations

import random
from collections.abc import Callable

NONE_LABEL = "none"

# Places: (town, district or province, country). Real geography, fictional events.
PLACES = [
    ("Maiduguri", "Borno State", "Nigeria"),
    ("Gwoza", "Borno State", "Nigeria"),
    ("Kaduna", "Kaduna State", "Nigeria"),
    ("Zamfara", "Gusau", "Nigeria"),
    ("Menaka", "Menaka Region", "Mali"),
    ("Mopti", "Mopti Region", "Mali"),
    ("Djibo", "Soum Province", "Burkina Faso"),
    ("Kaya", "Centre-Nord", "Burkina Faso"),
    ("Beni", "North Kivu", "DR Congo"),
    ("Bunia", "Ituri Province", "DR Congo"),
    ("Goma", "North Kivu", "DR Congo"),
    ("Mogadishu", "Banadir", "Somalia"),
    ("Baidoa", "Bay Region", "Somalia"),
    ("Kismayo", "Lower Juba", "Somalia"),
    ("El Fasher", "North Darfur", "Sudan"),
    ("Omdurman", "Khartoum State", "Sudan"),
    ("Juba", "Central Equatoria", "South Sudan"),
    ("Mekelle", "Tigray", "Ethiopia"),
    ("Gondar", "Amhara Region", "Ethiopia"),
    ("Pemba", "Cabo Delgado", "Mozambique"),
    ("Mocimboa da Praia", "Cabo Delgado", "Mozambique"),
    ("Bamenda", "North-West Region", "Cameroon"),
    ("Tillaberi", "Tillaberi Region", "Niger"),
    ("Diffa", "Diffa Region", "Niger"),
    ("Bangui", "Ombella-M'Poko", "Central African Republic"),
    ("Tripoli", "Tripolitania", "Libya"),
    ("Aleppo", "Aleppo Governorate", "Syria"),
    ("Idlib", "Idlib Governorate", "Syria"),
    ("Deir ez-Zor", "Deir ez-Zor Governorate", "Syria"),
    ("Daraa", "Daraa Governorate", "Syria"),
    ("Mosul", "Nineveh Province", "Iraq"),
    ("Kirkuk", "Kirkuk Province", "Iraq"),
    ("Taiz", "Taiz Governorate", "Yemen"),
    ("Marib", "Marib Governorate", "Yemen"),
    ("Hodeidah", "Hodeidah Governorate", "Yemen"),
    ("Khan Younis", "Gaza Strip", "Palestine"),
    ("Jenin", "West Bank", "Palestine"),
    ("Kandahar", "Kandahar Province", "Afghanistan"),
    ("Jalalabad", "Nangarhar Province", "Afghanistan"),
    ("Peshawar", "Khyber Pakhtunkhwa", "Pakistan"),
    ("Quetta", "Balochistan", "Pakistan"),
    ("Srinagar", "Jammu and Kashmir", "India"),
    ("Imphal", "Manipur", "India"),
    ("Dantewada", "Chhattisgarh", "India"),
    ("Myitkyina", "Kachin State", "Myanmar"),
    ("Lashio", "Shan State", "Myanmar"),
    ("Hpakant", "Kachin State", "Myanmar"),
    ("Monywa", "Sagaing Region", "Myanmar"),
    ("Kale", "Sagaing Region", "Myanmar"),
    ("Loikaw", "Kayah State", "Myanmar"),
    ("Hpapun", "Kayin State", "Myanmar"),
    ("Mandalay", "Mandalay Region", "Myanmar"),
    ("Yangon", "Yangon Region", "Myanmar"),
    ("Paletwa", "Chin State", "Myanmar"),
    ("Mindat", "Chin State", "Myanmar"),
    ("Demoso", "Kayah State", "Myanmar"),
    ("Marawi", "Lanao del Sur", "Philippines"),
    ("Jolo", "Sulu", "Philippines"),
    ("Kharkiv", "Kharkiv Oblast", "Ukraine"),
    ("Bakhmut", "Donetsk Oblast", "Ukraine"),
    ("Kherson", "Kherson Oblast", "Ukraine"),
    ("Zaporizhzhia", "Zaporizhzhia Oblast", "Ukraine"),
    ("Culiacan", "Sinaloa", "Mexico"),
    ("Ciudad Juarez", "Chihuahua", "Mexico"),
    ("Tijuana", "Baja California", "Mexico"),
    ("Uruapan", "Michoacan", "Mexico"),
    ("Celaya", "Guanajuato", "Mexico"),
    ("Acapulco", "Guerrero", "Mexico"),
    ("Tumaco", "Narino", "Colombia"),
    ("Cucuta", "Norte de Santander", "Colombia"),
    ("Port-au-Prince", "Ouest", "Haiti"),
    ("Caracas", "Distrito Capital", "Venezuela"),
    ("Lima", "Lima Region", "Peru"),
    ("Santiago", "Santiago Metropolitan", "Chile"),
    ("Nairobi", "Nairobi County", "Kenya"),
    ("Mandera", "Mandera County", "Kenya"),
    ("Lagos", "Lagos State", "Nigeria"),
    ("Dhaka", "Dhaka Division", "Bangladesh"),
    ("Colombo", "Western Province", "Sri Lanka"),
    ("Tehran", "Tehran Province", "Iran"),
    ("Zahedan", "Sistan and Baluchestan", "Iran"),
    ("Diyarbakir", "Diyarbakir Province", "Turkey"),
    ("Beirut", "Beirut Governorate", "Lebanon"),
    ("Harare", "Harare Province", "Zimbabwe"),
    ("Kampala", "Central Region", "Uganda"),
    ("Bujumbura", "Bujumbura Mairie", "Burundi"),
]
VILLAGES = [
    "Nyaung Kone",
    "Kyauk Taw",
    "Ngwe Taung",
    "Tar Pin",
    "Hlaing Gyi",
    "Ma U Bin",
    "Sin Kone",
    "Ali Khel",
    "Dar Kot",
    "Bani Zaid",
    "Kafr Nabl",
    "Tal Abyad",
    "Sheikh Said",
    "Abu Kamal",
    "Kerawa",
    "Dikwa",
    "Ngala",
    "Bama",
    "Tongo",
    "Kalemie",
    "Mutarule",
    "Kipupu",
    "Mbau",
    "El Guereo",
    "Soum",
    "Inata",
    "Bourzanga",
    "Ouahigouya",
    "Boni",
    "Hombori",
    "Gao",
    "San Jose de Gracia",
    "El Aguaje",
    "Los Reyes",
    "Tepalcatepec",
    "Aguililla",
    "Pidhorodne",
    "Novoselivka",
    "Avdiivka",
    "Vuhledar",
    "Lyman",
]
STATE_FORCES = [
    "government troops",
    "the army",
    "soldiers",
    "security forces",
    "the military",
    "regime forces",
    "junta troops",
    "the Tatmadaw",
    "police",
    "special forces",
    "the national guard",
    "government forces",
    "paramilitary police",
    "federal forces",
    "Russian forces",
    "Ukrainian forces",
    "Nigerian troops",
    "Malian soldiers",
    "FARDC soldiers",
    "the Burkinabe army",
    "Somali National Army troops",
    "Syrian government forces",
]
REBELS = [
    "rebels",
    "insurgents",
    "militants",
    "fighters of the KIA",
    "the PDF",
    "a local PDF unit",
    "al-Shabaab fighters",
    "Boko Haram fighters",
    "ISWAP militants",
    "JNIM militants",
    "Islamic State fighters",
    "Houthi forces",
    "ADF rebels",
    "M23 rebels",
    "Taliban fighters",
    "TTP militants",
    "Maoist rebels",
    "FARC dissidents",
    "the ELN",
    "Fano militiamen",
    "a resistance group",
    "armed men",
    "unidentified gunmen",
    "jihadists",
    "the AA",
    "the TNLA",
    "the KNLA",
    "CDF fighters",
    "the SDF",
    "opposition factions",
]
MILITIAS = [
    "a communal militia",
    "Fulani militiamen",
    "Mai-Mai fighters",
    "CODECO militiamen",
    "herders",
    "a vigilante group",
    "a cartel cell",
    "gunmen of the Jalisco cartel",
    "Sinaloa cartel members",
    "a gang",
    "armed bandits",
    "Pyu Saw Htee militiamen",
    "a pro-government militia",
    "Dozo hunters",
    "gang members",
    "hitmen",
]
CIVILIANS = [
    "civilians",
    "villagers",
    "farmers",
    "a woman",
    "a man",
    "two children",
    "a teacher",
    "a local journalist",
    "a village chief",
    "a shopkeeper",
    "a motorcycle taxi driver",
    "worshippers",
    "displaced people",
    "passengers",
    "a family",
    "an aid worker",
    "a monk",
    "a student",
    "fishermen",
    "a health worker",
    "a trader",
    "residents",
    "a boy",
    "a girl",
]
PROTESTERS = [
    "protesters",
    "demonstrators",
    "students",
    "workers",
    "teachers",
    "farmers",
    "residents",
    "opposition supporters",
    "traders",
    "nurses",
    "taxi drivers",
    "women",
    "youths",
    "anti-coup protesters",
    "supporters of the opposition party",
    "miners",
    "lawyers",
    "market vendors",
    "pensioners",
    "university students",
    "civil servants",
]
GRIEVANCES = [
    "against rising fuel prices",
    "to demand unpaid salaries",
    "against the military coup",
    "over the arrest of their leader",
    "against a new tax",
    "to demand better roads",
    "against power cuts",
    "over the killing of a young man",
    "against land grabs",
    "to demand the release of detained activists",
    "against corruption",
    "over water shortages",
    "against the election results",
    "against police brutality",
    "to demand higher wages",
    "against the closure of a mine",
    "over the price of bread",
    "in support of the strike",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "15",
    "17",
    "20",
    "23",
    "30",
    "dozens of",
    "at least 12",
    "at least three",
    "some 40",
]
SMALL = ["two", "three", "four", "five", "six", "seven", "eight", "9", "11", "14", "at least 4"]


class _Draw:
    """Slot fillers for one report, drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        town, district, country = rng.choice(PLACES)
        self.town, self.district, self.country = town, district, country
        self.village = rng.choice(VILLAGES)

    def pick(self, items: list[str]) -> str:
        return self.r.choice(items)

    def date_phrase(self) -> str:
        r = self.r
        day, month, year = r.randint(1, 28), r.choice(MONTHS), r.choice([2019, 2021, 2022, 2024])
        return r.choice(
            [
                f"On {day} {month} {year}",
                f"on {r.choice(WEEKDAYS)}",
                f"late on {r.choice(WEEKDAYS)}",
                f"early on {r.choice(WEEKDAYS)}",
                f"on {month} {day}",
                "overnight",
                "yesterday",
                f"on the night of {day} {month}",
                "this morning",
                f"on {r.choice(WEEKDAYS)} evening",
            ]
        )

    def where(self) -> str:
        r = self.r
        return r.choice(
            [
                f"in {self.town}",
                f"in {self.village} village of {self.town} township",
                f"near {self.village} in {self.district}",
                f"in {self.town}, {self.district}",
                f"in {self.village} ({self.town}, {self.district})",
                f"in the {self.district} region",
                f"on the outskirts of {self.town}",
                f"in {self.town} in northern {self.country}",
                f"on the road between {self.town} and {self.village}",
                f"in {self.country}'s {self.district}",
                f"in {self.village} village ({self.town} Township, {self.town} District, {self.district})",
                f"near {self.village} village tract ({self.town} township, {self.district})",
            ]
        )

    def killed(self) -> str:
        r = self.r
        n = r.choice(NUMBER_WORDS)
        return r.choice(
            [
                f"{n} people were killed",
                f"killing {n} people",
                f"{n} were killed and {r.choice(SMALL)} injured",
                f"leaving {n} dead",
                f"{n} civilians died",
                f"at least {r.randint(2, 60)} people died",
                f"{n} were wounded",
                "no casualties were reported",
                "casualties are unknown",
                f"the death toll rose to {r.randint(3, 90)}",
                f"{r.choice(SMALL)} soldiers were killed",
                "fatalities were not reported",
                f"{r.choice(SMALL)} people were injured",
            ]
        )


# One list of clause templates per class; a template is a function of the draw.
T = Callable[[_Draw], str]


def _clauses() -> dict[str, list[T]]:
    return {
        "Armed clash": [
            lambda d: f"{d.pick(STATE_FORCES)} clashed with {d.pick(REBELS)} {d.where()}",
            lambda d: (
                f"heavy fighting broke out between {d.pick(REBELS)} and {d.pick(STATE_FORCES)} {d.where()}"
            ),
            lambda d: (
                f"{d.pick(REBELS)} attacked an army post {d.where()}, sparking a gunfight with {d.pick(STATE_FORCES)}"
            ),
            lambda d: f"{d.pick(MILITIAS)} and {d.pick(REBELS)} exchanged fire {d.where()}",
            lambda d: (
                f"{d.pick(REBELS)} ambushed a military patrol {d.where()} and a firefight followed"
            ),
            lambda d: (
                f"gun battles raged for hours {d.where()} as {d.pick(STATE_FORCES)} fought {d.pick(REBELS)}"
            ),
            lambda d: (
                f"{d.pick(STATE_FORCES)} engaged {d.pick(REBELS)} in an armed encounter {d.where()}"
            ),
            lambda d: (
                f"{d.pick(REBELS)} raided a police station {d.where()} and fought the officers inside"
            ),
            lambda d: (
                f"two rival factions, {d.pick(MILITIAS)} and {d.pick(REBELS)}, battled {d.where()}"
            ),
            lambda d: (
                f"{d.pick(STATE_FORCES)} repelled an assault by {d.pick(REBELS)} on their base {d.where()}"
            ),
            lambda d: (
                f"a shootout between {d.pick(STATE_FORCES)} and {d.pick(MILITIAS)} erupted {d.where()}"
            ),
            lambda d: (
                f"clashes continued between {d.pick(REBELS)} and {d.pick(STATE_FORCES)} {d.where()}"
            ),
            lambda d: (
                f"{d.pick(REBELS)} attacked a military convoy with small arms {d.where()} and the troops returned fire"
            ),
        ],
        "Government regains territory": [
            lambda d: f"{d.pick(STATE_FORCES)} recaptured {d.town} from {d.pick(REBELS)}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} retook control of {d.village} after driving out {d.pick(REBELS)}"
            ),
            lambda d: f"the army said it had regained the town of {d.town} from {d.pick(REBELS)}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} liberated {d.village} {d.where()} from militant control"
            ),
            lambda d: (
                f"government forces took back {d.town}, which {d.pick(REBELS)} had held since last year"
            ),
            lambda d: (
                f"{d.pick(STATE_FORCES)} reclaimed several villages {d.where()} after an offensive"
            ),
            lambda d: (
                f"troops restored state control over {d.town} after {d.pick(REBELS)} withdrew under fire"
            ),
            lambda d: (
                f"{d.pick(STATE_FORCES)} pushed {d.pick(REBELS)} out of {d.village} and raised the national flag"
            ),
        ],
        "Non-state actor overtakes territory": [
            lambda d: f"{d.pick(REBELS)} seized the town of {d.town} after government troops fled",
            lambda d: f"{d.pick(REBELS)} captured {d.village} {d.where()}",
            lambda d: f"{d.pick(REBELS)} took control of an army base {d.where()}",
            lambda d: (
                f"{d.pick(REBELS)} overran a military camp {d.where()} and now control the area"
            ),
            lambda d: f"{d.pick(REBELS)} said they had taken over {d.town} and its police stations",
            lambda d: f"the town of {d.town} fell to {d.pick(REBELS)} after days of fighting",
            lambda d: f"{d.pick(MILITIAS)} took over {d.village} and raised their flag",
            lambda d: f"{d.pick(REBELS)} announced the capture of a border post {d.where()}",
        ],
        "Air/drone strike": [
            lambda d: (
                f"{d.pick(STATE_FORCES)} bombed the surrounding areas of {d.village} {d.where()}"
            ),
            lambda d: (
                f"{d.pick(STATE_FORCES)} dropped {d.pick(['two', 'several', 'four'])} bombs on {d.village} from {d.pick(['a jet', 'helicopters', 'aircraft', 'a drone'])}"
            ),
            lambda d: f"the military carried out aerial attacks on {d.village} {d.where()}",
            lambda d: f"warplanes bombed {d.village} {d.where()}",
            lambda d: f"an airstrike hit a market {d.where()}",
            lambda d: f"a drone strike targeted a vehicle {d.where()}",
            lambda d: f"military jets carried out air raids {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} conducted an air strike on {d.village}",
            lambda d: f"a military helicopter fired on {d.village} {d.where()}",
            lambda d: f"a fighter jet dropped bombs on a school {d.where()}",
            lambda d: f"an armed drone struck a house {d.where()}",
            lambda d: f"Russian aircraft launched raids on {d.town}",
            lambda d: f"coalition aircraft struck positions of {d.pick(REBELS)} {d.where()}",
            lambda d: (
                f"{d.pick(REBELS)} used a drone to drop explosives on an army post {d.where()}"
            ),
            lambda d: f"a kamikaze drone hit an energy facility {d.where()}",
        ],
        "Shelling/artillery/missile attack": [
            lambda d: (
                f"{d.pick(STATE_FORCES)} fired {d.pick(['heavy weapons', 'artillery', 'several rounds of mortar', 'bombs', '60mm mortars', '105mm shells'])} at {d.village} from their {d.pick(['base', 'camp', 'battalion'])} {d.where()}"
            ),
            lambda d: (
                f"artillery shells fired by {d.pick(STATE_FORCES)} landed in {d.village} {d.where()}"
            ),
            lambda d: f"{d.pick(STATE_FORCES)} shelled {d.village} {d.where()}",
            lambda d: f"artillery fire hit residential areas {d.where()}",
            lambda d: f"mortar rounds landed on {d.village} {d.where()}",
            lambda d: f"{d.pick(REBELS)} fired rockets at {d.town}",
            lambda d: f"a missile struck an apartment building {d.where()}",
            lambda d: f"heavy weapons fire from {d.pick(STATE_FORCES)} pounded {d.village}",
            lambda d: f"a shell exploded near a school {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} fired artillery shells into {d.village} {d.where()}",
            lambda d: f"a ballistic missile hit the city of {d.town}",
            lambda d: f"multiple rocket launchers targeted {d.town} {d.where()}",
            lambda d: f"a mortar shell fired by {d.pick(REBELS)} fell on a house {d.where()}",
            lambda d: f"Grad rockets rained down on {d.town}",
        ],
        "Remote explosive/landmine/IED": [
            lambda d: (
                f"a {d.pick(['mine', 'bomb', 'sound bomb', 'time bomb', 'landmine'])} planted by {d.pick([*REBELS, 'an unknown armed group'])} exploded {d.where()}"
            ),
            lambda d: (
                f"{d.pick(REBELS)} detonated {d.pick(['mines', 'explosives', 'remote-controlled bombs'])} as {d.pick(STATE_FORCES)} passed {d.where()}"
            ),
            lambda d: f"a roadside bomb exploded {d.where()}",
            lambda d: f"{d.pick(CIVILIANS)} stepped on a landmine {d.where()}",
            lambda d: f"an improvised explosive device detonated near a police vehicle {d.where()}",
            lambda d: (
                f"{d.pick(REBELS)} detonated a remote-controlled mine against a military truck {d.where()}"
            ),
            lambda d: f"a bomb planted under a car went off {d.where()}",
            lambda d: f"an IED struck an army convoy {d.where()}",
            lambda d: f"a mine blast hit a passenger bus {d.where()}",
            lambda d: (
                f"{d.pick(REBELS)} attacked a military convoy with remote-controlled explosives {d.where()}"
            ),
            lambda d: f"an explosion of unknown origin occurred {d.where()}",
            lambda d: (
                f"an unexploded ordnance went off while {d.pick(CIVILIANS)} were collecting firewood {d.where()}"
            ),
            lambda d: f"a bomb exploded near the office of the administration {d.where()}",
            lambda d: f"a car bomb went off outside a hotel {d.where()}",
            lambda d: f"a motorcycle fitted with explosives blew up {d.where()}",
            lambda d: f"{d.pick(CIVILIANS)} were hurt when a landmine exploded {d.where()}",
            lambda d: f"a parcel bomb exploded at a house {d.where()}",
            lambda d: f"{d.pick(REBELS)} blew up a bridge with explosives {d.where()}",
        ],
        "Suicide bomb": [
            lambda d: f"a suicide bomber blew himself up at a mosque {d.where()}",
            lambda d: f"a suicide car bomb struck a military base {d.where()}",
            lambda d: (
                f"a female suicide bomber detonated her explosive vest at a market {d.where()}"
            ),
            lambda d: (
                f"an attacker wearing a suicide vest blew himself up among worshippers {d.where()}"
            ),
            lambda d: (
                f"a suicide attacker rammed an explosives-laden truck into a checkpoint {d.where()}"
            ),
            lambda d: f"two suicide bombers attacked a crowded bus station {d.where()}",
            lambda d: f"a suicide bombing targeted a police academy {d.where()}",
        ],
        "Grenade": [
            lambda d: (
                f"{d.pick(['an unknown man', 'two men on a motorbike', 'unidentified persons', 'an armed group'])} threw a {d.pick(['handmade', 'homemade', 'hand-made'])} bomb {d.pick(['at', 'into'])} {d.pick(['a police station', 'the office of the administration', 'a bank', 'a military truck', 'the compound of a school'])} {d.where()}"
            ),
            lambda d: (
                f"a bomb was thrown into {d.pick(['a school', 'an office compound', 'a ward office', 'a shop'])} {d.where()} and exploded"
            ),
            lambda d: (
                f"{d.pick(REBELS)} hurled a homemade grenade at {d.pick(STATE_FORCES)} {d.where()}"
            ),
            lambda d: f"unknown attackers threw a grenade into a bar {d.where()}",
            lambda d: f"a hand grenade was hurled at a police post {d.where()}",
            lambda d: f"a grenade exploded in a crowded market {d.where()}",
            lambda d: f"{d.pick(REBELS)} lobbed grenades at a military checkpoint {d.where()}",
            lambda d: (
                f"a man on a motorbike tossed a grenade into the compound of an official {d.where()}"
            ),
            lambda d: f"a grenade attack targeted the house of a village administrator {d.where()}",
            lambda d: f"someone threw a hand grenade at a bus {d.where()}",
            lambda d: f"an M-79 grenade launcher was fired at a police station {d.where()}",
        ],
        "Chemical weapon": [
            lambda d: f"a chemical attack with chlorine gas hit {d.town}",
            lambda d: (
                f"residents reported symptoms of poisoning after a suspected sarin attack {d.where()}"
            ),
            lambda d: f"barrels filled with toxic gas were dropped on {d.village}",
            lambda d: f"a poison gas attack {d.where()} left people choking",
            lambda d: f"investigators said chemical weapons were used against {d.village}",
            lambda d: f"shells releasing chlorine struck a neighbourhood {d.where()}",
        ],
        "Attack": [
            lambda d: f"gunmen shot dead {d.pick(CIVILIANS)} {d.where()}",
            lambda d: f"{d.pick(MILITIAS)} attacked {d.village} and killed {d.pick(CIVILIANS)}",
            lambda d: f"{d.pick(CIVILIANS)} was hacked to death by unknown assailants {d.where()}",
            lambda d: f"armed men stormed {d.village} and opened fire on {d.pick(CIVILIANS)}",
            lambda d: f"{d.pick(REBELS)} massacred {d.pick(CIVILIANS)} {d.where()}",
            lambda d: (
                f"the bodies of {d.pick(SMALL)} men were found {d.where()} with gunshot wounds"
            ),
            lambda d: f"{d.pick(STATE_FORCES)} executed {d.pick(CIVILIANS)} {d.where()}",
            lambda d: (
                f"{d.pick(CIVILIANS)} was beaten to death by {d.pick(STATE_FORCES)} {d.where()}"
            ),
            lambda d: f"unidentified attackers killed {d.pick(CIVILIANS)} in a raid on {d.village}",
            lambda d: f"{d.pick(MILITIAS)} burned houses and killed residents {d.where()}",
            lambda d: f"a journalist was gunned down outside his home {d.where()}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} opened fire on a passenger boat, killing {d.pick(CIVILIANS)}"
            ),
            lambda d: f"{d.pick(MILITIAS)} murdered {d.pick(CIVILIANS)} {d.where()}",
            lambda d: f"{d.pick(REBELS)} beheaded {d.pick(CIVILIANS)} {d.where()}",
            lambda d: f"hitmen killed a man and wounded two others {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} burned {d.pick(CIVILIANS)} alive {d.where()}",
            lambda d: f"the body of a man was found dumped {d.where()}",
            lambda d: (
                f"{d.pick(CIVILIANS)} were shot by {d.pick(STATE_FORCES)} at a checkpoint {d.where()}"
            ),
        ],
        "Abduction/forced disappearance": [
            lambda d: f"gunmen kidnapped {d.pick(CIVILIANS)} {d.where()}",
            lambda d: (
                f"{d.pick(REBELS)} abducted {d.pick(SMALL)} passengers from a bus {d.where()}"
            ),
            lambda d: (
                f"{d.pick(STATE_FORCES)} took away {d.pick(CIVILIANS)} and their whereabouts remain unknown"
            ),
            lambda d: (
                f"{d.pick(CIVILIANS)} went missing after being seized by armed men {d.where()}"
            ),
            lambda d: (
                f"bandits seized {d.pick(SMALL)} students from their school {d.where()} and demanded a ransom"
            ),
            lambda d: f"{d.pick(MILITIAS)} abducted a village chief {d.where()}",
            lambda d: f"an aid worker was kidnapped {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} forcibly disappeared an activist {d.where()}",
        ],
        "Sexual violence": [
            lambda d: (
                f"{d.pick(STATE_FORCES)} raped {d.pick(['a woman', 'two women', 'a girl', 'a teenage girl'])} {d.where()}"
            ),
            lambda d: f"a woman was sexually assaulted by armed men {d.where()}",
            lambda d: f"{d.pick(MILITIAS)} gang-raped women {d.where()}",
            lambda d: f"a girl was raped by a soldier {d.where()}",
            lambda d: (
                f"women fleeing the fighting were sexually abused by {d.pick(REBELS)} {d.where()}"
            ),
            lambda d: f"{d.pick(REBELS)} subjected detainees to sexual violence {d.where()}",
        ],
        "Peaceful protest": [
            lambda d: f"{d.pick(PROTESTERS)} protested {d.pick(GRIEVANCES)} {d.where()}",
            lambda d: f"hundreds of {d.pick(PROTESTERS)} marched {d.where()} {d.pick(GRIEVANCES)}",
            lambda d: (
                f"{d.pick(PROTESTERS)} held a sit-in outside the governor's office {d.where()} {d.pick(GRIEVANCES)}"
            ),
            lambda d: f"{d.pick(PROTESTERS)} staged a peaceful demonstration {d.where()}",
            lambda d: f"a rally {d.pick(GRIEVANCES)} took place {d.where()}",
            lambda d: (
                f"{d.pick(PROTESTERS)} gathered {d.where()} carrying banners {d.pick(GRIEVANCES)}"
            ),
            lambda d: (
                f"{d.pick(PROTESTERS)} went on strike and demonstrated {d.where()} {d.pick(GRIEVANCES)}"
            ),
            lambda d: (
                f"{d.pick(PROTESTERS)} blocked a road {d.where()} {d.pick(GRIEVANCES)}; the protest ended peacefully"
            ),
            lambda d: (
                f"a flash mob of {d.pick(PROTESTERS)} banged pots {d.where()} {d.pick(GRIEVANCES)}"
            ),
            lambda d: f"{d.pick(PROTESTERS)} protested the arrest of their leader {d.where()}",
        ],
        "Protest with intervention": [
            lambda d: f"police fired tear gas to disperse {d.pick(PROTESTERS)} {d.where()}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} broke up a demonstration {d.pick(GRIEVANCES)} {d.where()} and arrested {d.pick(SMALL)} people"
            ),
            lambda d: (
                f"{d.pick(PROTESTERS)} rallying {d.pick(GRIEVANCES)} were dispersed by police with water cannon {d.where()}"
            ),
            lambda d: (
                f"police detained {d.pick(SMALL)} {d.pick(PROTESTERS)} during a peaceful march {d.where()}"
            ),
            lambda d: f"riot police used batons to break up a sit-in {d.where()}",
            lambda d: (
                f"security forces fired rubber bullets to disperse a peaceful protest {d.where()}"
            ),
            lambda d: (
                f"a protest {d.pick(GRIEVANCES)} {d.where()} was broken up by officers who arrested the organisers"
            ),
        ],
        "Excessive force against protesters": [
            lambda d: (
                f"{d.pick(STATE_FORCES)} opened fire on peaceful {d.pick(PROTESTERS)} {d.where()}, killing {d.pick(SMALL)}"
            ),
            lambda d: f"soldiers shot dead {d.pick(SMALL)} unarmed demonstrators {d.where()}",
            lambda d: f"police used live ammunition against a peaceful march {d.where()}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} fired live rounds into a crowd of {d.pick(PROTESTERS)} {d.where()}"
            ),
            lambda d: f"a protester was killed when troops fired on a peaceful rally {d.where()}",
            lambda d: (
                f"security forces beat peaceful demonstrators, leaving {d.pick(SMALL)} seriously injured {d.where()}"
            ),
        ],
        "Violent demonstration": [
            lambda d: (
                f"{d.pick(PROTESTERS)} threw stones at police {d.where()} {d.pick(GRIEVANCES)}"
            ),
            lambda d: f"rioters set fire to tyres and a police car {d.where()}",
            lambda d: f"{d.pick(PROTESTERS)} hurled petrol bombs at security forces {d.where()}",
            lambda d: (
                f"angry {d.pick(PROTESTERS)} torched a government building {d.where()} {d.pick(GRIEVANCES)}"
            ),
            lambda d: f"{d.pick(PROTESTERS)} clashed with police {d.where()} and vandalised shops",
            lambda d: (
                f"a protest turned violent {d.where()} when demonstrators attacked officers with sticks"
            ),
            lambda d: f"rioting {d.pick(PROTESTERS)} burned vehicles and looted shops {d.where()}",
            lambda d: (
                f"{d.pick(PROTESTERS)} stormed the police station {d.where()} and set it ablaze"
            ),
        ],
        "Mob violence": [
            lambda d: f"a mob lynched a suspected thief {d.where()}",
            lambda d: f"villagers beat to death a man accused of witchcraft {d.where()}",
            lambda d: f"an angry crowd attacked {d.pick(CIVILIANS)} accused of theft {d.where()}",
            lambda d: f"a mob burned alive a man suspected of kidnapping {d.where()}",
            lambda d: f"rival groups of youths fought with machetes {d.where()}",
            lambda d: f"a crowd set upon a suspected cattle rustler {d.where()} and killed him",
            lambda d: (
                f"residents attacked and injured a man they suspected of stealing a motorbike {d.where()}"
            ),
            lambda d: f"communal clashes between rival villagers left houses burned {d.where()}",
        ],
        "Agreement": [
            lambda d: (
                f"{d.pick(REBELS)} and the government signed a ceasefire agreement {d.where()}"
            ),
            lambda d: f"the warring parties agreed to a truce {d.where()}",
            lambda d: f"{d.pick(REBELS)} reached a deal with the military on a prisoner exchange",
            lambda d: f"community leaders signed a peace accord {d.where()}",
            lambda d: f"the two sides agreed to release hostages under a deal brokered {d.where()}",
            lambda d: (
                f"a local truce was negotiated between {d.pick(MILITIAS)} and {d.pick(REBELS)}"
            ),
            lambda d: (
                f"representatives of {d.pick(REBELS)} and the government held peace talks {d.where()}"
            ),
        ],
        "Arrests": [
            lambda d: f"police arrested {d.pick(SMALL)} suspects {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} detained a local activist {d.where()}",
            lambda d: f"security forces rounded up dozens of young men {d.where()}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} raided a house {d.where()} and arrested an opposition leader"
            ),
            lambda d: f"authorities detained a journalist {d.where()} on charges of incitement",
            lambda d: f"{d.pick(SMALL)} members of {d.pick(REBELS)} were arrested {d.where()}",
            lambda d: (
                f"an alleged cartel leader was captured by {d.pick(STATE_FORCES)} {d.where()}"
            ),
            lambda d: (
                f"{d.pick(STATE_FORCES)} arrested {d.pick(CIVILIANS)} at a checkpoint {d.where()}"
            ),
        ],
        "Change to group/activity": [
            lambda d: f"{d.pick(REBELS)} announced the formation of a new armed wing {d.where()}",
            lambda d: f"the army deployed additional troops to {d.town}",
            lambda d: f"{d.pick(REBELS)} withdrew their forces from {d.village}",
            lambda d: f"{d.pick(STATE_FORCES)} sent reinforcements to {d.town}",
            lambda d: f"{d.pick(REBELS)} said they would suspend operations {d.where()}",
            lambda d: f"two armed groups merged into a new coalition {d.where()}",
            lambda d: f"a commander of {d.pick(REBELS)} defected to the government side",
            lambda d: (
                f"{d.pick(SMALL)} fighters of {d.pick(REBELS)} surrendered to {d.pick(STATE_FORCES)} {d.where()}"
            ),
            lambda d: f"the military imposed a curfew {d.where()}",
            lambda d: f"{d.pick(MILITIAS)} recruited dozens of new members {d.where()}",
        ],
        "Disrupted weapons use": [
            lambda d: f"{d.pick(STATE_FORCES)} found and defused a roadside bomb {d.where()}",
            lambda d: f"police seized a cache of weapons and ammunition {d.where()}",
            lambda d: f"a bomb disposal team dismantled an IED planted {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} discovered landmines and explosives {d.where()}",
            lambda d: f"troops intercepted a drone carrying explosives {d.where()}",
            lambda d: f"an unexploded mortar shell was found and safely detonated {d.where()}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} foiled a suicide bombing {d.where()} by arresting the bomber"
            ),
            lambda d: f"air defences shot down a missile over {d.town}",
            lambda d: (
                f"{d.pick(STATE_FORCES)} confiscated rifles and grenades from {d.pick(REBELS)} {d.where()}"
            ),
        ],
        "Headquarters or base established": [
            lambda d: f"{d.pick(REBELS)} set up a new base {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} established a military camp {d.where()}",
            lambda d: f"{d.pick(REBELS)} opened a headquarters {d.where()}",
            lambda d: f"the army built a new outpost {d.where()}",
            lambda d: f"{d.pick(MILITIAS)} established a checkpoint and a camp {d.where()}",
        ],
        "Looting/property destruction": [
            lambda d: f"{d.pick(STATE_FORCES)} looted shops and homes {d.where()}",
            lambda d: f"{d.pick(MILITIAS)} set houses on fire {d.where()}",
            lambda d: (
                f"armed men torched {d.pick(['dozens of', 'several', 'more than 100'])} homes {d.where()}"
            ),
            lambda d: f"{d.pick(STATE_FORCES)} burned down {d.village} village",
            lambda d: f"{d.pick(REBELS)} destroyed a telecommunications tower {d.where()}",
            lambda d: f"{d.pick(MILITIAS)} stole livestock and property {d.where()}",
            lambda d: f"{d.pick(STATE_FORCES)} demolished houses {d.where()}",
            lambda d: f"arsonists set fire to a school {d.where()}",
            lambda d: (
                f"{d.pick(REBELS)} vandalised a health centre and carried off medicines {d.where()}"
            ),
        ],
        "Non-violent transfer of territory": [
            lambda d: (
                f"{d.pick(STATE_FORCES)} withdrew from {d.town}, handing it to {d.pick(REBELS)} without a fight"
            ),
            lambda d: f"{d.pick(REBELS)} entered {d.village} unopposed after the army left",
            lambda d: f"control of {d.town} was handed over to {d.pick(REBELS)} under a local deal",
            lambda d: (
                f"{d.pick(REBELS)} took over {d.village} peacefully after the withdrawal of {d.pick(STATE_FORCES)}"
            ),
            lambda d: f"the government ceded the area around {d.town} to {d.pick(REBELS)}",
        ],
        "Other": [
            lambda d: (
                f"{d.pick(STATE_FORCES)} and {d.pick(REBELS)} exchanged prisoners {d.where()}"
            ),
            lambda d: f"an unknown armed group fired shots into the air {d.where()}, causing panic",
            lambda d: f"{d.pick(REBELS)} held a public parade of armed fighters {d.where()}",
            lambda d: f"a prison break freed dozens of inmates {d.where()}",
            lambda d: f"a hostage was released by {d.pick(REBELS)} {d.where()}",
        ],
        "Natural disaster": [
            lambda d: f"floods swept through {d.town}",
            lambda d: f"an earthquake struck {d.where()}",
            lambda d: f"a landslide buried homes {d.where()}",
            lambda d: f"a cyclone made landfall {d.where()}",
            lambda d: f"torrential rains caused flash floods {d.where()}",
            lambda d: f"a wildfire destroyed farmland {d.where()}",
        ],
        "Man-made disaster": [
            lambda d: f"a fire broke out in a factory {d.where()}",
            lambda d: f"a building collapsed {d.where()}",
            lambda d: f"a bus plunged into a ravine {d.where()}",
            lambda d: f"a gas explosion ripped through a restaurant {d.where()}",
            lambda d: f"a boat carrying migrants capsized {d.where()}",
            lambda d: f"a train derailed {d.where()}",
            lambda d: f"a jade mine collapsed {d.where()}",
            lambda d: f"a fuel tanker exploded after a collision {d.where()}",
        ],
        NONE_LABEL: [
            lambda d: f"the government announced a new budget for schools {d.where()}",
            lambda d: f"officials met to discuss the economy {d.where()}",
            lambda d: f"the central bank raised interest rates to curb inflation in {d.country}",
            lambda d: f"the football team from {d.town} won the regional cup",
            lambda d: f"aid agencies delivered food to displaced families {d.where()}",
            lambda d: f"the minister visited a hospital {d.where()} and praised the staff",
            lambda d: (
                f"analysts said the conflict {d.where()} has displaced thousands over the past decade"
            ),
            lambda d: (
                f"the United Nations called for calm and urged all parties to respect human rights in {d.country}"
            ),
            lambda d: f"a court {d.where()} adjourned the trial of a former official",
            lambda d: (
                f"elections are scheduled for next year in {d.country}, the electoral commission said"
            ),
            lambda d: f"prices of rice and cooking oil rose sharply {d.where()}",
            lambda d: f"the president inaugurated a new bridge {d.where()}",
            lambda d: f"the weather service forecast heavy rain {d.where()} later this week",
            lambda d: f"residents {d.where()} commemorated the anniversary of the massacre",
            lambda d: (
                f"a report by rights groups said abuses had increased in {d.country} over the year"
            ),
            lambda d: f"the foreign minister of {d.country} travelled to Geneva for talks on trade",
            lambda d: f"a vaccination campaign began {d.where()}",
            lambda d: f"schools reopened {d.where()} after the holidays",
            lambda d: "the opposition leader said he would run for president",
            lambda d: f"the army chief warned that security remained fragile {d.where()}",
            lambda d: f"the situation {d.where()} remained calm, according to local sources",
            lambda d: f"a new hospital opened {d.where()} with support from donors",
            lambda d: f"the government said it would investigate last year's violence {d.where()}",
            lambda d: f"farmers {d.where()} harvested a record crop this season",
            lambda d: f"the city council {d.where()} approved new parking rules",
        ],
    }


SOURCES = [
    "local sources said",
    "witnesses said",
    "a military spokesman said",
    "police said",
    "residents told reporters",
    "the monitoring group reported",
    "state media reported",
    "a local official told AFP",
    "according to a statement from the army",
    "the Syrian Observatory for Human Rights said",
    "the group said in a statement",
    "according to local media",
    "a hospital official said",
    "activists reported",
]
AGENCIES = ["(Reuters)", "(AFP)", "(AP)", "-", "(Xinhua)", "(dpa)"]


def _sentence(s: str) -> str:
    s = s.strip()
    return s[:1].upper() + s[1:]


def _style(d: _Draw, clause: str, label: str) -> str:
    """One report around ``clause`` in one of the source styles."""
    r = d.r
    when = d.date_phrase()
    tail = "" if label == NONE_LABEL or r.random() < 0.35 else f" {_sentence(d.killed())}."
    src = d.pick(SOURCES)
    style = r.randrange(6)
    if style == 0:  # wire lead with a dateline
        city = d.town.upper()
        return f"{city}, {r.choice(MONTHS)} {r.randint(1, 28)} {r.choice(AGENCIES)} - {_sentence(clause)} {when.lower()}, {src}.{tail}"
    if style == 1:  # coder summary
        lead = when if when.startswith("On ") else f"On {r.randint(1, 28)} {r.choice(MONTHS)} 2021"
        return f"{lead}, {d.where()} ({d.district}), {clause}.{tail}"
    if style == 2:  # monitoring-group bulletin
        return f"{d.town} – {_sentence(clause)} {when.lower()}.{tail} {_sentence(src)}."
    if style == 3:  # official statement
        return f"{_sentence(src)} that {clause} {when.lower()}.{tail}"
    if style == 4:  # headline
        h = clause.split(",")[0]
        return _sentence(h)
    return f"{_sentence(when)}, {clause}.{tail}"


def compose(per_class: int = 260, seed: int = 20261206) -> list[tuple[str, str]]:
    """``per_class`` (text, label) pairs per class, deterministic for a given seed."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for label, templates in _clauses().items():
        seen: set[str] = set()
        tries = 0
        n = per_class * (2 if label == NONE_LABEL else 1)
        while len(seen) < n and tries < n * 20:
            tries += 1
            d = _Draw(rng)
            text = _style(d, rng.choice(templates)(d), label)
            if text not in seen:
                seen.add(text)
                out.append((text, label))
    return out


LABELS = [*_clauses()]
