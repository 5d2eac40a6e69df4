"""The list of trainees with one opened below it, read-only: for handledare and the utbildningsenhet."""

from __future__ import annotations

from typing import NoReturn

import pandas as pd
import streamlit as st

from dashboards import cache
from dashboards import format as fmt
from dashboards.components import certificates, entries, personal, trainee
from dashboards.components.export import download
from dashboards.components.feedback import shown_errors
from tracker import services
from tracker.accounts import Actor
from tracker.domain import REG_2021
from tracker.services import Connection

OFFICE_LIST_PAGE = "dashboards/pages/utbildningsenhet/st_lakare.py"


def open_in_office_list(trainee_id: str) -> NoReturn:
    """Go to the utbildningsenhet's ST-läkare page with ``trainee_id`` chosen in its "Öppna ST-läkare" box
    (the list's ``tl_open_False``), so that the trainee opens below the list."""
    st.session_state["tl_open_False"] = trainee_id
    st.switch_page(OFFICE_LIST_PAGE)


def trainee_list(con: Connection, actor: Actor, *, supervised_only: bool) -> str | None:
    """A sortable, filterable table of trainees with one trainee opened below it (read-only); the opened
    trainee's id, for the page to add to the view."""
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
        return None
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
    names_of = services.trainee_labels(shown)  # two trainees of the same name are told apart
    table = pd.DataFrame(
        {
            "Namn": [names_of[t] for t in shown["trainee_id"]],
            "Väntar": shown["waiting_for_me"].astype(int),
            "Andel": shown["progress_pct"].round(0),
            "Tid mot minimitiden": [
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
    if not supervised_only:  # the office sees who supervises whom; a handledare's own list is theirs
        table.insert(1, "Handledare", shown["handledare"].replace("", fmt.DASH).to_numpy())
    if not supervised_only:
        table = table.drop(columns=["Väntar"])
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Väntar": st.column_config.NumberColumn(help="Intyg som väntar på din signatur"),
            "Andel": st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%d %%", help="Andel av minimitiden som är uppnådd"
            ),
            "Tid mot minimitiden": st.column_config.TextColumn(
                help="Tjänstgöringstid omräknad till heltid plus tillgodoräknanden, av minimitiden"
            ),
            "Delmål klara": st.column_config.TextColumn(help="Uppfyllda delmål av alla som gäller"),
            "Pågår": st.column_config.NumberColumn(help="Delmål där något är registrerat men inte allt signerat"),
            "Ej påbörjade": st.column_config.NumberColumn(help="Delmål där inget är registrerat"),
            "Handledare": st.column_config.TextColumn(width="large", help="Nuvarande handledare"),
        },
    )
    download(table, "st-lakare", key="trainee_list_csv")
    st.caption(
        f"{len(shown)} av {len(df)} ST-läkare."
        + (" Väntar på dig = intyg som skickats till dig för signering." if supervised_only else "")
    )

    st.divider()
    names = names_of
    if not names:
        return None
    pick = st.selectbox(
        "Öppna ST-läkare",
        list(names),
        format_func=lambda t: names[t],
        index=None,
        placeholder="Välj en ST-läkare i listan",
        key=f"tl_open_{supervised_only}",
    )
    if not pick:
        return None
    trainee_view(con, actor, str(pick), key=f"tv_{supervised_only}")
    return str(pick)


def trainee_view(con: Connection, actor: Actor, trainee_id: str, *, key: str) -> None:
    """One trainee, read-only, with the same components as the ST-läkare's own pages; a studierektor or an
    administrator may also correct the trainee's records (the services check the trainee is in their area)."""
    tv = trainee.view(con, actor, trainee_id)
    corrects = actor.has("studierektor", "admin") and actor.trainee_id != trainee_id
    trainee.header(
        tv,
        subtitle="Läsbehörighet; placeringar, ledighet och tillgodoräknanden kan rättas under Rätta"
        if corrects
        else "Endast läsbehörighet",
    )
    with shown_errors():
        full_personal = services.sees_personal_details(con, actor, trainee_id)
    if not full_personal:  # a handledare: the personnummer masked, no address
        personal.masked_personnummer(con, actor, trainee_id)
    tabs = st.tabs(
        [
            "Översikt",
            "Tidslinje",
            "Delmål",
            "Intyg",
            *(["Rätta"] if corrects else []),
            *(["Personuppgifter"] if full_personal else []),
        ]
    )
    with tabs[0]:
        trainee.overview(tv, key=f"{key}_ov")
    with tabs[1]:
        trainee.timeline(con, actor, trainee_id, key=f"{key}_tl")
    with tabs[2]:
        trainee.delmal(con, actor, tv, key=f"{key}_dm")
    with tabs[3]:
        certs = certificates.table(con, actor, trainee_id)
        certificates.void_form(con, actor, trainee_id, certs)
    if corrects:
        with tabs[4]:
            _corrections(con, actor, tv, certs, key=f"{key}_fix_{trainee_id}")
    if full_personal:
        with tabs[-1]:
            personal.office_section(con, actor, trainee_id, key=key)


def _corrections(
    con: Connection, actor: Actor, tv: services.TraineeView, certs: pd.DataFrame, *, key: str
) -> None:
    """What a studierektor or an administrator may correct on the trainee's record."""
    trainee_id = tv.record.trainee.trainee_id
    entries.corrections(con, actor, trainee_id, key=key)
    st.markdown("#### Intyg som inte är signerade")
    certificates.draft_actions(con, actor, trainee_id, certs, key=f"{key}_certs")
    if tv.progress.regulation == REG_2021:
        st.markdown("#### Godkänd BT")
        entries.bt_approval(con, actor, trainee_id, tv.record.trainee.bt_approved_date, key=key)
