"""Administratör: säkerhetskopior av databasen, gjorda av appen själv (den håller databasfilens lås)."""

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from dashboards import format as fmt
from dashboards.components import feedback
from dashboards.signin import page_context
from tracker import services
from tracker.config import Settings

LOCAL = ZoneInfo("Europe/Stockholm")


def size(n: int) -> str:
    return f"{fmt.num(n / 1_000_000, 1)} MB" if n >= 100_000 else f"{fmt.num(n / 1000, 0)} kB"


con, actor = page_context("admin")
settings = Settings.from_env()
root = settings.backup_dir
st.title("Säkerhetskopia")
feedback.show_flash()
st.caption(
    f"En säkerhetskopia är hela databasen med kontrollsummor, i en egen mapp under {fmt.plain(root)} på "
    "servern. En säkerhetskopia läses tillbaka på servern av den som driftar ST-trackern (kommandot "
    "tracker restore i driftdokumentationen), till en ny databasfil. Kopiera säkerhetskopiorna även till en "
    "annan maskin."
)
if settings.backup_every_hours:
    st.info(
        f"Appen gör en säkerhetskopia var {fmt.num(settings.backup_every_hours, 1)}:e timme och behåller de "
        f"{settings.backup_keep} senaste.",
        icon=":material/schedule:",
    )
else:
    st.info(
        "Ingen schemalagd säkerhetskopiering är inställd. Den som driftar ST-trackern ställer in den när appen "
        "startas (TRACKER_BACKUP_EVERY_HOURS, t.ex. 24); du kan också göra en säkerhetskopia här.",
        icon=":material/schedule:",
    )

if st.button("Gör säkerhetskopia nu", icon=":material/backup:", type="primary"):
    feedback.write(lambda: services.backup_now(con, actor, root), "Säkerhetskopian är sparad.")

st.subheader("Säkerhetskopior")
with feedback.shown_errors():
    found = services.backups(con, actor, root)
if not found:
    st.info("Det finns inga säkerhetskopior i mappen ännu.")
else:
    table = pd.DataFrame(
        {
            "Tidpunkt": [b.created_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") for b in found],
            "Mapp": [b.name for b in found],
            "Storlek": [size(b.size) for b in found],
            "Tabeller": [len(b.tables) for b in found],
            "Rader": [b.rows for b in found],
            "Schemaversion": [b.schema_version for b in found],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    newest = found[0]
    st.download_button(
        "Ladda ner den senaste (zip)",
        lambda: services.backup_zip(con, actor, root, newest.name),
        file_name=f"{newest.name}.zip",
        mime="application/zip",
        icon=":material/folder_zip:",
        on_click="ignore",
        key="backup_zip",
    )
    st.caption("Nedladdningen innehåller alla uppgifter i databasen, också personnummer; förvara den därefter.")
