"""Demo data: users for every role, three units with homes and residents, waiting lists
across the four welfare offices, and vacancies at different steps of the routine.

Only for a demo database. Every demo user has the password `DEMO_PASSWORD`
("demo-passord"); never seed a production database with it.

    brukernavn            rolle                          binding
    konsulent.anne        boligkonsulent
    konsulent.jonas       boligkonsulent (fire øyne)
    avdelingsleder.siri   avdelingsleder, boligtildeling
    hvk.midtbyen          saksbehandler                  Midtbyen
    hvk.ostbyen           saksbehandler                  Østbyen
    hvk.lerkendal         saksbehandler                  Lerkendal
    hvk.heimdal           saksbehandler                  Heimdal
    leder.lade            enhetsleder                    lade-botiltak
    leder.sverresgate     enhetsleder                    sverresgate-botiltak
    leder.saupstad        enhetsleder                    saupstad-bofellesskap
    radgiver.per          rådgiver (regelverk)
    admin                 administrator

Units and people come from the two example cases in `examples/` (Lade and
Sverresgate) plus an invented third unit (Saupstad). The vacancies:

    LB-2026-030  Lade allé 12, leil. 101   innflyttet (a full course, for the measures)
    LB-2026-041  Lade allé 12, leil. 103   open, four nominations with checklists
    LB-2026-057  Sverresgate 4, leil. 21   recommendation approved; the unit leader objected
    LB-2026-063  Saupstadringen 30, leil. 4 just reported, being prepared, no nominations

and, behind the key figures (nøkkeltall), a history of thirteen vacancies from January to
October 2026 (LB-2026-002 ... LB-2026-038, `seed_history`), each carried to moving in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from engine import CompiledRules, load_rules, read_case_file
from service.casework import applicants, consultation, decisions, movein, nominations, recommendations, units, \
    vacancies
from service.casework.accounts import add_user
from service.casework.context import OSLO, Context
from service.domain.codes import READINESS_ENGINE_CODES, Role
from service.config import default_rules_dir, examples_dir
from service.store.models import Applicant, Home, Unit, User
from service.casework import commands
from service.store.unit_of_work import SqlUnitOfWork

DEMO_PASSWORD = "demo-passord"
ENGINE_TO_READINESS = {code: readiness.value for readiness, code in READINESS_ENGINE_CODES.items()}
EXAMPLES = examples_dir()

DEMO_USERS = [
    # username, display name, role, office, units
    ("konsulent.anne", "Anne Berg", Role.CONSULTANT, None, ()),
    ("konsulent.jonas", "Jonas Lie", Role.CONSULTANT, None, ()),
    ("avdelingsleder.siri", "Siri Moe", Role.HEAD_OF_ALLOCATION, None, ()),
    ("hvk.midtbyen", "Marte Dahl", Role.CASEWORKER, "Midtbyen", ()),
    ("hvk.ostbyen", "Omar Haddad", Role.CASEWORKER, "Østbyen", ()),
    ("hvk.lerkendal", "Lise Ås", Role.CASEWORKER, "Lerkendal", ()),
    ("hvk.heimdal", "Henrik Vik", Role.CASEWORKER, "Heimdal", ()),
    ("leder.lade", "Kari Nordmann", Role.UNIT_LEADER, None, ("lade-botiltak",)),
    ("leder.sverresgate", "Ola Hansen", Role.UNIT_LEADER, None, ("sverresgate-botiltak",)),
    ("leder.saupstad", "Nina Solberg", Role.UNIT_LEADER, None, ("saupstad-bofellesskap",)),
    ("radgiver.per", "Per Holm", Role.POLICY_OFFICER, None, ()),
    ("admin", "Administrator", Role.ADMIN, None, ()),
]
OFFICE_USERS = {"Midtbyen": "hvk.midtbyen", "Østbyen": "hvk.ostbyen", "Lerkendal": "hvk.lerkendal",
                "Heimdal": "hvk.heimdal"}

# Invented names for the example candidates (the examples carry codes only).
NAMES = {"K-2031": "Emma Solheim", "K-1187": "Lars Aune", "K-0954": "Ingrid Rønning", "K-2210": "Sander Holm",
         "K-3001": "Tor Eggen", "K-3002": "Hanne Lund", "K-3003": "Geir Strand"}

SAUPSTAD = {
    "id": "saupstad-bofellesskap", "navn": "Saupstad bofellesskap",
    "profile": {"malgrupper": ["fysisk_funksjonshemming", "utviklingshemming"],
                "bemanning": {"dag": True, "kveld": True, "natt": True}, "aktiviteter": True,
                "felles_maltider": True, "leder": {"navn": "Nina Solberg", "epost": "nina.solberg@example.org"}},
    "homes": [("Saupstadringen 30, leil. 4", {"rom": 2, "areal_m2": 52, "etasje": 1, "heis": True,
                                              "rullestoltilpasset": True, "egen_inngang": True}),
              ("Saupstadringen 30, leil. 5", {"rom": 2, "areal_m2": 50, "etasje": 2, "heis": True,
                                              "rullestoltilpasset": True, "egen_inngang": False})],
    "residents": [("B-31", {"malgruppe": "fysisk_funksjonshemming", "alder": 33, "aktiv_rus": False,
                            "utagering": "ingen", "sarbar": False}),
                  ("B-32", {"malgruppe": "utviklingshemming", "alder": 27, "aktiv_rus": False,
                            "utagering": "lav", "sarbar": True})],
}

# More people on the waiting lists: (code, name, office, born, received, groups, checklist changes)
EXTRA_APPLICANTS = [
    ("K-1500", "Mona Berge", "Midtbyen", dt.date(1990, 3, 2), dt.date(2025, 2, 10), ["utviklingshemming"],
     {"bosituasjon": "hos_foreldre", "omsorgsgiver_svikter": True}),
    ("K-1501", "Arne Kvam", "Heimdal", dt.date(1982, 7, 19), dt.date(2025, 6, 1), ["psykisk_lidelse"],
     {"bosituasjon": "midlertidig"}),
    ("K-1502", "Silje Bakken", "Østbyen", dt.date(1998, 11, 5), dt.date(2026, 2, 20),
     ["fysisk_funksjonshemming"], {"bosituasjon": "egen_bolig_uegnet", "rullestol": True, "kan_ga_trapper": False}),
    ("K-1503", "Knut Wold", "Lerkendal", dt.date(1975, 1, 28), dt.date(2026, 4, 9), ["rus", "psykisk_lidelse"],
     {"bosituasjon": "bostedslos", "aktiv_rus": True, "akutt_fare": True, "tjenestebehov": "dognbemanning"}),
    ("K-1504", "Ida Fossum", "Midtbyen", dt.date(2001, 5, 14), dt.date(2026, 8, 3), ["utviklingshemming"],
     {"bosituasjon": "hos_foreldre", "samtykke_deling": False}),
    ("K-1505", "Pål Haugen", "Heimdal", dt.date(1968, 9, 9), dt.date(2026, 1, 15), ["fysisk_funksjonshemming"],
     {"bosituasjon": "institusjon", "utskrivningsklar": True, "utskrivningsklar_siden": "2026-08-01",
      "rullestol": True, "kan_ga_trapper": False}),
]
BASE_CHECKLIST = {"bosituasjon": "midlertidig", "omsorgsgiver_svikter": False, "utskrivningsklar": False,
                  "akutt_fare": False, "tjenestebehov": "dag_kveld", "rullestol": False, "kan_ga_trapper": True,
                  "utagering": "ingen", "aktiv_rus": False, "behov_skjermet_miljo": False,
                  "onsker_fellesskap": True, "samtykke_deling": True}


class DemoClock:
    """A settable clock: the demo's steps happen on the dates they would have."""

    def __init__(self, start: dt.datetime):
        self.moment = start

    def __call__(self) -> dt.datetime:
        return self.moment

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> "DemoClock":
        self.moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)
        return self


def birth_date_for(age: int, on: dt.date) -> dt.date:
    """A birth date that makes someone `age` years old on `on` (born 1 January)."""
    return dt.date(on.year - age, 1, 1)


class Demo:
    """Builds demo or test data through the casework functions (so it is recorded like real work)."""

    def __init__(self, session: Session, rules: CompiledRules, clock: DemoClock):
        self.session, self.rules, self.clock = session, rules, clock

    def ctx(self, username: str) -> Context:
        user = self.session.scalar(select(User).where(User.username == username))
        return Context(uow=SqlUnitOfWork(self.session), actor=user, clock=self.clock, rules=self.rules)

    def users(self, password: str | None = DEMO_PASSWORD) -> None:
        """The demo users; all share one hash of `password` (hashing is slow on purpose). None: no login."""
        hashed = generate_password_hash(password) if password else None
        for username, name, role, office, _units in DEMO_USERS:
            add_user(self.session, username=username, display_name=name, role=role.value, password_hash=hashed,
                     welfare_office=office, now=self.clock(), email=f"{username}@example.org")
        self.session.commit()

    def bind_unit_leaders(self) -> None:
        for username, _name, _role, _office, unit_ids in DEMO_USERS:
            if unit_ids:
                user = self.session.scalar(select(User).where(User.username == username))
                user.units = [unit for unit in (self.session.get(Unit, u) for u in unit_ids) if unit is not None]
        self.session.commit()

    def example(self, path: Path, as_of: dt.date) -> dict:
        """Unit, home, residents and applicants (with checklists) from an example case file."""
        data, _doc = read_case_file(path)
        ledig = data["ledig_bolig"]
        botiltak = dict(ledig["botiltak"])
        admin = self.ctx("konsulent.anne")
        unit_id, name = botiltak.pop("id"), botiltak.pop("navn")
        units.add_unit(admin, commands.parse(commands.AddUnit, unit_id=unit_id, name=name, profile=botiltak))
        bolig = dict(ledig["bolig"])
        home = units.add_home(admin, unit_id, commands.parse(commands.AddHome, address=bolig.pop('adresse'),
                                                             facts=bolig))
        for resident in data.get("beboere", []):
            facts = dict(resident)
            units.add_resident(admin, unit_id, commands.parse(commands.AddResident, code=facts.pop('id'),
                                                              facts=facts))
        codes = []
        for kandidat in data["kandidater"]:
            self.applicant(kandidat["id"], NAMES.get(kandidat["id"], kandidat["id"]), kandidat["hvk"],
                           birth_date_for(kandidat["alder"], as_of), kandidat["soknad_mottatt"],
                           kandidat["malgrupper"], kandidat["sjekkliste"])
            codes.append(kandidat["id"])
        return {"unit_id": unit_id, "home_id": home["id"], "ledig_bolig": ledig, "candidates": codes}

    def applicant(self, code, name, office, born, received, groups, checklist) -> int:
        caseworker = self.ctx(OFFICE_USERS[office])
        view = applicants.register_applicant(caseworker, commands.parse(commands.RegisterApplicant, code=code,
                                                                        name=name, birth_date=born,
                                                                        application_received=received,
                                                                        target_groups=groups))
        applicants.record_checklist(self.ctx(OFFICE_USERS[office]), view['id'],
            commands.parse(commands.RecordChecklist, checklist=_jsonable(checklist),
                           note='Sjekkliste ført ved søknad.'))
        return view["id"]

    def applicant_id(self, code: str) -> int:
        return self.session.scalar(select(Applicant.id).where(Applicant.code == code))

    def office_of(self, code: str) -> str:
        return self.session.scalar(select(Applicant.welfare_office).where(Applicant.code == code))

    def nominate(self, vacancy_id: int, code: str) -> dict:
        return nominations.nominate(self.ctx(OFFICE_USERS[self.office_of(code)]), vacancy_id,
            commands.parse(commands.Nominate, applicant_id=self.applicant_id(code)))

    def report(self, home_id: int, ledig: dict, **extra) -> dict:
        return vacancies.report_vacancy(self.ctx('konsulent.anne'),
            commands.parse(commands.ReportVacancy, home_id=home_id, reported_on=ledig['meldt'],
                           vacated_on=ledig.get('fraflyttet'), ready_on=ledig.get('klar_til_innflytting'),
                           readiness=ENGINE_TO_READINESS[ledig['status']],
                           monthly_rent=ledig.get('husleie_per_maned'), reference=ledig['id'], **extra))


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def seed_demo(session: Session, rules: CompiledRules | None = None) -> bool:
    """Fill an empty, migrated database with the demo; return False (and do nothing) if it has users."""
    if session.scalar(select(func.count(User.id))):
        return False
    rules = rules or CompiledRules(load_rules(default_rules_dir()))
    clock = DemoClock(dt.datetime(2026, 8, 20, 9, 0, tzinfo=OSLO))
    demo = Demo(session, rules, clock)
    demo.users()
    lade = demo.example(EXAMPLES / "sak-1-lade.yaml", dt.date(2026, 11, 28))
    sverresgate = demo.example(EXAMPLES / "sak-2-sammensetning.yaml", dt.date(2026, 11, 28))
    anne = demo.ctx("konsulent.anne")
    units.add_unit(anne, commands.parse(commands.AddUnit, unit_id=SAUPSTAD['id'], name=SAUPSTAD['navn'],
                                        profile=SAUPSTAD['profile']))
    saupstad_homes = [units.add_home(demo.ctx('konsulent.anne'), SAUPSTAD['id'],
        commands.parse(commands.AddHome, address=a, facts=f))
                      for a, f in SAUPSTAD["homes"]]
    for code, facts in SAUPSTAD["residents"]:
        units.add_resident(demo.ctx('konsulent.anne'), SAUPSTAD['id'],
            commands.parse(commands.AddResident, code=code, facts=facts))
    lade_101 = units.add_home(demo.ctx('konsulent.anne'), 'lade-botiltak',
        commands.parse(commands.AddHome, address='Lade allé 12, leil. 101',
                       facts={'rom': 1, 'areal_m2': 34, 'etasje': 1, 'heis': False,
                              'rullestoltilpasset': False, 'egen_inngang': True}))
    units.add_home(demo.ctx('konsulent.anne'), 'sverresgate-botiltak',
        commands.parse(commands.AddHome, address='Sverresgate 4, leil. 22',
                       facts={'rom': 1, 'areal_m2': 30, 'etasje': 2, 'heis': False,
                              'rullestoltilpasset': False, 'egen_inngang': False}))
    demo.bind_unit_leaders()
    for code, name, office, born, received, groups, changes in EXTRA_APPLICANTS:
        demo.applicant(code, name, office, born, received, groups, {**BASE_CHECKLIST, **changes})

    # LB-2026-030: a full course, August to October.
    clock.at(dt.date(2026, 9, 1), 8, 30)
    done = demo.report(lade_101["id"], {"id": "LB-2026-030", "meldt": "2026-09-01", "fraflyttet": "2026-08-29",
                                        "status": "under_klargjoring",
                                        "husleie_per_maned": 8700})
    clock.at(dt.date(2026, 9, 7), 13)
    demo.nominate(done["id"], "K-1500")
    demo.nominate(done["id"], "K-1501")
    clock.at(dt.date(2026, 9, 14), 9)
    rec = recommendations.make_recommendation(demo.ctx("konsulent.anne"), done["id"])
    clock.at(dt.date(2026, 9, 14), 14)
    recommendations.approve_recommendation(demo.ctx('konsulent.jonas'), rec['vacancy_id'],
        commands.parse(commands.ApproveRecommendation, recommendation_id=rec['id']))
    clock.at(dt.date(2026, 9, 16), 11)
    consultation.unit_leader_respond(demo.ctx('leder.lade'), done['id'],
        commands.parse(commands.UnitLeaderRespond, response='enig'))
    clock.at(dt.date(2026, 9, 17), 10)
    top = rec["result"]["candidates"][0]["id"]
    decisions.decide(demo.ctx('konsulent.jonas'), done['id'], commands.parse(commands.Decide, candidate=top))
    clock.at(dt.date(2026, 9, 28), 8)
    vacancies.update_readiness(demo.ctx('leder.lade'), done['id'],
        commands.parse(commands.UpdateReadiness, readiness='ready', ready_on='2026-09-28'))
    clock.at(dt.date(2026, 9, 29), 9)
    movein.book_viewing(demo.ctx('konsulent.anne'), done['id'], commands.parse(commands.BookViewing,
                                                                               viewing_at='2026-10-02T13:00:00+02:00'))
    clock.at(dt.date(2026, 10, 5), 12)
    movein.sign_contract(demo.ctx('konsulent.anne'), done['id'], commands.parse(commands.SignContract,
                                                                                signed_on='2026-10-05'))
    for step in ("housing_allowance_applied", "electricity_ordered"):
        movein.complete_movein_step(demo.ctx('konsulent.anne'), done['id'],
            commands.parse(commands.CompleteMoveinStep, step=step, done_on='2026-10-05'))
    clock.at(dt.date(2026, 10, 15), 10)
    movein.register_move_in(demo.ctx('konsulent.anne'), done['id'],
        commands.parse(commands.RegisterMoveIn, moved_in_on='2026-10-15'))
    clock.at(dt.date(2026, 10, 20), 10)
    movein.complete_movein_step(demo.ctx('konsulent.anne'), done['id'],
        commands.parse(commands.CompleteMoveinStep, step='address_reported', done_on='2026-10-20'))

    # LB-2026-041 (Lade): four nominations, checklists in place, waiting for the recommendation.
    clock.at(dt.date(2026, 11, 16), 8, 15)
    open_one = demo.report(lade["home_id"], lade["ledig_bolig"], departing_resident=None,
                           reason="Beboeren har flyttet til sykehjem.")
    for i, code in enumerate(lade["candidates"]):
        clock.at(dt.date(2026, 11, 18 + i), 11)
        demo.nominate(open_one["id"], code)

    # LB-2026-057 (Sverresgate): approved recommendation, the unit leader objects.
    clock.at(dt.date(2026, 11, 20), 9)
    disputed = demo.report(sverresgate["home_id"], sverresgate["ledig_bolig"],
                           reason="Beboeren har sagt opp leieforholdet.")
    for code in sverresgate["candidates"]:
        demo.nominate(disputed["id"], code)
    clock.at(dt.date(2026, 11, 24), 10)
    rec = recommendations.make_recommendation(demo.ctx("konsulent.anne"), disputed["id"])
    clock.at(dt.date(2026, 11, 24), 15)
    recommendations.approve_recommendation(demo.ctx('konsulent.jonas'), rec['vacancy_id'],
        commands.parse(commands.ApproveRecommendation, recommendation_id=rec['id']))
    clock.at(dt.date(2026, 11, 26), 9, 30)
    consultation.unit_leader_respond(demo.ctx('leder.sverresgate'), disputed['id'],
        commands.parse(commands.UnitLeaderRespond, response='innsigelse', reason_code='atferd',
                       reason_text='Høy utageringsrisiko i et miljø med sårbare beboere.'))

    # LB-2026-063 (Saupstad): just reported, being prepared.
    clock.at(dt.date(2026, 11, 25), 7, 45)
    vacancies.report_vacancy(demo.ctx('leder.saupstad'), commands.parse(commands.ReportVacancy,
                                                                        home_id=saupstad_homes[0]['id'],
                                                                        reported_on='2026-11-25',
                                                                        vacated_on='2026-11-24',
                                                                        readiness='being_prepared', monthly_rent=9900,
                                                                        reference='LB-2026-063',
                                                                        departing_resident='B-31',
                                                                        reason='Beboeren er flyttet til sykehjem.'))
    seed_history(demo)
    return True


# -- the history behind the key figures (nøkkeltall) ------------------------------------------------

#: Homes that had earlier tenants in 2026: (key, unit, address, facts)
HISTORY_HOMES = [
    ("lade-105", "lade-botiltak", "Lade allé 12, leil. 105",
     {"rom": 1, "areal_m2": 36, "etasje": 1, "heis": False, "rullestoltilpasset": False, "egen_inngang": True}),
    ("lade-107", "lade-botiltak", "Lade allé 12, leil. 107",
     {"rom": 2, "areal_m2": 44, "etasje": 1, "heis": False, "rullestoltilpasset": False, "egen_inngang": True}),
    ("sverresgate-23", "sverresgate-botiltak", "Sverresgate 4, leil. 23",
     {"rom": 1, "areal_m2": 31, "etasje": 1, "heis": False, "rullestoltilpasset": False, "egen_inngang": False}),
    ("sverresgate-24", "sverresgate-botiltak", "Sverresgate 4, leil. 24",
     {"rom": 1, "areal_m2": 29, "etasje": 1, "heis": False, "rullestoltilpasset": False, "egen_inngang": False}),
    ("saupstad-6", "saupstad-bofellesskap", "Saupstadringen 30, leil. 6",
     {"rom": 2, "areal_m2": 51, "etasje": 1, "heis": True, "rullestoltilpasset": True, "egen_inngang": True}),
]

#: The applicants housed in them (code, name, office, born, received, groups, checklist changes), in the
#: order they are nominated: no active drug use, no high risk of acting out, so no composition rule changes.
HISTORY_APPLICANTS = [
    ("K-4001", "Astrid Myhre", "Midtbyen", dt.date(1987, 4, 3), dt.date(2024, 11, 4),
     ["utviklingshemming", "psykisk_lidelse"], {"bosituasjon": "hos_foreldre", "omsorgsgiver_svikter": True}),
    ("K-4002", "Bjørn Teigen", "Østbyen", dt.date(1979, 8, 21), dt.date(2025, 3, 17),
     ["psykisk_lidelse", "utviklingshemming"], {"bosituasjon": "midlertidig"}),
    ("K-4003", "Camilla Vold", "Lerkendal", dt.date(1995, 1, 30), dt.date(2025, 1, 8),
     ["psykisk_lidelse", "utviklingshemming"], {"bosituasjon": "institusjon", "utskrivningsklar": True,
                                               "utskrivningsklar_siden": "2025-12-01"}),
    ("K-4004", "Daniel Sæther", "Heimdal", dt.date(1990, 6, 12), dt.date(2025, 5, 26),
     ["utviklingshemming", "psykisk_lidelse"], {"bosituasjon": "egen_bolig_uegnet"}),
    ("K-4005", "Eli Hovde", "Midtbyen", dt.date(1984, 10, 2), dt.date(2025, 2, 14),
     ["psykisk_lidelse", "utviklingshemming"], {"bosituasjon": "bostedslos", "utagering": "lav"}),
    ("K-4006", "Fredrik Lunde", "Østbyen", dt.date(2000, 12, 19), dt.date(2025, 8, 11),
     ["utviklingshemming", "psykisk_lidelse"], {"bosituasjon": "hos_foreldre"}),
    ("K-4007", "Guro Nesse", "Lerkendal", dt.date(1972, 3, 8), dt.date(2025, 4, 22),
     ["psykisk_lidelse", "utviklingshemming"], {"bosituasjon": "midlertidig", "akutt_fare": True}),
    ("K-4008", "Håkon Ryen", "Heimdal", dt.date(1993, 7, 27), dt.date(2025, 9, 1),
     ["utviklingshemming", "psykisk_lidelse"], {"bosituasjon": "hos_foreldre", "omsorgsgiver_svikter": True}),
    ("K-4009", "Ingeborg Skjelstad", "Midtbyen", dt.date(1998, 2, 5), dt.date(2025, 10, 13),
     ["psykisk_lidelse", "utviklingshemming"], {"bosituasjon": "midlertidig"}),
    ("K-4010", "Jørgen Moen", "Østbyen", dt.date(1981, 11, 16), dt.date(2025, 6, 30),
     ["utviklingshemming", "psykisk_lidelse"], {"bosituasjon": "institusjon", "utskrivningsklar": True,
                                               "utskrivningsklar_siden": "2026-05-01"}),
    ("K-4011", "Kristin Aas", "Lerkendal", dt.date(1989, 5, 24), dt.date(2025, 11, 20),
     ["psykisk_lidelse", "utviklingshemming"], {"bosituasjon": "egen_bolig_uegnet"}),
    ("K-4012", "Leif Hammer", "Heimdal", dt.date(1976, 9, 9), dt.date(2025, 12, 3),
     ["utviklingshemming", "psykisk_lidelse"], {"bosituasjon": "midlertidig"}),
    ("K-4013", "Mari Ulstad", "Midtbyen", dt.date(1991, 1, 17), dt.date(2025, 12, 15),
     ["psykisk_lidelse", "utviklingshemming"], {"bosituasjon": "egen_bolig_uegnet"}),
]


@dataclass(frozen=True)
class PastVacancy:
    """One completed vacancy of the history: the day of each step (2026), slow in spring, faster by autumn."""

    reference: str
    home: str
    rent: int
    vacated: str
    reported: str
    ready: str                  # the day the unit reported the home ready (the day reported: ready at once)
    nominated: tuple[str, ...]  # one day per nominee (a second nominee comes from another office)
    recommended: str
    approved: str
    answered: str
    decided: str
    contract: str
    moved_in: str


HISTORY = [
    PastVacancy("LB-2026-002", "sverresgate-24", 8100, "01-02", "01-05", "01-30", ("01-13", "01-15"), "01-20",
                "01-22", "01-28", "02-09", "02-13", "02-23"),
    PastVacancy("LB-2026-004", "lade-105", 9200, "01-09", "01-12", "02-02", ("01-19", "01-22"), "01-28", "01-30",
                "02-04", "02-18", "02-27", "03-02"),
    PastVacancy("LB-2026-008", "sverresgate-23", 8100, "02-06", "02-09", "02-09", ("02-16",), "02-20", "02-24",
                "03-02", "03-12", "03-20", "03-23"),
    PastVacancy("LB-2026-012", "saupstad-6", 9900, "03-02", "03-03", "03-30", ("03-06", "03-09"), "03-11", "03-12",
                "03-16", "03-20", "04-07", "04-10"),
    PastVacancy("LB-2026-015", "lade-107", 9000, "04-01", "04-07", "05-04", ("04-13", "04-16"), "04-20", "04-21",
                "04-24", "04-29", "05-11", "05-15"),
    PastVacancy("LB-2026-017", "sverresgate-24", 8100, "04-17", "04-20", "05-08", ("04-24",), "04-30", "05-04",
                "05-06", "05-22", "05-29", "06-03"),
    PastVacancy("LB-2026-019", "lade-105", 9200, "05-08", "05-11", "06-05", ("05-15", "05-18"), "05-20", "05-21",
                "05-27", "06-02", "06-12", "06-15"),
    PastVacancy("LB-2026-022", "saupstad-6", 9900, "06-05", "06-08", "06-08", ("06-12",), "06-16", "06-17",
                "06-19", "06-24", "07-01", "07-06"),
    PastVacancy("LB-2026-025", "sverresgate-23", 8100, "07-03", "07-06", "08-03", ("07-13", "07-15"), "07-20",
                "07-22", "07-28", "07-31", "08-10", "08-12"),
    PastVacancy("LB-2026-028", "lade-107", 9000, "08-07", "08-10", "08-24", ("08-13", "08-14"), "08-18", "08-19",
                "08-21", "08-25", "09-01", "09-04"),
    PastVacancy("LB-2026-029", "saupstad-6", 9900, "08-14", "08-17", "08-28", ("08-20",), "08-24", "08-25",
                "08-27", "08-31", "09-04", "09-07"),
    PastVacancy("LB-2026-035", "lade-105", 9200, "09-11", "09-14", "10-02", ("09-17", "09-18"), "09-22", "09-23",
                "09-25", "09-30", "10-09", "10-19"),
    PastVacancy("LB-2026-038", "sverresgate-23", 8100, "10-02", "10-05", "10-16", ("10-08",), "10-12", "10-13",
                "10-15", "10-19", "10-23", "10-27"),
]


def _day_2026(month_day: str) -> dt.date:
    return dt.date.fromisoformat(f"2026-{month_day}")


def seed_history(demo: Demo) -> None:
    """Thirteen completed vacancies, January to October 2026, for the key figures (nøkkeltall).

    Each goes through the routine's steps with the clock at the day of the step, as
    LB-2026-030 does. A home's next vacancy moves out the tenant the last one moved
    in, so each home of the history adds one resident to its unit. Every applicant
    of the history ends up housed: the one not chosen for a home is nominated again
    for the next.
    """
    clock, anne = demo.clock, "konsulent.anne"
    clock.at(dt.date(2026, 1, 5), 9)
    homes = {key: units.add_home(demo.ctx(anne), unit_id, commands.parse(commands.AddHome, address=address,
                                                                         facts=facts))["id"]
             for key, unit_id, address, facts in HISTORY_HOMES}
    for code, name, office, born, received, groups, changes in HISTORY_APPLICANTS:
        demo.applicant(code, name, office, born, received, groups, {**BASE_CHECKLIST, **changes})
    waiting = [(code, office) for code, _name, office, *_rest in HISTORY_APPLICANTS]
    tenant: dict[str, str] = {}  # home -> the resident who lives there now
    for past in HISTORY:
        day = _day_2026
        clock.at(day(past.reported), 8, 30)
        ready_at_once = past.ready == past.reported
        vacancy = vacancies.report_vacancy(demo.ctx(anne), commands.parse(
            commands.ReportVacancy, home_id=homes[past.home], reported_on=day(past.reported),
            vacated_on=day(past.vacated), ready_on=day(past.ready) if ready_at_once else None,
            readiness="ready" if ready_at_once else "being_prepared", monthly_rent=past.rent,
            reference=past.reference, departing_resident=tenant.get(past.home),
            reason="Beboeren har flyttet." if past.home not in tenant else "Beboeren har sagt opp leieforholdet."))
        nominees = waiting[:1]
        if len(past.nominated) > 1:  # one nominee per office: the next who waits at another office
            nominees += [w for w in waiting[1:] if w[1] != nominees[0][1]][:1]
        for (code, _office), when in zip(nominees, past.nominated):
            clock.at(day(when), 11)
            demo.nominate(vacancy["id"], code)
        clock.at(day(past.recommended), 9)
        rec = recommendations.make_recommendation(demo.ctx(anne), vacancy["id"])
        clock.at(day(past.approved), 14)
        recommendations.approve_recommendation(demo.ctx("konsulent.jonas"), vacancy["id"], commands.parse(
            commands.ApproveRecommendation, recommendation_id=rec["id"]))
        clock.at(day(past.answered), 11)
        leader = next(u for u, *_r, unit_ids in DEMO_USERS if unit_ids and
                      unit_ids[0] == next(h[1] for h in HISTORY_HOMES if h[0] == past.home))
        consultation.unit_leader_respond(demo.ctx(leader), vacancy["id"], commands.parse(
            commands.UnitLeaderRespond, response="enig"))
        clock.at(day(past.decided), 10)
        top = rec["result"]["candidates"][0]["id"]
        decisions.decide(demo.ctx("konsulent.jonas"), vacancy["id"], commands.parse(commands.Decide, candidate=top))
        if not ready_at_once:
            clock.at(day(past.ready), 8)
            vacancies.update_readiness(demo.ctx(leader), vacancy["id"], commands.parse(
                commands.UpdateReadiness, readiness="ready", ready_on=day(past.ready)))
        viewing = max(day(past.decided), day(past.ready))
        clock.at(viewing, 9)
        movein.book_viewing(demo.ctx(anne), vacancy["id"], commands.parse(
            commands.BookViewing, viewing_at=dt.datetime(viewing.year, viewing.month, viewing.day, 14, tzinfo=OSLO)))
        clock.at(day(past.contract), 12)
        movein.sign_contract(demo.ctx(anne), vacancy["id"], commands.parse(commands.SignContract,
                                                                           signed_on=day(past.contract)))
        for step in ("housing_allowance_applied", "electricity_ordered"):
            movein.complete_movein_step(demo.ctx(anne), vacancy["id"], commands.parse(
                commands.CompleteMoveinStep, step=step, done_on=day(past.contract)))
        clock.at(day(past.moved_in), 10)
        moved = movein.register_move_in(demo.ctx(anne), vacancy["id"], commands.parse(
            commands.RegisterMoveIn, moved_in_on=day(past.moved_in)))
        movein.complete_movein_step(demo.ctx(anne), vacancy["id"], commands.parse(
            commands.CompleteMoveinStep, step="address_reported", done_on=day(past.moved_in)))
        tenant[past.home] = moved["resident"]
        waiting = [w for w in waiting if w[0] != top]


def demo_home_id(session: Session, address: str) -> int:
    return session.scalar(select(Home.id).where(Home.address == address))
