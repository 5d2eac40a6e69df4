"""The specialty register (DOMAIN.md section 6): kind, required bas, look-up aliases and name fixes.

The transcription has neither the kind nor the required bas of a specialty, so they are encoded here.
"""

from __future__ import annotations

from .model import BuildError

BAS = (
    # Barn- och ungdomsmedicinska
    "Barn- och ungdomsmedicin",
    # Bild- och funktionsmedicinska
    "Klinisk fysiologi",
    "Radiologi",
    # Invärtesmedicinska
    "Endokrinologi och diabetologi",
    "Geriatrik",
    "Hematologi",
    "Internmedicin",
    "Kardiologi",
    "Lungsjukdomar",
    "Medicinsk gastroenterologi och hepatologi",
    "Njurmedicin",
    # Kirurgiska
    "Anestesi och intensivvård",
    "Barn- och ungdomskirurgi",
    "Handkirurgi",
    "Kirurgi",
    "Kärlkirurgi",
    "Obstetrik och gynekologi",
    "Ortopedi",
    "Plastikkirurgi",
    "Thoraxkirurgi",
    "Urologi",
    "Ögonsjukdomar",
    "Öron-, näs- och halssjukdomar",
    # Laboratoriemedicinska
    "Klinisk immunologi och transfusionsmedicin",
    "Klinisk kemi",
    "Klinisk mikrobiologi",
    "Klinisk patologi",
    # Neurologiska
    "Klinisk neurofysiologi",
    "Neurokirurgi",
    "Neurologi",
    "Rehabiliteringsmedicin",
    # Psykiatriska
    "Barn- och ungdomspsykiatri",
    "Psykiatri",
    # Enskilda basspecialiteter
    "Akutsjukvård",
    "Allmänmedicin",
    "Arbets- och miljömedicin",
    "Hud- och könssjukdomar",
    "Infektionssjukdomar",
    "Klinisk farmakologi",
    "Klinisk genetik",
    "Onkologi",
    "Reumatologi",
    "Rättsmedicin",
    "Socialmedicin",
)
GREN = {
    "Barn- och ungdomsallergologi": "Barn- och ungdomsmedicin",
    "Barn- och ungdomshematologi och onkologi": "Barn- och ungdomsmedicin",
    "Barn- och ungdomskardiologi": "Barn- och ungdomsmedicin",
    "Barn- och ungdomsneurologi med habilitering": "Barn- och ungdomsmedicin",
    "Neonatologi": "Barn- och ungdomsmedicin",
    "Neuroradiologi": "Radiologi",
    "Hörsel- och balansrubbningar": "Öron-, näs- och halssjukdomar",
    "Röst- och talrubbningar": "Öron-, näs- och halssjukdomar",
    "Rättspsykiatri": "Psykiatri",
}
_TILLAGG_UNCONFIRMED = (
    "The basspecialiteter that qualify for this tilläggsspecialitet are listed in its målbeskrivning, "
    "which was not available; left empty (unconfirmed)."
)
TILLAGG: dict[str, tuple[tuple[str, ...], str]] = {
    "Allergologi": ((), _TILLAGG_UNCONFIRMED),
    "Arbetsmedicin": ((), _TILLAGG_UNCONFIRMED),
    "Beroendemedicin": (
        ("Psykiatri",),
        "A psykiatrisk tilläggsspecialitet (DOMAIN.md section 6, Läkartidningen 2021); whether other "
        "basspecialiteter also qualify is unconfirmed.",
    ),
    "Gynekologisk onkologi": ((), _TILLAGG_UNCONFIRMED),
    "Nuklearmedicin": ((), _TILLAGG_UNCONFIRMED),
    "Palliativ medicin": (
        (),
        "Open to all clinical basspecialiteter (DOMAIN.md section 6, Läkartidningen 2021); the list is "
        "not encoded.",
    ),
    "Skolhälsovård": ((), _TILLAGG_UNCONFIRMED),
    "Smärtlindring": ((), _TILLAGG_UNCONFIRMED),
    "Vårdhygien": ((), _TILLAGG_UNCONFIRMED),
    "Äldrepsykiatri": ((), _TILLAGG_UNCONFIRMED),
}
# Extra names under which a specialty may be looked up.
ALIASES = {
    "Thoraxkirurgi": ("Toraxkirurgi",),
    "Barn- och ungdomskardiologi": ("Barn- och ungdoms-kardiologi",),
}
# Transcription `specialty` values that are misspelt: value -> the name used in the catalogue.
NAME_FIXES = {"Barn- och ungdoms-kardiologi": "Barn- och ungdomskardiologi"}


def register() -> dict[str, tuple[str, list[str], str]]:
    reg: dict[str, tuple[str, list[str], str]] = {}
    for name in BAS:
        reg[name] = ("bas", [], "")
    for name, bas in GREN.items():
        reg[name] = ("gren", [bas], "")
    for name, (bases, note) in TILLAGG.items():
        reg[name] = ("tillägg", list(bases), note)
    if len(reg) != len(BAS) + len(GREN) + len(TILLAGG):
        raise BuildError("a specialty is listed under more than one kind")
    for name, (_kind, required_bas, _note) in reg.items():
        for bas in required_bas:
            if bas not in reg or reg[bas][0] != "bas":
                raise BuildError(f"{name}: required {bas!r} is not a basspecialitet")
    return reg
