"""One trainee's header, overview, timeline and delmål.

The ST-läkare's own pages call these with their own trainee id; the handledare's and the
utbildningsenhet's read-only trainee view (``trainee_list.trainee_view``) calls the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.components.export import download
from dashboards.components.feedback import shown_errors
from dashboards.components.plot import plot
from tracker import services
from tracker.accounts import Actor
from tracker.rules.facts import BT_MIN_ACUTE, BT_MIN_MONTHS, BT_MIN_PRIMARY
from tracker.rules.reference import Progress
from tracker.services import Connection

STATUS_TEXT = {"uppfyllt": "Uppfyllt", "pågår": "Pågår", "ej påbörjat": "Ej påbörjat"}


def own_id(actor: Actor) -> str:
    """The signed-in ST-läkare's trainee id (pages of "Min ST")."""
    if not actor.trainee_id:
        st.info("Ditt konto är inte kopplat till någon ST-utbildning. Kontakta studierektorn.")
        st.stop()
    return actor.trainee_id


def view(con: Connection, actor: Actor, trainee_id: str) -> services.TraineeView:
    """The trainee's record, progress, certificates and delmål, read once for the whole page."""
    with shown_errors():
        result: services.TraineeView = cache.read("trainee_view", con, actor, trainee_id, cache.as_of())
    return result


def header(tv: services.TraineeView, *, subtitle: str | None = None) -> None:
    """The trainee's name, with specialty, regulation, unit, ST start and ST-kontrakt below it."""
    info, trainee_id = tv.info, tv.record.trainee.trainee_id
    parts = [info.get("specialty"), info.get("regulation"), info.get("unit_name")]
    if info.get("st_start_date"):
        parts.append(f"ST-start {fmt.sv_date(info['st_start_date'])}")
    if info.get("st_contract_date"):
        parts.append(f"ST-kontrakt {fmt.sv_date(info['st_contract_date'])}")
    if subtitle:
        st.caption(subtitle)
    st.markdown(f"#### {fmt.plain(info.get('name') or trainee_id)}")
    st.caption(" · ".join(fmt.plain(p) for p in parts if p))


# --- overview ---------------------------------------------------------------------------------


def overview(tv: services.TraineeView, *, key: str) -> None:
    """Time against the minimum, BT, the readiness checklist and the next steps."""
    as_of = cache.as_of()
    progress, certs, detail = tv.progress, tv.certificates, tv.delmal

    st.subheader("Tjänstgöringstid")
    left, right = st.columns([5, 4], gap="large")
    with left:
        plot(
            charts.progress_bullet(float(progress.counted_months), float(progress.required_months)), key=f"{key}_bullet"
        )
        st.caption(
            f"Räknat per {fmt.sv_date(as_of)} enligt {progress.regulation}. Ledighet som inte räknas "
            "(föräldraledighet, sjukfrånvaro, tjänstledighet) är avdragen; deltid räknas i proportion."
        )
    with right:
        st.metric(
            "Tid mot minimitiden",
            fmt.months_of(progress.counted_months, progress.required_months),
            help="Tjänstgöring omräknad till heltid plus tillgodoräknanden (tidigare ST, utlandstjänstgöring, "
            "doktorsexamen).",
        )
        st.metric("Återstår", fmt.months(progress.remaining_months))
        st.metric(
            "Beräknat klar",
            fmt.sv_date(progress.projected_completion_date),
            help="Första dag då minimitiden nås, med planerade placeringar och därefter samma omfattning "
            "som den sista planerade dagen.",
        )
        if progress.credited_months:
            st.caption(f"Varav tillgodoräknat: {fmt.months(progress.credited_months)}.")
    if progress.notices:
        # The rules' own sentences (credit kinds, months, forms); notes typed by people are not part of them.
        with st.container(border=True):
            st.markdown("**Att tänka på**")
            st.markdown("\n".join(f"- {fmt.plain(n)}" for n in progress.notices))

    if progress.bt is not None:
        bt = progress.bt
        st.subheader("Bastjänstgöring (BT)")
        left, right = st.columns([5, 4], gap="large")
        with left:
            plot(
                charts.bt_split_chart(float(bt.primary_care_months), float(bt.acute_care_months), float(bt.months)),
                key=f"{key}_bt",
            )
        with right:
            done = sum(1 for v in bt.delmal.values() if v == "uppfyllt")
            st.metric("BT-tid", fmt.months_of(bt.months, BT_MIN_MONTHS))
            if bt.credited_months:
                st.caption(f"Varav tillgodoräknat mot BT: {fmt.months(bt.credited_months)}.")
            st.metric("BT-delmål uppfyllda", fmt.count_of(done, len(bt.delmal)))
            st.caption(
                f"Primärvård {fmt.months_of(bt.primary_care_months, BT_MIN_PRIMARY)}, akut sjukvård "
                f"{fmt.months_of(bt.acute_care_months, BT_MIN_ACUTE)} (minst {fmt.num(BT_MIN_PRIMARY)} mån i varje)."
            )
            if bt.approved:
                st.success(
                    f"BT är godkänd av Socialstyrelsen {fmt.sv_date(tv.record.trainee.bt_approved_date)}.",
                    icon=":material/verified:",
                )
            elif bt.ready_for_application:
                st.info("Allt för BT är klart: ansök om intyg om godkänd bastjänstgöring.")
            else:
                st.info("BT är inte godkänd ännu.")

    st.subheader("Klart att ansöka om bevis om specialistkompetens?")
    _checklist(progress)

    st.subheader("Nästa steg")
    steps = services.next_steps(progress, certs, detail)
    if steps:
        # The steps quote certificate titles, comments and names: people's text, shown as text.
        st.markdown("\n".join(f"{i}. {fmt.plain(s)}" for i, s in enumerate(steps, start=1)))
    else:
        st.markdown("Inget att göra just nu.")


def _checklist(progress: Progress) -> None:
    # The lines are the rules' own sentences (codes, document and activity names), never people's text.
    for done, label, lines in services.readiness(progress):
        icon = ":green[:material/check_circle:]" if done else ":red[:material/cancel:]"
        st.markdown(f"{icon} **{label}**")
        if not done:
            folded_list(lines)


def folded_list(lines: Sequence[str]) -> None:
    """What is missing (Markdown lines): up to two lines as they are, more behind "Visa vad som saknas
    (N punkter)", so that a long list does not push the rest of the page out of sight (on a phone above all)."""
    if len(lines) <= 2:
        for line in lines:
            st.markdown(f"&nbsp;&nbsp;&nbsp;&nbsp;{line}")
        return
    with st.expander(f"Visa vad som saknas ({fmt.count(len(lines), 'punkt', 'punkter')})"):
        st.markdown("\n".join(f"- {line}" for line in lines))


# --- timeline ---------------------------------------------------------------------------------


def timeline(con: Connection, actor: Actor, trainee_id: str, *, key: str, table: bool = True) -> None:
    """The timeline chart and counts; with ``table`` also every period in one table (the ST-läkare's own
    page lists placements, leave and credits each with its forms instead: ``entries.records``)."""
    with shown_errors():
        df: pd.DataFrame = cache.read("timeline", con, actor, trainee_id)
    if df.empty:
        st.info("Inga placeringar eller ledigheter är registrerade ännu.")
        return
    plot(charts.timeline_chart(df, cache.as_of()), key=f"{key}_timeline")
    st.caption(
        "Smalare staplar = deltid: stapelns tjocklek är omfattningen, så 50 % är hälften så tjock som heltid "
        "(procenten står i etiketten när den får plats, och när du håller muspekaren över stapeln). "
        "Randiga, ljusare staplar = planerat (startar efter i dag). Den prickade linjen är dagens datum."
    )
    placements = df[df["category"] == "Placering"]
    planned = placements[placements["planned"]]
    a, b, c = st.columns(3)
    a.metric("Placeringar", len(placements))
    b.metric("Varav planerade", len(planned))
    c.metric("Ledigheter", int((df["category"] == "Ledighet").sum()))
    if not table:
        return
    periods = pd.DataFrame(
        {
            "Typ": df["category"],
            "Vad": df["name"],
            "Period": [fmt.period(s, e) for s, e in zip(df["start_date"], df["end_date"], strict=True)],
            "Omfattning": [fmt.pct(p) if pd.notna(p) else fmt.DASH for p in df["percent"]],
            "Planerad": ["Ja" if p else "" for p in df["planned"]],
        }
    )
    st.dataframe(periods, hide_index=True, width="stretch")
    download(periods, "tidslinje", key=f"{key}_timeline_csv")


# --- delmål -----------------------------------------------------------------------------------


def delmal(con: Connection, actor: Actor, tv: services.TraineeView, *, key: str) -> None:
    df = tv.delmal
    if df.empty:
        st.warning("Ingen målbeskrivning hittades för ST-läkarens specialitet och regelverk.")
        return
    with shown_errors():
        doubts: services.CatalogueDoubts = cache.read(
            "catalogue_doubts", con, actor, tv.progress.regulation, tv.record.trainee.specialty
        )
    if doubts.unreliable:
        st.warning(f"**Opålitlig målbeskrivning.** {fmt.plain(doubts.unreliable)}", icon=":material/warning:")
    official = bool(df["title_official"].all())
    verified = bool(df[~df["is_bt"].astype(bool)]["verified"].all())
    st.caption(
        (
            "Rubrikerna är Socialstyrelsens. "
            if official
            else "Rubrikerna för c-/STc-delmål (och de flesta övriga) är beskrivande etiketter, inte officiella titlar: "
            "Socialstyrelsen anger bara kompetenskrav. "
        )
        + (
            "Katalogen är kontrollerad mot Socialstyrelsens målbeskrivning."
            if verified
            else "Katalogen för den här specialiteten är inte kontrollerad mot Socialstyrelsens "
            "egen text; jämför med målbeskrivningen vid osäkerhet."
        )
    )
    df = df.assign(doubt=df["code"].map(lambda c: doubts.delmal.get(str(c), "")))
    is_bt = df["is_bt"].astype(bool)
    if is_bt.any():
        tabs = st.tabs([f"ST-delmål ({int((~is_bt).sum())})", f"BT-delmål ({int(is_bt.sum())})"])
        with tabs[0]:
            _delmal_block(df[~is_bt], key=f"{key}_st")
        with tabs[1]:
            _delmal_block(df[is_bt], key=f"{key}_bt")
    else:
        _delmal_block(df, key=f"{key}_st")


def _delmal_block(df: pd.DataFrame, *, key: str) -> None:
    counts = df["status"].value_counts().to_dict()
    left, right = st.columns([2, 3], gap="large")
    with left:
        plot(charts.delmal_status_chart(counts), key=f"{key}_chart")
    with right:
        a, b, c = st.columns(3)
        a.metric("Uppfyllda", int(counts.get("uppfyllt", 0)))
        b.metric("Pågår", int(counts.get("pågår", 0)))
        c.metric("Ej påbörjade", int(counts.get("ej påbörjat", 0)))
        st.caption(
            "Uppfyllt = varje krävd utbildningsaktivitet har ett signerat intyg som anger delmålet. "
            "Pågår = något är registrerat men inte allt är signerat."
        )

    status_filter = st.segmented_control(
        "Visa", ["Alla", "Ej uppfyllda", "Uppfyllda"], default="Alla", key=f"{key}_filter"
    )
    shown = df
    if status_filter == "Ej uppfyllda":
        shown = df[df["status"] != "uppfyllt"]
    elif status_filter == "Uppfyllda":
        shown = df[df["status"] == "uppfyllt"]
    if shown.empty:
        st.info("Inga delmål att visa med det här urvalet.")
        return
    table = pd.DataFrame(
        {
            "Delmål": shown["code"],
            "Rubrik": shown["title"],
            "Status": shown["status"].map(STATUS_TEXT),
            "Vad saknas": shown["missing"].map(lambda v: v or fmt.DASH),
            "Intyg": shown["certificates"].map(lambda v: "; ".join(v) if len(v) else fmt.DASH),
        }
    )
    if shown["doubt"].astype(bool).any():
        table["Tveksamt"] = shown["doubt"].map(lambda v: v or fmt.DASH)
    # Rows taller than one line let the grid wrap the long texts (what is missing, the intyg) instead of
    # cutting them off; every delmål's full text is also in its expander below.
    longest = max((len(str(v)) for col in ("Rubrik", "Vad saknas", "Intyg") for v in table[col]), default=0)
    row = 35 if longest <= 40 else 76
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        row_height=row,
        height=min(38 + row * len(table), 38 + row * (30 if row == 35 else 12)),
        column_config={
            "Delmål": st.column_config.TextColumn(width="small"),
            "Rubrik": st.column_config.TextColumn(width="medium"),
            "Status": st.column_config.TextColumn(width="small"),
            "Vad saknas": st.column_config.TextColumn(width=290),
            "Intyg": st.column_config.TextColumn(width=290),
            "Tveksamt": st.column_config.TextColumn(width="medium"),
        },
    )
    download(table, "delmal", key=f"{key}_delmal_csv")
    st.markdown("##### Kompetenskrav")
    for r in shown.to_dict("records"):
        label = f"{r['code']} {fmt.plain(r['title'])} · {STATUS_TEXT.get(r['status'], r['status'])}"
        with st.expander(f"{label} · tveksamt" if r["doubt"] else label):
            if r["doubt"]:
                st.warning(f"**Tveksamt delmål.** {fmt.plain(r['doubt'])}", icon=":material/help:")
            if len(r["kompetenskrav"]):
                st.markdown("Den specialistkompetenta läkaren ska:\n" + "\n".join(f"- {fmt.plain(k)}" for k in r["kompetenskrav"]))
            else:
                st.caption("Kompetenskraven finns inte i katalogen.")
            if len(r["activities"]):
                st.markdown("**Utbildningsaktiviteter:** " + "; ".join(fmt.plain(a) for a in r["activities"]))
            if r["missing"]:
                st.markdown(f"**Saknas:** {fmt.plain(r['missing'])}")
            if len(r["certificates"]):
                st.markdown("**Intyg:** " + "; ".join(fmt.plain(c) for c in r["certificates"]))
