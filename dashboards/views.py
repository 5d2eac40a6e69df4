"""Page components shared by several pages: one trainee's overview, timeline, delmål and intyg.

The ST-läkare's own pages call these with their own trainee id; the handledare's and the
studierektor's trainee views call the same functions read-only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import cache, charts
from dashboards import format as fmt
from dashboards.connection import after_write
from tracker import services
from tracker.accounts import ROLE_LABELS, Actor
from tracker.domain import (
    ACTIVITY_TYPES,
    LEAVE_KINDS,
    LEAVE_LABELS,
    PLACEMENT_KINDS,
    SETTING_LABELS,
    SETTINGS,
    TYPE_LABELS,
)
from tracker.errors import FIELD_LABELS, TrackerError
from tracker.rules.reference import Progress
from tracker.spreadsheet import csv_bytes
from tracker.store import Connection

PLOTLY_CONFIG = {"displayModeBar": False}
STATUS_TEXT = {"uppfyllt": "Uppfyllt", "pågår": "Pågår", "ej påbörjat": "Ej påbörjat"}
FLASH_KEY = "_flash"


# --- small helpers ----------------------------------------------------------------------------


@contextmanager
def shown_errors() -> Iterator[None]:
    """Show a refused or failed read as a Swedish message and stop the page."""
    try:
        yield
    except services.AccessDenied as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        st.stop()
    except TrackerError as exc:
        st.error(fmt.plain(exc))
        st.stop()


def flash(message: str) -> None:
    """A success message that survives the rerun after a write."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(fmt.plain(message), icon=":material/check_circle:")


def plot(fig: Any, key: str) -> None:
    st.plotly_chart(fig, key=key, width="stretch", config=PLOTLY_CONFIG)


def download(table: pd.DataFrame, name: str, *, key: str) -> None:
    """A download of exactly the table shown, as CSV with its Swedish headings (the grid's own export is
    switched off, ``client.disableDataExport``, because it cannot neutralise formula cells)."""
    st.download_button(
        "Ladda ner tabellen (CSV)",
        csv_bytes(table),
        file_name=f"{name}-{cache.as_of().isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=key,
    )


def input_errors(exc: services.InputError) -> None:
    """A write's validation errors, one row per problem."""
    st.error("Uppgifterna kunde inte sparas. Rätta följande och försök igen:", icon=":material/error:")
    st.dataframe(
        pd.DataFrame(
            {
                "Fält": [FIELD_LABELS.get(e.column, e.column) for e in exc.errors],
                "Vad är fel": [e.message[:1].upper() + e.message[1:] for e in exc.errors],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def write(action: Any, success: str) -> bool:
    """Run a write through the service layer; on success clear caches, flash and rerun."""
    try:
        action()
    except services.InputError as exc:
        input_errors(exc)
        return False
    except TrackerError as exc:
        st.error(fmt.plain(exc), icon=":material/block:")
        return False
    after_write()
    flash(success)
    st.rerun()
    return True


def _text(value: object) -> str:
    return value if isinstance(value, str) and value else fmt.DASH


def own_trainee(actor: Actor) -> str:
    """The signed-in ST-läkare's trainee id (pages of "Min ST")."""
    if not actor.trainee_id:
        st.info("Ditt konto är inte kopplat till någon ST-utbildning. Kontakta studierektorn.")
        st.stop()
    return actor.trainee_id


def trainee_header(con: Connection, actor: Actor, trainee_id: str, *, subtitle: str | None = None) -> None:
    with shown_errors():
        info = cache.read("trainee_unit", con, actor, trainee_id)
    parts = [info.get("specialty"), info.get("regulation"), info.get("unit_name")]
    if info.get("st_start_date"):
        parts.append(f"ST-start {fmt.sv_date(info['st_start_date'])}")
    if subtitle:
        st.caption(subtitle)
    st.markdown(f"#### {fmt.plain(info.get('name') or trainee_id)}")
    st.caption(" · ".join(fmt.plain(p) for p in parts if p))


# --- overview ---------------------------------------------------------------------------------


def overview(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> Progress:
    """Time against the minimum, BT, the readiness checklist and the next steps."""
    as_of = cache.as_of()
    with shown_errors():
        progress: Progress = cache.read("trainee_overview", con, actor, trainee_id, as_of)
        certs: pd.DataFrame = cache.read("certificates", con, actor, trainee_id)
        detail: pd.DataFrame = cache.read("delmal_detail", con, actor, trainee_id, as_of)

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
            "Tillgodoräknad tid",
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
        if progress.days_before_legitimation:
            st.warning(
                f"{progress.days_before_legitimation} dagar ST-tjänstgöring ligger före legitimationsdatum "
                "och räknas inte."
            )

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
            st.metric("BT-tid", fmt.months_of(bt.months, 6))
            st.metric("BT-delmål uppfyllda", fmt.count_of(done, len(bt.delmal)))
            st.caption(
                f"Primärvård {fmt.months_of(bt.primary_care_months, 3)}, akut sjukvård "
                f"{fmt.months_of(bt.acute_care_months, 3)} (minst 3 mån i varje)."
            )
            if bt.approved:
                st.success("BT är godkänd av Socialstyrelsen.", icon=":material/verified:")
            elif bt.ready_for_application:
                st.info("Allt för BT är klart: ansök om intyg om godkänd bastjänstgöring.")
            else:
                st.info("BT är inte godkänd ännu.")

    st.subheader("Klart att ansöka om bevis om specialistkompetens?")
    checklist(progress)

    st.subheader("Nästa steg")
    steps = services.next_steps(progress, certs, detail)
    if steps:
        st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(steps, start=1)))
    else:
        st.markdown("Inget att göra just nu.")
    return progress


def checklist(progress: Progress) -> None:
    for done, label, lines in services.readiness(progress):
        icon = ":green[:material/check_circle:]" if done else ":red[:material/cancel:]"
        st.markdown(f"{icon} **{label}**")
        if done or not lines:
            continue
        if len(lines) <= 2:
            for line in lines:
                st.markdown(f"&nbsp;&nbsp;&nbsp;&nbsp;{line}")
        else:
            with st.expander(f"Visa vad som saknas ({len(lines)} punkter)"):
                st.markdown("\n".join(f"- {line}" for line in lines))


# --- timeline ---------------------------------------------------------------------------------


def timeline(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    with shown_errors():
        df: pd.DataFrame = cache.read("timeline", con, actor, trainee_id)
    if df.empty:
        st.info("Inga placeringar eller ledigheter är registrerade ännu. Lägg till dem under Intyg.")
        return
    plot(charts.timeline_chart(df, cache.as_of()), key=f"{key}_timeline")
    st.caption(
        "Ljusare staplar = deltid (omfattningen står i etiketten). Randiga staplar = planerat "
        "(startar efter i dag). Den prickade linjen är dagens datum."
    )
    placements = df[df["category"] == "Placering"]
    planned = placements[placements["planned"]]
    a, b, c = st.columns(3)
    a.metric("Placeringar", len(placements))
    b.metric("Varav planerade", len(planned))
    c.metric("Ledigheter", int((df["category"] == "Ledighet").sum()))
    table = pd.DataFrame(
        {
            "Typ": df["category"],
            "Vad": df["name"],
            "Period": [fmt.period(s, e) for s, e in zip(df["start_date"], df["end_date"], strict=True)],
            "Omfattning": [fmt.pct(p) if pd.notna(p) else fmt.DASH for p in df["percent"]],
            "Planerad": ["Ja" if p else "" for p in df["planned"]],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download(table, "tidslinje", key=f"{key}_timeline_csv")


# --- delmål -----------------------------------------------------------------------------------


def delmal(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    as_of = cache.as_of()
    with shown_errors():
        df: pd.DataFrame = cache.read("delmal_detail", con, actor, trainee_id, as_of)
    if df.empty:
        st.warning("Ingen målbeskrivning hittades för ST-läkarens specialitet och regelverk.")
        return
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
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 38 + 35 * 30),
        column_config={
            "Delmål": st.column_config.TextColumn(width="small"),
            "Rubrik": st.column_config.TextColumn(width="medium"),
            "Status": st.column_config.TextColumn(width="small"),
            "Vad saknas": st.column_config.TextColumn(width="medium"),
            "Intyg": st.column_config.TextColumn(width="medium"),
        },
    )
    download(table, "delmal", key=f"{key}_delmal_csv")
    st.markdown("##### Kompetenskrav")
    for r in shown.to_dict("records"):
        with st.expander(f"{r['code']} {fmt.plain(r['title'])} · {STATUS_TEXT.get(r['status'], r['status'])}"):
            if len(r["kompetenskrav"]):
                st.markdown("Den specialistkompetenta läkaren ska:\n" + "\n".join(f"- {k}" for k in r["kompetenskrav"]))
            else:
                st.caption("Kompetenskraven finns inte i katalogen.")
            if len(r["activities"]):
                st.markdown("**Utbildningsaktiviteter:** " + "; ".join(r["activities"]))
            if r["missing"]:
                st.markdown(f"**Saknas:** {r['missing']}")


# --- intyg ------------------------------------------------------------------------------------


def certificate_table(con: Connection, actor: Actor, trainee_id: str) -> pd.DataFrame:
    with shown_errors():
        certs: pd.DataFrame = cache.read("certificates", con, actor, trainee_id)
    if certs.empty:
        st.info("Inga intyg är registrerade ännu.")
        return certs
    statuses = st.multiselect(
        "Status",
        list(services.STATUS_LABELS.values()),
        default=[],
        placeholder="Alla statusar",
        key=f"cert_status_{trainee_id}",
    )
    shown = certs if not statuses else certs[certs["status_label"].isin(statuses)]
    table = pd.DataFrame(
        {
            "Status": shown["status_label"],
            "Intyg": [r["title"] or r["type_label"] for r in shown.to_dict("records")],
            "Period": [fmt.period(s, e) for s, e in zip(shown["start_date"], shown["end_date"], strict=True)],
            "Delmål": shown["delmal"].map(fmt.codes),
            "Signerat av": [
                _text(r["signed_by"] if r["status"] in ("signerat", "makulerat") else r["signer_name"])
                for r in shown.to_dict("records")
            ],
            "Signerat": shown["signed_date"].map(lambda d: fmt.iso_date(d) if d else fmt.DASH),
            "Typ": shown["type_label"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Intyg": st.column_config.TextColumn(width="large"),
            "Delmål": st.column_config.TextColumn(width="small"),
        },
    )
    download(table, "intyg", key=f"certificates_csv_{trainee_id}")
    for r in certs[certs["status"] == "returnerat"].to_dict("records"):
        st.warning(
            f"Returnerat: ”{fmt.plain(r['title'] or r['type_label'])}”. Kommentar: {fmt.plain(r['comment'] or fmt.DASH)}",
            icon=":material/undo:",
        )
    with shown_errors():
        stale: set[str] = cache.read("stale_requests", con, actor, trainee_id)
    for r in certs[certs["certificate_id"].isin(stale)].to_dict("records"):
        st.warning(
            f"”{fmt.plain(r['title'] or r['type_label'])}” väntar på {fmt.plain(r['signer_name'] or 'en handledare')}, "
            "som inte längre kan signera det (handledarskapet har upphört). Skicka det till en nuvarande handledare.",
            icon=":material/person_off:",
        )
    _voided(con, actor, trainee_id, certs)
    a, b, c = st.columns(3)
    a.metric("Signerade", int((certs["status"] == "signerat").sum()))
    b.metric("Väntar på signering", int((certs["status"] == "skickat").sum()))
    c.metric("Utkast eller returnerade", int(certs["status"].isin(["utkast", "returnerat"]).sum()))
    return certs


def _voided(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    """Voided certificates with their reason; the trainee can reissue one as a new draft."""
    own = actor.trainee_id == trainee_id
    for r in certs[certs["status"] == "makulerat"].to_dict("records"):
        cid = r["certificate_id"]
        with st.container(border=True):
            st.markdown(
                f":red-badge[:material/block: Makulerad] **{fmt.plain(r['title'] or r['type_label'])}** "
                f"({fmt.period(r['start_date'], r['end_date'])})"
            )
            signed = f"Signerat av {fmt.plain(r['signed_by'])} {fmt.sv_date(r['signed_date'])}. " if r["signed_by"] else ""
            st.caption(f"{signed}Skäl till makulering: {fmt.plain(r['comment'] or fmt.DASH)}")
            if own and st.button(
                "Utfärda nytt intyg", key=f"reissue_{cid}", icon=":material/content_copy:", help=REISSUE_HELP
            ):
                write(
                    lambda cid=cid: services.reissue_certificate(con, actor, cid),
                    "Ett nytt utkast är skapat. Rätta det under Ändra intyg och skicka det för signering.",
                )


REISSUE_HELP = "Skapar ett nytt utkast med samma typ, rubrik, datum och delmål, som du kan rätta och skicka igen."


def void_form(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    """Void a signed certificate, with a reason: for the signer, a studierektor or an administrator."""
    if certs.empty:
        return
    signed = certs[certs["status"] == "signerat"]
    if not actor.has("studierektor", "admin"):
        signed = signed[signed["signer_person_id"] == actor.person_id]
    if signed.empty:
        return
    rows = {r["certificate_id"]: r for r in signed.to_dict("records")}
    with st.expander("Makulera ett signerat intyg", icon=":material/block:"):
        st.caption(
            "Ett signerat intyg kan inte ändras. Makulera det med ett skäl; det räknas då inte längre, "
            "och ST-läkaren kan utfärda ett nytt intyg som går igenom signeringen på nytt."
        )
        with st.form(f"void_{trainee_id}"):
            cid = st.selectbox(
                "Intyg",
                list(rows),
                format_func=lambda c: f"{rows[c]['title'] or rows[c]['type_label']} "
                f"(signerat {fmt.iso_date(rows[c]['signed_date'])})",
            )
            reason = st.text_area("Skäl till makulering", height=80)
            submitted = st.form_submit_button("Makulera", type="primary", icon=":material/block:")
        if submitted and cid:
            write(
                lambda: services.void_certificate(con, actor, cid, reason),
                "Intyget är makulerat och räknas inte längre.",
            )


def _delmal_options(con: Connection, actor: Actor, trainee_id: str) -> dict[str, str]:
    cat: pd.DataFrame = cache.read("delmal_catalogue", con, actor, trainee_id)
    return {r["code"]: f"{r['code']} {r['title']}" for r in cat.to_dict("records")}


def certificate_forms(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    """Forms to add placements, leave and activities, to send an intyg and to change a returned one."""
    tabs = st.tabs(["Skicka för signering", "Ny aktivitet eller intyg", "Ny placering", "Ny ledighet", "Ändra intyg"])
    with tabs[0]:
        _send_form(con, actor, trainee_id, certs)
    with tabs[1]:
        _certificate_form(con, actor, trainee_id)
    with tabs[2]:
        _placement_form(con, actor, trainee_id)
    with tabs[3]:
        _leave_form(con, actor, trainee_id)
    with tabs[4]:
        _edit_form(con, actor, trainee_id, certs)


def _cert_label(r: dict[str, Any]) -> str:
    title = r["title"] or r["type_label"]
    return f"{title} ({services.STATUS_LABELS.get(r['status'], r['status']).lower()})"


def _send_form(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    with shown_errors():
        stale: set[str] = cache.read("stale_requests", con, actor, trainee_id)
    # Unsigned ones, and sent ones whose addressee can no longer sign them (to be sent to someone else).
    sendable = (
        certs[certs["status"].isin(["utkast", "returnerat"]) | certs["certificate_id"].isin(stale)] if len(certs) else certs
    )
    if sendable.empty:
        st.info("Du har inga osignerade intyg att skicka. Lägg först till en aktivitet eller ett intyg.")
        return
    rows = {r["certificate_id"]: r for r in sendable.to_dict("records")}
    cid = st.selectbox("Intyg", list(rows), format_func=lambda c: _cert_label(rows[c]), key="send_pick")
    ctype = str(rows[cid]["type"]) if cid else ""
    with shown_errors():
        signers: pd.DataFrame = cache.read("signers_for", con, actor, trainee_id, ctype)
    if signers.empty:
        st.warning("Du har ingen handledare registrerad just nu. Kontakta studierektorn.")
        return
    names = {r["person_id"]: f"{r['name']} ({r['role']})" for r in signers.to_dict("records")}
    if ctype in services.VERKSAMHETSCHEF_TYPES:
        st.caption("Intyg om fullgjord BT eller ST kan också signeras av verksamhetschefen på din enhet.")
    with st.form("send_certificate"):
        signer = st.selectbox("Signeras av", list(names), format_func=lambda p: names[p])
        submitted = st.form_submit_button("Skicka för signering", type="primary", icon=":material/send:")
    if submitted and cid and signer:
        write(
            lambda: services.request_signature(con, actor, cid, signer),
            f"Intyget är skickat till {names[signer].split(' (')[0]} för signering.",
        )


def _certificate_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    options = _delmal_options(con, actor, trainee_id)
    with st.form("add_certificate", clear_on_submit=False):
        ctype = st.selectbox("Typ", list(ACTIVITY_TYPES), format_func=lambda t: TYPE_LABELS.get(t, t))
        title = st.text_input("Rubrik", placeholder="t.ex. Kurs i försäkringsmedicin")
        a, b = st.columns(2)
        start = a.date_input("Startdatum", value=None, format="YYYY-MM-DD")
        end = b.date_input("Slutdatum", value=None, format="YYYY-MM-DD")
        codes = st.multiselect(
            "Delmål som intyget avser", list(options), format_func=lambda c: options[c], placeholder="Välj delmål"
        )
        submitted = st.form_submit_button("Spara som utkast", type="primary", icon=":material/save:")
    st.caption("Intyget sparas som utkast. Skicka det sedan till din handledare för signering.")
    if submitted:
        write(
            lambda: services.add_certificate(
                con, actor, trainee_id, type=ctype, title=title, delmal=codes, start_date=start, end_date=end
            ),
            "Aktiviteten är sparad som utkast.",
        )


def _placement_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_placement"):
        a, b = st.columns(2)
        kind = a.selectbox("Tjänstgöring", list(PLACEMENT_KINDS), index=2)
        setting = b.selectbox("Verksamhet", list(SETTINGS), format_func=lambda s: SETTING_LABELS.get(s, s))
        workplace = st.text_input("Arbetsplats", placeholder="t.ex. Medicinkliniken, Sahlgrenska")
        a, b, c = st.columns(3)
        start = a.date_input("Startdatum", value=None, format="YYYY-MM-DD")
        end = b.date_input("Slutdatum", value=None, format="YYYY-MM-DD")
        percent = c.number_input("Omfattning (% av heltid)", min_value=1, max_value=100, value=100, step=5)
        submitted = st.form_submit_button("Spara placering", type="primary", icon=":material/save:")
    if submitted:
        write(
            lambda: services.add_placement(
                con,
                actor,
                trainee_id,
                kind=kind,
                setting=setting,
                workplace=workplace,
                start_date=start,
                end_date=end,
                percent=float(percent),
            ),
            "Placeringen är sparad.",
        )


def _leave_form(con: Connection, actor: Actor, trainee_id: str) -> None:
    with st.form("add_leave"):
        kind = st.selectbox("Typ av ledighet", list(LEAVE_KINDS), format_func=lambda k: LEAVE_LABELS.get(k, k))
        a, b, c = st.columns(3)
        start = a.date_input("Startdatum", value=None, format="YYYY-MM-DD")
        end = b.date_input("Slutdatum", value=None, format="YYYY-MM-DD")
        percent = c.number_input("Omfattning (% av heltid)", min_value=1, max_value=100, value=100, step=5)
        submitted = st.form_submit_button("Spara ledighet", type="primary", icon=":material/save:")
    st.caption("Semester och jourkompensation räknas som tjänstgöring och registreras inte här.")
    if submitted:
        write(
            lambda: services.add_leave(
                con, actor, trainee_id, kind=kind, start_date=start, end_date=end, percent=float(percent)
            ),
            "Ledigheten är sparad.",
        )


def _edit_form(con: Connection, actor: Actor, trainee_id: str, certs: pd.DataFrame) -> None:
    editable = certs[certs["status"].isin(["utkast", "returnerat"])] if len(certs) else certs
    if editable.empty:
        st.info("Bara utkast och returnerade intyg kan ändras; signerade intyg är låsta.")
        return
    rows = {r["certificate_id"]: r for r in editable.to_dict("records")}
    cid = st.selectbox("Intyg att ändra", list(rows), format_func=lambda c: _cert_label(rows[c]), key="edit_pick")
    r = rows[cid]
    if r["comment"]:
        st.info(f"Handledarens kommentar: {fmt.plain(r['comment'])}")
    options = _delmal_options(con, actor, trainee_id)
    with st.form(f"edit_{cid}"):
        title = st.text_input("Rubrik", value=r["title"])
        a, b = st.columns(2)
        start = a.date_input("Startdatum", value=r["start_date"], format="YYYY-MM-DD")
        end = b.date_input("Slutdatum", value=r["end_date"], format="YYYY-MM-DD")
        codes = st.multiselect(
            "Delmål", list(options), default=[c for c in r["delmal"] if c in options], format_func=lambda c: options[c]
        )
        submitted = st.form_submit_button("Spara ändringar", type="primary", icon=":material/save:")
    if submitted:
        write(
            lambda: services.update_certificate(
                con, actor, cid, title=title, delmal=codes, start_date=start, end_date=end
            ),
            "Intyget är ändrat. Skicka det igen för signering.",
        )


# --- trainee lists ----------------------------------------------------------------------------


def trainee_list(con: Connection, actor: Actor, *, supervised_only: bool) -> None:
    """A sortable, filterable table of trainees with one trainee opened below it (read-only)."""
    as_of = cache.as_of()
    with shown_errors():
        df: pd.DataFrame = cache.read("supervisor_table" if supervised_only else "trainee_table", con, actor, as_of)
    if df.empty:
        if supervised_only:
            st.info(
                "Du är inte handledare för någon ST-läkare just nu. Handledarskap registreras av "
                "studierektorn eller administratören."
            )
        else:
            st.info(
                "Det finns inga ST-läkare inom ditt ansvarsområde ännu. Importera dem under Import "
                "eller skriv in en ST-intressent."
            )
        return
    a, b, c = st.columns([2, 2, 2])
    query = a.text_input("Sök namn", key=f"tl_q_{supervised_only}", placeholder="Skriv en del av namnet")
    specialties = b.multiselect(
        "Specialitet", sorted(df["specialty"].dropna().unique()), key=f"tl_s_{supervised_only}", placeholder="Alla"
    )
    sorts = ["Namn", "Tid kvar (minst först)", "Beräknat klar", "Ej påbörjade delmål"]
    if supervised_only:
        sorts.insert(3, "Väntar på dig")
    sort = c.selectbox("Sortera efter", sorts, key=f"tl_o_{supervised_only}")
    shown = df
    if query:
        shown = shown[shown["name"].str.contains(query, case=False, regex=False)]
    if specialties:
        shown = shown[shown["specialty"].isin(specialties)]
    order = {
        "Namn": (["name"], [True]),
        "Tid kvar (minst först)": (["remaining_months"], [True]),
        "Beräknat klar": (["projected_completion_date"], [True]),
        "Väntar på dig": (["waiting_for_me", "name"], [False, True]),
        "Ej påbörjade delmål": (["delmal_ej", "name"], [False, True]),
    }[sort]
    shown = shown.sort_values(order[0], ascending=order[1], na_position="last")
    table = pd.DataFrame(
        {
            "Namn": shown["name"],
            "Väntar": shown["waiting_for_me"].astype(int),
            "Andel": shown["progress_pct"].round(0),
            "Tillgodoräknat": [
                fmt.months_of(c, r) for c, r in zip(shown["counted_months"], shown["required_months"], strict=True)
            ],
            "Beräknat klar": shown["projected_completion_date"].map(fmt.iso_date),
            "Delmål klara": [
                fmt.count_of(u, t) for u, t in zip(shown["delmal_uppfyllt"], shown["delmal_total"], strict=True)
            ],
            "Pågår": shown["delmal_pagar"].astype(int),
            "Ej påbörjade": shown["delmal_ej"].astype(int),
            "Specialitet": shown["specialty"],
            "Enhet": shown["unit_name"].fillna(fmt.DASH),
        }
    )
    if not supervised_only:
        table = table.drop(columns=["Väntar"])
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Väntar": st.column_config.NumberColumn(help="Intyg som väntar på din signatur"),
            "Andel": st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d %%", help="Andel av minimitiden som är tillgodoräknad"
            ),
            "Tillgodoräknat": st.column_config.TextColumn(help="Tillgodoräknad tid av minimitiden, heltidsmånader"),
            "Delmål klara": st.column_config.TextColumn(help="Uppfyllda delmål av alla som gäller"),
            "Pågår": st.column_config.NumberColumn(help="Delmål där något är registrerat men inte allt signerat"),
            "Ej påbörjade": st.column_config.NumberColumn(help="Delmål där inget är registrerat"),
        },
    )
    download(table, "st-lakare", key="trainee_list_csv")
    st.caption(
        f"{len(shown)} av {len(df)} ST-läkare."
        + (" Väntar på dig = intyg som skickats till dig för signering." if supervised_only else "")
    )

    st.divider()
    names = dict(zip(shown["trainee_id"], shown["name"], strict=True))
    if not names:
        return
    pick = st.selectbox(
        "Öppna ST-läkare",
        list(names),
        format_func=lambda t: names[t],
        index=None,
        placeholder="Välj en ST-läkare i listan",
        key=f"tl_open_{supervised_only}",
    )
    if pick:
        trainee_view(con, actor, str(pick), key=f"tv_{supervised_only}")


def trainee_view(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    """One trainee, read-only, with the same components as the ST-läkare's own pages."""
    trainee_header(con, actor, trainee_id, subtitle="Endast läsbehörighet")
    tabs = st.tabs(["Översikt", "Tidslinje", "Delmål", "Intyg"])
    with tabs[0]:
        overview(con, actor, trainee_id, key=f"{key}_ov")
    with tabs[1]:
        timeline(con, actor, trainee_id, key=f"{key}_tl")
    with tabs[2]:
        delmal(con, actor, trainee_id, key=f"{key}_dm")
    with tabs[3]:
        certs = certificate_table(con, actor, trainee_id)
        void_form(con, actor, trainee_id, certs)


# --- audit log --------------------------------------------------------------------------------


def audit_log(con: Connection, actor: Actor) -> None:
    """The audit rows the actor may see, with filters and a CSV download of what is shown."""
    with shown_errors():
        df: pd.DataFrame = cache.read("audit_trail", con, actor)
    st.caption(
        "Varje ändring i ST-trackern loggas med tidpunkt, vem som gjorde den och uppgifterna före och efter. "
        "Loggen kan inte ändras eller raderas."
    )
    if df.empty:
        st.info("Det finns inga loggade händelser som du har behörighet att se ännu.")
        return
    a, b, c = st.columns([2, 2, 2])
    trainees = sorted(t for t in df["trainee_name"].unique() if t)
    picked_trainees = a.multiselect("ST-läkare", trainees, placeholder="Alla", key="log_trainee")
    actions = sorted(df["action_label"].unique())
    picked_actions = b.multiselect("Händelse", actions, placeholder="Alla", key="log_action")
    first, last = df["logged_at"].min().date(), df["logged_at"].max().date()
    period = c.date_input("Period", value=(first, last), format="YYYY-MM-DD", key="log_period")
    query = st.text_input("Sök", placeholder="Namn, post-id eller innehåll", key="log_query")
    shown = df
    if picked_trainees:
        shown = shown[shown["trainee_name"].isin(picked_trainees)]
    if picked_actions:
        shown = shown[shown["action_label"].isin(picked_actions)]
    if isinstance(period, tuple) and len(period) == 2:
        day = shown["logged_at"].dt.date
        shown = shown[(day >= period[0]) & (day <= period[1])]
    if query:
        text = (
            shown["actor_name"]
            + " "
            + shown["trainee_name"]
            + " "
            + shown["entity_id"]
            + " "
            + shown["before_json"].fillna("")
            + " "
            + shown["after_json"].fillna("")
        )
        shown = shown[text.str.contains(query, case=False, regex=False)]
    table = pd.DataFrame(
        {
            "Tidpunkt": shown["logged_at"].dt.strftime("%Y-%m-%d %H:%M"),
            "Vem": shown["actor_name"],
            "Händelse": shown["action_label"],
            "Post": shown["entity_label"],
            "Post-id": shown["entity_id"],
            "ST-läkare": shown["trainee_name"].replace("", fmt.DASH),
            "Före": shown["before_json"].fillna(fmt.DASH),
            "Efter": shown["after_json"].fillna(fmt.DASH),
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Före": st.column_config.TextColumn(width="medium", help="Uppgifterna före ändringen (JSON)"),
            "Efter": st.column_config.TextColumn(width="medium", help="Uppgifterna efter ändringen (JSON)"),
        },
    )
    st.caption(f"{len(shown)} av {len(df)} händelser. Tider i svensk tid.")
    st.download_button(
        "Ladda ner som CSV",
        data=services.audit_csv(shown),
        file_name=f"st-tracker-logg-{cache.as_of().isoformat()}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="log_download",
    )


# --- users and roles --------------------------------------------------------------------------


def _role_scope(r: dict[str, Any]) -> str:
    parts = [r.get("unit_name") or r.get("unit_id"), r.get("region_id"), r.get("area")]
    return ", ".join(str(p) for p in parts if isinstance(p, str) and p) or fmt.DASH


def user_roles(con: Connection, actor: Actor) -> None:
    """People with their roles; forms to add and remove a role assignment (administrators)."""
    with shown_errors():
        df: pd.DataFrame = cache.read("role_assignments", con, actor)
        unit_df: pd.DataFrame = cache.read("units", con, actor)
    query = st.text_input("Sök person", placeholder="Namn eller e-post", key="ur_q")
    shown = df
    if query:
        text = shown["name"] + " " + shown["email"].fillna("")
        shown = shown[text.str.contains(query, case=False, regex=False)]
    records = shown.to_dict("records")
    st.dataframe(
        pd.DataFrame(
            {
                "Namn": [r["name"] for r in records],
                "E-post": [_text(r["email"]) for r in records],
                "Roll": [ROLE_LABELS.get(r["role"], fmt.DASH) if isinstance(r["role"], str) else fmt.DASH for r in records],
                "Omfattning": [_role_scope(r) if isinstance(r["role"], str) else fmt.DASH for r in records],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"{shown['person_id'].nunique()} personer. Handledarskap och ST-läkare registreras via import.")
    people = dict(zip(df["person_id"], df["name"] + " (" + df["email"].fillna("utan e-post") + ")", strict=False))
    units = dict(zip(unit_df["unit_id"], unit_df["name"], strict=True))
    regions = sorted(unit_df["region_id"].dropna().unique())
    left, right = st.columns(2, gap="large")
    with left, st.form("add_role"):
        st.subheader("Ge en roll")
        pid = st.selectbox("Person", list(people), format_func=lambda p: people[p], index=None, placeholder="Välj")
        role = st.selectbox("Roll", list(ROLE_LABELS), format_func=lambda r: ROLE_LABELS[r])
        region = st.selectbox("Region (studierektor)", regions, index=None, placeholder="Ingen")
        area = st.text_input("Område (studierektor, valfritt)")
        unit = st.selectbox(
            "Enhet (verksamhetschef)", list(units), format_func=lambda u: units[u], index=None, placeholder="Ingen"
        )
        submitted = st.form_submit_button("Lägg till roll", type="primary", icon=":material/add:")
    if submitted:
        if pid is None:
            st.warning("Välj en person.")
        else:
            write(
                lambda: services.add_role(
                    con, actor, str(pid), str(role), region_id=region, area=area.strip() or None, unit_id=unit
                ),
                f"{ROLE_LABELS[str(role)]} är tillagd för {people[pid].split(' (')[0]}.",
            )
    assigned = {
        int(r["role_assignment_id"]): f"{r['name']}: {ROLE_LABELS.get(r['role'], r['role'])} ({_role_scope(r)})"
        for r in df.dropna(subset=["role_assignment_id"]).to_dict("records")
    }
    with right, st.form("remove_role"):
        st.subheader("Ta bort en roll")
        rid = st.selectbox("Roll", list(assigned), format_func=lambda i: assigned[i], index=None, placeholder="Välj")
        removed = st.form_submit_button("Ta bort roll", icon=":material/remove:")
    if removed and rid is not None:
        write(lambda: services.remove_role(con, actor, int(rid)), f"Rollen är borttagen: {assigned[rid]}.")
