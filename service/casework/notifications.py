"""Notifications (varsler) to the welfare offices and the units, rendered in bokmål.

They are queued in the outbox in the same transaction as the step that caused
them, so a refused step sends nothing and a committed one is never forgotten.
`service.store.outbox.deliver_outbox` sends them when SMTP is configured.
Messages name candidates by code only: e-mail is no place for health data.
"""

from __future__ import annotations

from service.store.models import OutboxMessage, Vacancy

from service.casework.context import Context

SIGNATURE = ("\n\nVennlig hilsen\nBoligtildelingen\n\n"
             "(Meldingen er sendt automatisk fra beslutningsstøtten for boligtildeling.)")


def _queue(ctx: Context, vacancy: Vacancy, kind: str, recipient: str, to_address: str | None, subject: str,
           body: str) -> None:
    ctx.session.add(OutboxMessage(vacancy_id=vacancy.id, recipient_kind=kind, recipient=recipient,
                                  to_address=to_address, subject=subject, body=body + SIGNATURE,
                                  status="pending", created_at=ctx.now(), attempts=0))


def _to_unit(ctx: Context, vacancy: Vacancy, subject: str, body: str) -> None:
    unit = vacancy.home.unit
    leader = unit.profile.get("leder") or {}
    greeting = f"Hei {leader['navn']}!\n\n" if leader.get("navn") else "Hei!\n\n"
    _queue(ctx, vacancy, "unit", unit.id, leader.get("epost"), subject, greeting + body)


def _to_office(ctx: Context, vacancy: Vacancy, office: str, subject: str, body: str) -> None:
    _queue(ctx, vacancy, "office", office, None, subject, f"Til {office} helse- og velferdskontor\n\n" + body)


def _where(vacancy: Vacancy) -> str:
    return f"{vacancy.home.address} i {vacancy.home.unit.name} ({vacancy.reference})"


def recommendation_to_unit(ctx: Context, vacancy: Vacancy, presented: list[str]) -> None:
    if len(presented) > 1:
        who = (f"kandidatene {', '.join(presented[:-1])} og {presented[-1]}, som står likt etter "
               f"prioriteringsnøkkelen")
    else:
        who = f"kandidat {presented[0]}" if presented else "ingen kandidat"
    _to_unit(ctx, vacancy, f"Innstilling til ledig bolig {vacancy.reference}",
             f"Boligtildelingen har godkjent innstillingen til {_where(vacancy)} og legger fram {who}.\n\n"
             f"Logg inn for å se det du har tilgang til om kandidaten, og svar om dere er enige, eller om "
             f"dere er i tvil om tjenestene, sammensetningen av beboergruppen eller atferd.")


def decision_to_office(ctx: Context, vacancy: Vacancy, office: str, candidate: str) -> None:
    _to_office(ctx, vacancy, office, f"Vedtak om tildeling: {candidate} er tildelt bolig",
               f"{candidate} er tildelt {_where(vacancy)}.\n\n"
               f"Informer og motiver søkeren, og planlegg tjenestene sammen med botiltaket. "
               f"Boligkonsulenten tar kontakt om visning og kontraktsmøte når boligen er klar.")


def decision_to_unit(ctx: Context, vacancy: Vacancy, office: str, candidate: str) -> None:
    _to_unit(ctx, vacancy, f"Vedtak om tildeling av {vacancy.reference}",
             f"{_where(vacancy)} er tildelt {candidate}, nominert av {office} helse- og velferdskontor.\n\n"
             f"Saksbehandleren tar kontakt for å planlegge tjenestene før innflytting.")


def viewing_to_unit(ctx: Context, vacancy: Vacancy, candidate: str, when_text: str) -> None:
    _to_unit(ctx, vacancy, f"Visning avtalt for {vacancy.reference}",
             f"Det er avtalt visning av {_where(vacancy)} for {candidate}: {when_text}.")


def offer_declined(ctx: Context, vacancy: Vacancy, office: str, candidate: str, next_up: list[str]) -> None:
    _to_office(ctx, vacancy, office, f"{candidate} takket nei til tilbudet",
               f"Det er registrert at {candidate} takket nei til {_where(vacancy)}. Vedtaket er avsluttet.")
    if next_up:
        nxt = f"Neste kandidat etter innstillingen er {', '.join(next_up)}, og legges fram for dere."
    else:
        nxt = "Ingen kandidater står igjen; boligen lyses ut til helse- og velferdskontorene på nytt."
    _to_unit(ctx, vacancy, f"Tilbudet om {vacancy.reference} ble avslått",
             f"{candidate} takket nei til {_where(vacancy)}. {nxt}")


def deadline_to_office(ctx: Context, vacancy: Vacancy, office: str, deadline: str, due: str) -> None:
    """A reminder (påminnelse) to an office that has not nominated by the deadline."""
    _to_office(ctx, vacancy, office, f"Påminnelse: nominasjon til {vacancy.reference}",
               f"Fristen «{deadline}» for {_where(vacancy)} var {due}, og kontoret deres har ikke nominert "
               f"ennå.\n\nLogg inn og nominer kontorets kandidat, eller gi beskjed til boligtildelingen om at "
               f"dere ikke har noen kandidat som passer. Sjekk ventelisten mot boligen fra sakens side.")


def deadline_to_unit(ctx: Context, vacancy: Vacancy, deadline: str, due: str) -> None:
    """A reminder to the unit when a step it owns is late (the answer to the recommendation, the home ready)."""
    _to_unit(ctx, vacancy, f"Påminnelse: {vacancy.reference} venter på dere",
             f"Fristen «{deadline}» for {_where(vacancy)} var {due}.\n\nLogg inn for å se hva som venter.")
